"""The district's directory of responsible units, seeded from reference data."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.template import ReportingUnit
from kehoach_desktop.domain.text import fold
from kehoach_desktop.resources import resources_dir
from kehoach_desktop.storage.models import ResponsibleUnit

_KIND_CODES = {"phường": "P", "xã": "X", "thị trấn": "TT"}
_WARD_KINDS = {"phường": ResponsibleUnitKind.WARD, "xã": ResponsibleUnitKind.COMMUNE,
               "thị trấn": ResponsibleUnitKind.TOWNSHIP}


@cache
def _reference(name: str) -> Any:
    return json.loads((resources_dir() / "reference" / name).read_text(encoding="utf-8"))


def wards_of(unit_code: str) -> list[tuple[str, str]]:
    """``[(kind, name), …]`` of the commune-level units of a 2021 district, or ``[]`` when unknown."""
    districts = _reference("hanoi-wards-2021.json")["districts"]
    return [(w["kind"], w["name"]) for w in districts.get(unit_code, [])]


def ward_choices(unit_code: str, used: Sequence[str] = ()) -> tuple[str, ...]:
    """The wards a record's form offers: the unit's own wards and communes from the reference data (by name,
    with the kind when two share a name), then any other place already written in the register."""
    wards = wards_of(unit_code)
    counts = Counter(name for _kind, name in wards)
    names = [f"{kind} {name}" if counts[name] > 1 else name for kind, name in wards]
    known = {fold(name) for name in names} | {fold(f"{kind} {name}") for kind, name in wards}
    return tuple(names) + tuple(value for value in used if fold(value) not in known)


def seed_responsible_units(session: Session, unit: ReportingUnit) -> list[ResponsibleUnit]:
    """The starting directory: the district's offices and centres, then its wards and communes."""
    records: list[ResponsibleUnit] = []
    for item in _reference("district-units.json")["units"]:
        records.append(ResponsibleUnit(
            unit_code=unit.code, code=item["code"], kind=item["kind"],
            name=item["name"].replace("{district}", f"{unit.kind} {unit.name}"), position=len(records)))
    for kind, name in wards_of(unit.code):
        # the kind is part of the code: Gia Lâm has both "thị trấn Yên Viên" and "xã Yên Viên"
        code = f"UB-{_KIND_CODES.get(kind, 'K')}-" + fold(name).replace(" ", "-").upper()
        records.append(ResponsibleUnit(
            unit_code=unit.code, code=code, kind=_WARD_KINDS.get(kind, ResponsibleUnitKind.OTHER).value,
            name=f"UBND {kind} {name}", position=len(records)))
    session.add_all(records)
    session.flush()
    return records
