"""Issued revisions and comparisons as HTML for a QTextBrowser: words removed struck in red, added in green."""

from __future__ import annotations

import difflib
import html
import re

from kehoach_desktop.formats import format_date, format_datetime
from kehoach_desktop.i18n import N_, _, ngettext
from kehoach_desktop.services.plan_dto import FieldChange, RevisionComparison, RevisionView

_DEL = "background:#fee2e2; color:#991b1b; text-decoration: line-through;"
_INS = "background:#dcfce7; color:#14532d;"
_MUTED = "color:#6b7280;"
_TOKENS = re.compile(r"\s+|[^\s]+")

# Messages used inside f-strings (Babel cannot extract a call from an f-string).
_T_EMPTY = N_("(empty)")
_T_NOTHING_CHANGED_BETWEEN_THESE_TWO_REVISIONS = N_("Nothing changed between these two revisions.")
_T_PLAN_DETAILS = N_("Plan details")
_T_SECTIONS = N_("Sections")
_T_TASKS_ADDED = N_("Tasks added")
_T_TASKS_REMOVED = N_("Tasks removed")
_T_TASKS_CHANGED = N_("Tasks changed")
_T_REASON = N_("Reason:")
_T_DISTRICT_ADDITIONS = N_("The unit's additions:")


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def word_diff(before: str, after: str) -> str:
    """The after text with removed words struck through and added words highlighted (and marked − / +)."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(_esc("".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<span style='{_DEL}'>[−{_esc(''.join(old[i1:i2]))}]</span>")
        if op in ("insert", "replace"):
            parts.append(f"<span style='{_INS}'>[+{_esc(''.join(new[j1:j2]))}]</span>")
    return "".join(parts)


def _field_rows(changes: tuple[FieldChange, ...]) -> str:
    rows = []
    for change in changes:
        long_text = len(change.before) > 80 or len(change.after) > 80 or "\n" in change.before + change.after
        if long_text:
            cell = f"<td colspan='2'>{word_diff(change.before, change.after)}</td>"
        else:
            before = _esc(change.before) or f"<i style='{_MUTED}'>{html.escape(_(_T_EMPTY))}</i>"
            after = _esc(change.after) or f"<i style='{_MUTED}'>{html.escape(_(_T_EMPTY))}</i>"
            cell = (f"<td><span style='{_DEL}'>{before}</span></td>"
                    f"<td><span style='{_INS}'>{after}</span></td>")
        rows.append(f"<tr><td style='{_MUTED} padding-right:10px' width='22%'>{html.escape(change.label)}</td>"
                    f"{cell}</tr>")
    return ("<table cellspacing='0' cellpadding='4' width='100%' style='margin-bottom:6px'>"
            + "".join(rows) + "</table>")


def comparison_html(diff: RevisionComparison) -> str:
    head = html.escape(_("From {before} to {after}").format(before=diff.before_label, after=diff.after_label))
    parts = [f"<h3 style='margin:0 0 4px 0'>{head}</h3>"]
    if diff.is_empty:
        parts.append(f"<p style='{_MUTED}'>{html.escape(_(_T_NOTHING_CHANGED_BETWEEN_THESE_TWO_REVISIONS))}</p>")
        return "".join(parts)
    counts = [
        ngettext("{n} task added", "{n} tasks added", len(diff.tasks_added)).format(n=len(diff.tasks_added)),
        ngettext("{n} task removed", "{n} tasks removed", len(diff.tasks_removed)).format(n=len(diff.tasks_removed)),
        ngettext("{n} task changed", "{n} tasks changed", len(diff.tasks_changed)).format(n=len(diff.tasks_changed)),
        ngettext("{n} section changed", "{n} sections changed", len(diff.section_changes)).format(
            n=len(diff.section_changes)),
    ]
    parts.append(f"<p style='{_MUTED}'>{html.escape(' · '.join(counts))}</p>")
    if diff.plan_changes:
        parts.append(f"<h4>{html.escape(_(_T_PLAN_DETAILS))}</h4>{_field_rows(diff.plan_changes)}")
    if diff.section_changes:
        parts.append(f"<h4>{html.escape(_(_T_SECTIONS))}</h4>")
        for section in diff.section_changes:
            parts.append(f"<p style='margin:6px 0 0 0'><b>{html.escape(section.label)}</b></p>")
            parts.append(_field_rows(section.changes))
    if diff.tasks_added:
        parts.append(f"<h4>{html.escape(_(_T_TASKS_ADDED))}</h4><ul>")
        parts += [f"<li><span style='{_INS}'>+ {_esc(t.content)}</span> <span style='{_MUTED}'>— "
                  f"{html.escape(t.section_label)}</span></li>" for t in diff.tasks_added]
        parts.append("</ul>")
    if diff.tasks_removed:
        parts.append(f"<h4>{html.escape(_(_T_TASKS_REMOVED))}</h4><ul>")
        parts += [f"<li><span style='{_DEL}'>− {_esc(t.content)}</span> <span style='{_MUTED}'>— "
                  f"{html.escape(t.section_label)}</span></li>" for t in diff.tasks_removed]
        parts.append("</ul>")
    if diff.tasks_changed:
        parts.append(f"<h4>{html.escape(_(_T_TASKS_CHANGED))}</h4>")
        for task in diff.tasks_changed:
            parts.append(f"<p style='margin:6px 0 0 0'><b>{_esc(task.content)}</b> "
                         f"<span style='{_MUTED}'>— {html.escape(task.section_label)}</span></p>")
            parts.append(_field_rows(task.changes))
    return "".join(parts)


def revision_html(view: RevisionView) -> str:
    info, d = view.info, view.details
    title = html.escape(_("Revision {n}").format(n=info.number))
    meta = _("No. {number}, issued {date}; recorded {at} by {who}").format(
        number=info.plan_number or "—", date=format_date(info.issue_date) or "—",
        at=format_datetime(info.issued_at), who=info.issued_by or "—")
    parts = [f"<h3 style='margin:0'>{title}</h3><p style='{_MUTED}'>{html.escape(meta)}</p>"]
    if info.reason:
        parts.append(f"<p><b>{html.escape(_(_T_REASON))}</b> {_esc(info.reason)}</p>")
    parts.append(f"<p><b>{html.escape(d.summary)}</b></p>")
    parts += [f"<p style='margin:0'><i>{_esc(basis)}</i></p>" for basis in d.legal_bases]
    for label, text, local in view.sections:
        parts.append(f"<h4 style='margin:10px 0 2px 0'>{html.escape(label)}</h4>")
        parts += [f"<p style='margin:2px 0'>{_esc(line)}</p>" for line in text.splitlines() if line.strip()]
        if local:
            parts.append(f"<p style='margin:2px 0'><b>{html.escape(_(_T_DISTRICT_ADDITIONS))}</b> {_esc(local)}</p>")
        tasks = [t for t in view.tasks if t[0] == label]
        if tasks:
            parts.append("<ol>" + "".join(f"<li>{_esc(content)}<br><span style='{_MUTED}'>{_esc(line)}</span></li>"
                                          for _s, content, line in tasks) + "</ol>")
    signer = " / ".join(x for x in (d.signer_authority, d.signer_deputy, d.signer_title, d.signer_name) if x)
    parts.append(f"<p style='margin-top:10px'><b>{html.escape(signer)}</b></p>")
    return "".join(parts)
