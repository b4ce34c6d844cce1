"""Which budget pays for a task, and the plan's totals by source ("Kinh phí thực hiện").

A task's source is one of a small fixed list of codes; the words a document uses for each come from the
template and the unit (``ngân sách quận``, ``ngân sách các phường``, the template's ``superior_budget``), never
from code. A task whose source was never chosen is paid from its lead unit's budget: the unit's own for its
offices and centres, its places' for the places it leads; with no lead unit its source is still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kehoach_desktop.i18n import N_

SUPERIOR = "superior"  # the budget of the level that issued the template ("ngân sách Thành phố")
OWN = "own"  # the unit's own budget ("ngân sách quận")
PLACES = "places"  # its places' budgets ("ngân sách các phường")
SOCIAL = "social"  # sponsorship and other lawful contributions (xã hội hóa)
BY_LEAD = ""  # not chosen: the lead unit's budget
CODES = (SUPERIOR, OWN, PLACES, SOCIAL)
UNKNOWN = "unknown"  # not chosen and no lead unit (a total's key only, never stored)
ORDER = (*CODES, UNKNOWN)
# How the interface names each choice (the plan prints the template's and the unit's words, ``SourceNames``).
SOURCE_LABELS = {BY_LEAD: N_("By the lead unit"), SUPERIOR: N_("Budget of the level above"),
                 OWN: N_("The unit's own budget"), PLACES: N_("Budgets of its localities"),
                 SOCIAL: N_("Sponsorship and other contributions")}


@dataclass(frozen=True)
class SourceNames:
    """What the plan calls each source, from the template and the unit."""

    superior: str  # "ngân sách Thành phố"
    own: str  # "ngân sách quận"
    places: str  # "ngân sách các phường"
    social: str = "nguồn xã hội hóa"
    unknown: str = "chưa xác định nguồn (nhiệm vụ chưa giao đơn vị chủ trì)"

    def name(self, source: str) -> str:
        return {SUPERIOR: self.superior, OWN: self.own, PLACES: self.places, SOCIAL: self.social}.get(
            source, self.unknown)


def resolve(source: str, *, lead_is_place: bool | None) -> str:
    """The task's source: the chosen one, else its lead unit's (``lead_is_place`` None: no lead unit)."""
    if source in CODES:
        return source
    if lead_is_place is None:
        return UNKNOWN
    return PLACES if lead_is_place else OWN


def totals(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """(resolved source, amount) of every task → (source, total) of each source that pays something, in
    :data:`ORDER`."""
    found: dict[str, int] = {}
    for source, amount in items:
        found[source] = found.get(source, 0) + amount
    return [(source, found[source]) for source in ORDER if found.get(source)]
