"""A city on a 2026 template of Hanoi's 126 wards and communes, and packages of its wards.

The city starts 2026 from the built-in 2021 template in one step (``--units official-2025``) and
publishes it; a real ward workspace (Phường Hoàn Kiếm, 00070) is created from that template package,
given a little data through the services (tasks, materials, an event) and exports its signed package.
The other 125 wards' packages are that package with the ward's code, new record ids and its own key
(re-signed): each is a genuine package as far as the city can tell, made in milliseconds instead of the
half second a real workspace takes — the city's side (import, board, review, reminders, reports) is
what is measured at real size.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from kehoach_desktop.domain.enums import EventStatus, EventType, MaterialStatus, MaterialType, WorkspaceMode
from kehoach_desktop.exchange.keys import fingerprint, generate_keypair
from kehoach_desktop.services import sync
from kehoach_desktop.services.events import EventInput, create_event
from kehoach_desktop.services.materials import MaterialInput, create_material
from kehoach_desktop.services.plan_dto import TaskInput
from kehoach_desktop.services.plan_editing import create_task
from kehoach_desktop.services.session import WorkspaceSession, new_workspace, open_workspace
from kehoach_desktop.services.template_editing import copy_template_for_new_year
from kehoach_desktop.services.workspace import WorkspaceSetup, choose_template, set_demo_today
from tests.services.package_tools import repack

WARD = "00070"  # Phường Hoàn Kiếm
PERIOD = "2026-Q1"
TODAY = dt.date(2026, 4, 10)  # after the deadline of 2026-Q1 (25 March)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class WardsCity:
    folder: Path
    city: Path
    template_package: Path
    ward: Path  # the real ward workspace
    packages: dict[str, Path]  # by ward code; the real ward's first
    fingerprints: dict[str, str]


def new_city_2026(folder: Path) -> Path:
    """A city workspace whose template in use is hanoi-2026 with the official 126 units."""
    path = folder / "city.khws"
    city = new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.CITY, signer_name="Lê Văn Bình",
                                              signer_title="Giám đốc"))
    try:
        copy_template_for_new_year(uow_factory=city.uow_factory, year=2026, units="official-2025", use=True)
        set_demo_today(uow_factory=city.uow_factory, day=TODAY)
        sync.export_template_package(uow_factory=city.uow_factory, out=folder / "hanoi-2026.khtemplate")
    finally:
        city.close()
    return path


def new_ward(folder: Path, template_package: Path, code: str = WARD) -> WorkspaceSession:
    """A ward workspace made from the city's template package, with a little data of its own."""
    session = new_workspace(folder / f"ward-{code}.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code=code, signer_name="Trần Thị Hoa", signer_title="Phó Chủ tịch"),
        template=choose_template(str(template_package)))
    set_demo_today(uow_factory=session.uow_factory, day=TODAY)
    outline = session.plan_outline()
    assert outline is not None
    theme = next(s for s in outline.sections if s.kind == "theme")
    for number in (1, 2):
        create_task(uow_factory=session.uow_factory, section_id=theme.id, fields=TaskInput(
            content=f"Tuyên truyền trên loa truyền thanh, đợt {number}", form="loudspeaker",
            start_date=dt.date(2026, 1, 5), due_date=dt.date(2026, 3, 20), budget=5_000_000 * number))
    for number, status in enumerate((MaterialStatus.INSTALLED, MaterialStatus.PLANNED, MaterialStatus.PRODUCED)):
        create_material(uow_factory=session.uow_factory, values=MaterialInput(
            type=MaterialType.BANNER.value, content=f"Băng rôn chào mừng năm 2026, số {number + 1}",
            quantity=10 * (number + 1), status=status.value, planned_on=dt.date(2026, 1, 10),
            produced_on=dt.date(2026, 1, 20) if status is not MaterialStatus.PLANNED else None,
            installed_on=dt.date(2026, 1, 25) if status is MaterialStatus.INSTALLED else None, cost=1_000_000))
    create_event(uow_factory=session.uow_factory, values=EventInput(
        type=EventType.CULTURAL.value, title="Chương trình nghệ thuật mừng Xuân", starts_on=dt.date(2026, 2, 1),
        status=EventStatus.HELD.value, actual_participants=300, expected_participants=250))
    return session


def _as_ward(source: Path, target: Path, code: str, private_key: bytes, public_key: bytes) -> Path:
    """The real ward's package as another ward's: its code, new ids (the same for the same ward), its key."""
    workspace_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kehoach-test-ward/{code}"))

    def new_id(match: re.Match[str]) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{code}/{match.group(0)}"))

    def edit_data(data: dict[str, object]) -> None:
        for name, document in data.items():
            text = json.dumps(document, ensure_ascii=False).replace(f'"unit_code": "{WARD}"', f'"unit_code": "{code}"')
            data[name] = json.loads(_UUID.sub(new_id, text))
        report = data["data/report.json"]  # the period's progress data names its unit too
        assert isinstance(report, dict)
        report.update(unit=code, unit_name=f"Ủy ban nhân dân đơn vị {code}")

    return repack(source, target, private_key, edit_data=edit_data, edit_manifest=lambda m: m.update(
        unit_code=code, workspace_id=workspace_id, unit_name=f"Ủy ban nhân dân đơn vị {code}",
        public_key=base64.b64encode(public_key).decode(), key_fingerprint=fingerprint(public_key)))


def build_wards_city(folder: Path, count: int = 126) -> WardsCity:
    """The city and the packages of ``count`` wards for :data:`PERIOD` (none imported yet)."""
    city = new_city_2026(folder)
    template_package = folder / "hanoi-2026.khtemplate"
    ward = new_ward(folder, template_package)
    try:
        first = folder / "packages" / f"{WARD}-{PERIOD}.khsync"
        first.parent.mkdir()
        done = sync.export_sync_package(uow_factory=ward.uow_factory, out=first, period=PERIOD, today=TODAY)
        template = ward.template()
    finally:
        ward.close()
    packages, prints = {WARD: first}, {WARD: done.fingerprint}
    for unit in template.reporting_units:
        if len(packages) >= count:
            break
        if unit.code == WARD:
            continue
        pair = generate_keypair()
        packages[unit.code] = _as_ward(first, folder / "packages" / f"{unit.code}-{PERIOD}.khsync", unit.code,
                                       pair.private_bytes, pair.public_bytes)
        prints[unit.code] = fingerprint(pair.public_bytes)
    return WardsCity(folder, city, template_package, folder / f"ward-{WARD}.khws", packages, prints)


def import_all(wards: WardsCity) -> WorkspaceSession:
    """Open the city and import every ward's package (keys accepted); returns the open city."""
    city = open_workspace(wards.city)
    for path in wards.packages.values():
        sync.import_package(uow_factory=city.uow_factory, path=path, trust_new_keys=True)
    return city
