"""What a template says about the plans of its reporting units: their wording follows the units' level.

A district of 2021 and a ward of 2025 write the same kind of plan with different words: the office
that gathers the reports (Phòng Văn hóa và Thông tin, Phòng Văn hóa - Xã hội), the recipients
(Quận ủy, Đảng ủy phường…), the starting directory of responsible units, the legal bases. The
template carries them as text patterns (``docs/formats.md``); nothing in the code names a level.

Patterns use ``{placeholders}``: :data:`PLACEHOLDERS`, and the ``words`` the template defines
per kind of unit (``{party_committee}`` → ``Quận ủy`` for a quận). A recipient line whose
placeholder has no value for a unit is left out.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.text import fold
from kehoach_desktop.i18n import N_

OPTIONAL_PLACEHOLDERS = frozenset({"city_plan"})  # may be empty: the line is kept, without it
PLACEHOLDERS = {
    "unit": N_("the unit's kind and name, e.g. “quận Đống Đa”"),
    "Unit": N_("the same with a capital letter"),
    "kind": N_("the unit's kind, e.g. “phường”"),
    "name": N_("the unit's name"),
    "receiving_agency": N_("the receiving agency's name"),
    "city_summary": N_("the summary line of the city's plan"),
    "city_plan": N_("the city plan's number and date, “số 24/KH-UBND ngày 25/01/2021”, when the template gives "
                    "them; else nothing (the line stays)"),
    "summary": N_("the summary line of the unit's plan"),
    "office": N_("the unit's office that gathers the reports"),
    "place_committees": N_("“UBND các phường, xã”: the committees of the unit's localities"),
}


@dataclass(frozen=True)
class DirectoryEntry:
    """A responsible unit every reporting unit starts its directory with; ``{unit}`` in the name."""

    code: str
    kind: str  # ResponsibleUnitKind value
    name: str


@dataclass(frozen=True)
class PlaceKind:
    """A kind of place inside a reporting unit (``phường``) and its kind in the directory (``ward``)."""

    kind: str
    directory_kind: str  # ResponsibleUnitKind value


@dataclass(frozen=True)
class KindWord:
    """A word that differs by the unit's kind: ``party_committee`` is ``Quận ủy`` for a quận."""

    kind: str
    word: str
    text: str


@dataclass(frozen=True)
class UnitPlanText:
    responsibility: str = ""  # key of the city's section that says what the units must do
    office: str = ""
    legal_bases: tuple[str, ...] = ("Căn cứ Kế hoạch {city_plan} của UBND Thành phố về {city_summary}.",)
    preamble: str = ("Thực hiện Kế hoạch {city_plan} của UBND Thành phố về {city_summary}, UBND {unit} ban hành "
                     "Kế hoạch {summary}, cụ thể như sau:")
    closing: str = "Trên đây là Kế hoạch {summary}./."
    recipients: tuple[str, ...] = ("UBND Thành phố;", "{receiving_agency};", "Lưu: VT.")
    directory: tuple[DirectoryEntry, ...] = ()
    place_kinds: tuple[PlaceKind, ...] = ()
    words: tuple[KindWord, ...] = ()
    superior_budget: str = ""  # what a plan calls the budget of the template's issuer ("ngân sách Thành phố")

    def word_names(self) -> set[str]:
        return {w.word for w in self.words}

    def patterns(self) -> list[tuple[str, str]]:
        """``(where, pattern)`` of every text pattern, for validation."""
        found = [("legal_bases", p) for p in self.legal_bases]
        found += [("preamble", self.preamble), ("closing", self.closing)]
        found += [("recipients", p) for p in self.recipients]
        found += [("directory", d.name) for d in self.directory]
        return found

    def directory_kind(self, place_kind: str) -> str:
        return next((p.directory_kind for p in self.place_kinds if p.kind == place_kind),
                    ResponsibleUnitKind.OTHER.value)

    def place_committees(self, place_kinds: list[str]) -> str:
        """``UBND các xã, thị trấn`` for a unit whose places are communes and townships (the template's order)."""
        if not place_kinds:
            return ""
        order = [p.kind for p in self.place_kinds]
        kinds = sorted(dict.fromkeys(place_kinds), key=lambda k: order.index(k) if k in order else len(order))
        return "UBND các " + ", ".join(kinds)


def placeholders_of(pattern: str) -> list[str]:
    """The placeholder names of ``pattern``; raises ``ValueError`` on an unbalanced brace."""
    return [name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None]


def fill(pattern: str, values: dict[str, str]) -> str | None:
    """``pattern`` with its placeholders filled; ``None`` when one has no value (the line is left out), but for
    the optional ones (:data:`OPTIONAL_PLACEHOLDERS`), which leave no double space behind."""
    names = placeholders_of(pattern)
    if any(not values.get(name) for name in names if name not in OPTIONAL_PLACEHOLDERS):
        return None
    filled = pattern.format_map({**{name: "" for name in OPTIONAL_PLACEHOLDERS}, **values})
    if any(not values.get(name) for name in names if name in OPTIONAL_PLACEHOLDERS):
        filled = re.sub(r" {2,}", " ", filled)
    return filled


def directory_code(kind: str, name: str) -> str:
    """``UB-P-PHUC-XA``: the kind's initials are part of the code (a thị trấn and a xã may share a name)."""
    initials = "".join(word[:1] for word in fold(kind).split()).upper() or "K"
    return f"UB-{initials}-" + fold(name).replace(" ", "-").upper()


def unit_plan_to_json(text: UnitPlanText) -> dict[str, Any]:
    return {
        "responsibility": text.responsibility,
        "office": text.office,
        "legal_bases": list(text.legal_bases),
        "preamble": text.preamble,
        "closing": text.closing,
        "recipients": list(text.recipients),
        "directory": [{"code": d.code, "kind": d.kind, "name": d.name} for d in text.directory],
        "place_kinds": [{"kind": p.kind, "directory_kind": p.directory_kind} for p in text.place_kinds],
        "words": [{"kind": w.kind, "word": w.word, "text": w.text} for w in text.words],
        **({"superior_budget": text.superior_budget} if text.superior_budget else {}),
    }
