"""A reporting unit's places and starting directory of responsible units, from its template.

The places inside a unit (the wards and communes of a 2021 district; the neighbourhoods of a ward, when a
template lists them) are data of the template in use: ``reporting_units[i].places`` (``docs/formats.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.template import ReportingUnit, Template
from kehoach_desktop.domain.text import fold
from kehoach_desktop.domain.unit_plan import directory_code, fill
from kehoach_desktop.services.plans import plan_words
from kehoach_desktop.storage.models import ResponsibleUnit


def places_of(session: Session, unit_code: str) -> list[tuple[str, str]]:
    """``[(kind, name), …]``: the places of ``unit_code`` in the template in use (``[]`` when it lists none)."""
    from kehoach_desktop.services.years import current_template

    try:
        unit = current_template(session).unit(unit_code)
    except KeyError:
        return []
    return [(place.kind, place.name) for place in unit.places]


def ward_choices(places: Sequence[tuple[str, str]], used: Sequence[str] = ()) -> tuple[str, ...]:
    """The places a record's form offers: the unit's own (``places_of``; by name, with the kind when two share
    a name), then any other place already written in the register."""
    counts = Counter(name for _kind, name in places)
    names = [f"{kind} {name}" if counts[name] > 1 else name for kind, name in places]
    known = {fold(name) for name in names} | {fold(f"{kind} {name}") for kind, name in places}
    return tuple(names) + tuple(value for value in used if fold(value) not in known)


def seed_responsible_units(session: Session, template: Template, unit: ReportingUnit) -> list[ResponsibleUnit]:
    """The template's directory for the units' level (offices, centres…), then the unit's own places.

    An entry whose name needs a word the template does not give this kind of unit is left out.
    A workspace that starts a later year keeps its directory: only codes it lacks are added.
    """
    text = template.unit_plan
    words = plan_words(template, unit)
    entries = [(d.code, d.kind, name) for d in text.directory if (name := fill(d.name, words))]
    entries += [(directory_code(p.kind, p.name), text.directory_kind(p.kind), f"UBND {p.kind} {p.name}")
                for p in unit.places]
    existing = set(session.scalars(select(ResponsibleUnit.code).where(ResponsibleUnit.unit_code == unit.code)))
    position = len(existing)
    records: list[ResponsibleUnit] = []
    for code, kind, name in entries:
        if code in existing:
            continue
        existing.add(code)
        records.append(ResponsibleUnit(unit_code=unit.code, code=code, kind=kind, name=name, position=position))
        position += 1
    session.add_all(records)
    session.flush()
    return records
