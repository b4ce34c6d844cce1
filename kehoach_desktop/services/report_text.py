"""The words of a progress report, pre-filled from the workspace's data for the officer to edit.

Results by theme (the figures and the tasks' written results), shortcomings (overdue tasks and
materials) and their causes (what the overdue tasks' results say), directions for the next period
(the tasks due in it) and proposals (the requests the results make: "đề nghị …"). Vietnamese: the
report is the official document whatever the interface language.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.period_figures import as_of_day
from kehoach_desktop.domain.periods import following_period, parse_period
from kehoach_desktop.domain.report_data import ProgressData
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.exchange.pdf.model import ReportText
from kehoach_desktop.services.progress_data import plan_of_year
from kehoach_desktop.storage.models import PlanSection, ResponsibleUnit, Task

_SENTENCES = re.compile(r"(?<=[.;!?])\s+")


def _date(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _clause(text: str) -> str:
    return nfc(text).strip().rstrip(".;")


def _proposals_in(result: str) -> list[str]:
    """The requests a written result makes: its sentences or clauses that start with "đề nghị" / "kiến nghị"."""
    found = []
    for piece in _SENTENCES.split(nfc(result)):
        for clause in piece.split(";"):
            clause = _clause(clause)
            if fold(clause).startswith(("de nghi", "kien nghi", "de xuat")):
                found.append(clause[:1].upper() + clause[1:])
    return found


def prefill_report_text(session: Session, *, unit_code: str, data: ProgressData) -> ReportText:
    """The report's text as the data suggests it; the officer edits it before issuing."""
    span = parse_period(data.period)
    as_of = as_of_day(span, data.as_of)
    plan = plan_of_year(session, unit_code, span.year)
    if plan is None:
        return ReportText()
    sections = {s.id: s for s in session.scalars(select(PlanSection).where(
        PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)))}
    tasks = sorted(session.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))),
                   key=lambda t: (sections[t.section_id].position if t.section_id in sections else 0, t.position))
    names = dict(session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)
                                 .where(ResponsibleUnit.unit_code == unit_code)).all())

    def theme_of(task: Task) -> str:
        section = sections.get(task.section_id)
        return f"{section.number} {nfc(section.title)}".strip() if section is not None else ""

    in_period = [t for t in tasks if (t.start_date is None and t.due_date is None)
                 or span.overlaps(t.start_date, t.due_date)]
    results: list[str] = []
    for theme in data.themes:
        s = theme.stocks
        results.append(f"{theme.theme}: hoàn thành {s.tasks_done}/{s.tasks_total} nhiệm vụ"
                       + (f" ({theme.completed} nhiệm vụ hoàn thành trong kỳ)" if theme.completed else "")
                       + (f", {s.tasks_in_progress} nhiệm vụ đang thực hiện" if s.tasks_in_progress else "")
                       + (f", {s.tasks_overdue} nhiệm vụ quá hạn" if s.tasks_overdue else "") + ".")
        results += [f"- {_clause(t.content)}: {_clause(t.result_text)}." for t in in_period
                    if theme_of(t) == theme.theme and t.result_text.strip()]

    pool, pairs = list(tasks), []
    for line in data.overdue_tasks:  # each overdue line with its task (same order, same content)
        match = next((t for t in pool if nfc(t.content) == line.content), None)
        if match is not None:
            pool.remove(match)
            pairs.append((line, match))
    late_tasks = [t for _line, t in pairs]
    shortcomings = []
    if data.overdue_tasks:
        long_late = sum(1 for line in data.overdue_tasks if line.days_late > 30)
        units = list(dict.fromkeys(line.lead_unit for line in data.overdue_tasks if line.lead_unit))
        shortcomings.append(
            f"- Đến hết ngày {_date(as_of)}, còn {len(data.overdue_tasks)} nhiệm vụ quá hạn chưa hoàn thành"
            + (f", trong đó {long_late} nhiệm vụ quá hạn trên 30 ngày" if long_late else "")
            + (f" (đơn vị chủ trì: {', '.join(units)})" if units else "") + ".")
    if data.overdue_removals:
        shortcomings.append(f"- {len(data.overdue_removals)} sản phẩm tuyên truyền trực quan quá hạn tháo dỡ "
                            f"đến hết ngày {_date(as_of)}.")
    causes = [f"- {_clause(t.content)}: {_clause(t.result_text)}." for t in late_tasks if t.result_text.strip()]

    following = following_period(span)
    due_next = [t for t in tasks if t.due_date is not None and following.contains(t.due_date)
                and t.status not in ("done", "cancelled")]
    directions = [f"Tiếp tục triển khai các nhiệm vụ của Kế hoạch {following.vietnamese}, trong đó tập trung:"]
    directions += [f"- {_clause(t.content)} ({names.get(t.lead_unit_id or '', '') or 'chưa giao đơn vị chủ trì'}, "
                   f"hạn {_date(t.due_date)})." for t in due_next if t.due_date]
    if late_tasks:
        directions.append(f"- Khẩn trương hoàn thành {len(late_tasks)} nhiệm vụ quá hạn nêu tại mục V.")
    asked: dict[str, list[str]] = {}  # each request with the tasks it is made for
    for t in tasks:
        for proposal in _proposals_in(t.result_text or ""):
            asked.setdefault(proposal, []).append(_clause(t.content))
    proposals = [f"- {proposal} đối với {'nhiệm vụ' if len(what) == 1 else f'{len(what)} nhiệm vụ'}: "
                 f"{'; '.join(what)}." for proposal, what in asked.items()]
    return ReportText(results=tuple(results), shortcomings=tuple(shortcomings), causes=tuple(causes),
                      directions=tuple(directions), proposals=tuple(proposals))
