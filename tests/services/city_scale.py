"""A city at real size: a template of N reporting units (30 districts, 126 wards and communes), a package of
each unit for a period, one unit missing and one late.

Every unit reports the hand-built workspace of ``period_workspace.py`` (whose figures are worked out by
hand in ``test_period_figures.py``): one real district workspace is made and exported once, and each
unit's package is that package's data under the unit's code and identifiers, signed with the unit's own
key by the real package writer. The city imports them through the real importer.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kehoach_desktop import __version__
from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.template import Template, parse_template
from kehoach_desktop.exchange.keys import generate_keypair
from kehoach_desktop.exchange.package import KIND_DISTRICT_REPORT, read_package, write_package
from kehoach_desktop.exchange.package_schema import RECORD_FIELDS
from kehoach_desktop.services import sync
from kehoach_desktop.services.session import WorkspaceSession, open_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup, create_workspace, set_demo_today
from tests.services.city_fixtures import set_received_on
from tests.services.period_workspace import build_period_workspace

PERIOD = "2021-Q3"
EXPORTED_ON = dt.date(2021, 9, 30)  # the units' day when they export: figures as of 30/09 (the period's end)
CITY_DAY = dt.date(2021, 10, 20)
ON_TIME, LATE_DAY = dt.date(2021, 9, 24), dt.date(2021, 10, 2)  # the template's Q3 deadline is 25/09/2021
_TEMPLATE = Path(__file__).resolve().parents[2] / "resources" / "templates" / "hanoi-2021.json"


def scaled_template(count: int) -> Template:
    """The 2021 template with ``count`` reporting units of its own (five-digit codes, wards and communes)."""
    document = json.loads(_TEMPLATE.read_text(encoding="utf-8"))
    document["code"] = f"thu-nghiem-{count}"
    document["unit_term"] = "phường, xã"
    document["reporting_units"] = [
        {"code": f"{10000 + index:05d}", "kind": "phường" if index % 3 else "xã",
         "name": f"Thử Nghiệm Số {index}" if index % 7 else f"Thử Nghiệm Có Tên Rất Dài Số {index}"}
        for index in range(1, count + 1)]
    return parse_template(document, origin=document["code"])


def _identifier_fields() -> dict[str, list[tuple[str, bool]]]:
    """For each record kind, its identifier fields (and whether the field is a list)."""
    return {kind: [(f.name, f.kind == "uuid_list") for f in fields if f.kind in ("uuid", "uuid_list")]
            for kind, fields in RECORD_FIELDS.items()}


def clone_data(data: dict[str, Any], unit_code: str, unit_name: str) -> dict[str, Any]:
    """The package's data as the unit ``unit_code``'s: its code everywhere, identifiers of its own."""
    def new_id(old: str | None) -> str | None:
        return None if old is None else str(uuid.uuid5(uuid.NAMESPACE_URL, f"{unit_code}/{old}"))

    out: dict[str, Any] = {}
    for kind, id_fields in _identifier_fields().items():
        rows = []
        for record in data[f"data/{kind}.json"]:
            record = dict(record)
            if "unit_code" in record:
                record["unit_code"] = unit_code
            for name, is_list in id_fields:
                record[name] = [new_id(v) for v in record[name]] if is_list else new_id(record[name])
            rows.append(record)
        out[kind] = rows
    out["report"] = {**data["data/report.json"], "unit": unit_code, "unit_name": unit_name}
    return out


@dataclass
class ScaledCity:
    city: WorkspaceSession
    template: Template
    missing: str  # the unit that sent nothing
    late: str  # the unit whose package arrived after the deadline
    source_report: dict[str, Any]  # the progress data every unit reported


def build_scaled_city(folder: Path, count: int) -> ScaledCity:
    template = scaled_template(count)
    source_code = template.reporting_units[0].code
    source = build_period_workspace(folder / "source.khws", unit_code=source_code, template=template)
    try:
        exported = sync.export_sync_package(uow_factory=source.uow_factory, out=folder / "source.khsync",
                                            period=PERIOD, today=EXPORTED_ON)
    finally:
        source.close()
    package = read_package(Path(exported.path))
    store = create_workspace(path=folder / "city.khws", setup=WorkspaceSetup(mode=WorkspaceMode.CITY),
                             template=template)
    store.close()
    city = open_workspace(folder / "city.khws")
    set_demo_today(uow_factory=city.uow_factory, day=CITY_DAY)
    city.close()
    city = open_workspace(folder / "city.khws")
    units = template.reporting_units
    missing, late = units[count // 2].code, units[-1].code
    packages = folder / "packages"
    packages.mkdir()
    for unit in units:
        if unit.code == missing:
            continue
        keys = generate_keypair()
        out = packages / f"{unit.code}-{PERIOD}.khsync"
        write_package(out, private_key=keys.private_bytes, kind=KIND_DISTRICT_REPORT, unit_code=unit.code,
                      unit_name=unit.committee_name, workspace_id=str(uuid.uuid5(uuid.NAMESPACE_URL, unit.code)),
                      sequence=1, period=PERIOD, created_at=dt.datetime(2021, 9, 23, 3, tzinfo=dt.UTC),
                      app_version=__version__, data=clone_data(package.data, unit.code, unit.committee_name))
        sync.import_package(uow_factory=city.uow_factory, path=out, trust_new_keys=True)
    set_received_on(city, ON_TIME)
    set_received_on(city, LATE_DAY, late)
    return ScaledCity(city, template, missing, late, package.data["data/report.json"])
