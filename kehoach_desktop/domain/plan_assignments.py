"""Section III of a unit's plan ("Tổ chức thực hiện") drafted from its tasks: who leads and who supports what.

Each responsible unit that leads or supports a task gets a line naming the sections of its tasks; the unit's
places (its wards, communes…) are one line under the name the template gives them ("UBND các phường"). Which
units are places, and their collective name, come from the template (``unit_plan.place_kinds``); the office
the template names first (``unit_plan.office``) comes first. A last line totals the tasks' budgets by the budget
that pays for them (``domain/budget_sources.py``: the task's own source, else its lead unit's). The officer edits
the draft before issuing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LEAD = "lead"
SUPPORT = "support"


@dataclass(frozen=True)
class Party:
    """Who a line of section III is addressed to: a responsible unit, or the unit's places together."""

    name: str
    order: int  # the directory's order; the first office before all, the places after all


@dataclass
class _Roles:
    lead: list[str] = field(default_factory=list)  # section numbers, in the plan's order
    support: list[str] = field(default_factory=list)


def _sections(numbers: list[str]) -> str:
    return ", ".join(numbers)


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def budget_line(number: int, by_source: Sequence[tuple[str, int]]) -> str:
    """``N. Kinh phí thực hiện: …``: the total, then each source that pays something (its name, its total)."""
    parts = [f"{name} {money(amount)}" for name, amount in by_source if amount]
    total = sum(amount for _name, amount in by_source)
    detail = f", trong đó: {'; '.join(parts)}" if parts else ""
    return (f"{number}. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là {money(total)}{detail}"
            f" (chi tiết tại Phụ lục kèm theo Kế hoạch).")


def assignments_text(roles: Sequence[tuple[Party, str, str]],
                     budgets: Sequence[tuple[str, int]] | None = None) -> str:
    """``roles``: (party, ``LEAD`` or ``SUPPORT``, section number such as ``1.1.``) for every task's units,
    in the plan's order. One numbered line a party, in the parties' order."""
    by_party: dict[Party, _Roles] = {}
    for party, role, number in roles:
        found = by_party.setdefault(party, _Roles())
        numbers = found.lead if role == LEAD else found.support
        number = number.strip().rstrip(".")
        if number and number not in numbers:
            numbers.append(number)
    lines = []
    for index, (party, found) in enumerate(sorted(by_party.items(), key=lambda item: item[0].order), start=1):
        parts = []
        if found.lead:
            parts.append(f"chủ trì thực hiện các nhiệm vụ tại mục {_sections(found.lead)}")
        support = [n for n in found.support if n not in found.lead]
        if support:
            parts.append(f"phối hợp thực hiện các nhiệm vụ tại mục {_sections(support)}")
        lines.append(f"{index}. {party.name}: {'; '.join(parts)} của Kế hoạch.")
    if budgets is not None:
        lines.append(budget_line(len(lines) + 1, budgets))
    return "\n".join(lines)
