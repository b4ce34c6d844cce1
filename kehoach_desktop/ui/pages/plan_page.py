"""Kế hoạch: the outline of the district plan built from the template, with every text in full."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from kehoach_desktop.domain.enums import PlanStatus, PropagandaForm, TaskStatus
from kehoach_desktop.formats import format_date, format_vnd
from kehoach_desktop.i18n import _
from kehoach_desktop.resources import icon_path
from kehoach_desktop.services.dto import OutlineSection, PlanOutline
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.widgets import PageHeader


def _paragraphs(text: str) -> str:
    return "".join(f"<p style='margin: 4px 0 6px 0'>{html.escape(line)}</p>"
                   for line in text.splitlines() if line.strip())


def section_html(section: OutlineSection) -> str:
    """The section as a reader sees it: heading, marks, the text, local additions, tasks."""
    marks = []
    if section.locked:
        marks.append(_("City wording, locked"))
    if section.inferred:
        marks.append(_("Heading restored: missing from the source text"))
    if section.changed_from_template:
        marks.append(_("Adapted by the district"))
    parts = [f"<h3 style='margin-bottom: 2px'>{html.escape(section.number)} {html.escape(section.title)}</h3>"]
    if marks:
        parts.append(f"<p style='color:#6b7280; margin-top:0'><i>{html.escape(' · '.join(marks))}</i></p>")
    no_text = html.escape(_("(no text)"))
    parts.append(_paragraphs(section.text) or f"<p style='color:#6b7280'>{no_text}</p>")
    if section.local_text:
        additions = html.escape(_("District additions:"))
        parts.append(f"<p><b>{additions}</b></p>" + _paragraphs(section.local_text))
    if section.tasks:
        tasks_title = html.escape(_("Tasks of the district"))
        parts.append(f"<p><b>{tasks_title}</b></p><ol>")
        for task in section.tasks:
            dates = " – ".join(format_date(d) for d in (task.start_date, task.due_date) if d)
            details = " · ".join(x for x in (PropagandaForm(task.form).label, task.lead_unit, dates,
                                             format_vnd(task.budget) if task.budget else "",
                                             TaskStatus(task.status).label) if x)
            parts.append(f"<li>{html.escape(task.content)}<br><span style='color:#4b5563'>"
                         f"{html.escape(details)}</span></li>")
        parts.append("</ol>")
    return "".join(parts)


class PlanPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES."""

    RELEVANT_CHANGES = ("plan", "tasks", "units")

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._outline: PlanOutline | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Plan"))
        layout.addWidget(self.header)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setObjectName("plan_outline_tree")
        self.tree.setHeaderLabels([_("Section"), _("Tasks")])
        self.tree.setColumnWidth(0, 420)
        self._lock_icon = QIcon(str(icon_path("lock.svg")))
        self.tree.setUniformRowHeights(True)
        self.text = QTextBrowser()
        self.text.setObjectName("plan_section_text")
        self.text.setOpenExternalLinks(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.text)
        splitter.setSizes([480, 620])
        layout.addWidget(splitter, 1)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)

    def refresh(self) -> None:
        self.show_outline(self._session.plan_outline())

    def show_outline(self, outline: PlanOutline | None) -> None:
        self._outline = outline
        self.tree.clear()
        if outline is None:
            self.header.set_subtitle(_("This workspace has no plan."))
            self.text.setHtml("")
            return
        number = f"{outline.number}/{outline.symbol}" if outline.number else _("no number yet")
        issued = f", {format_date(outline.issue_date)}" if outline.issue_date else ""
        self.header.set_subtitle(_("{title} {summary} — {status}, revision {revision}, No. {number}{issued}").format(
            title=outline.title.capitalize(), summary=outline.summary[:1].lower() + outline.summary[1:],
            status=PlanStatus(outline.status).label, revision=outline.revision, number=number, issued=issued))
        parents: dict[int, QTreeWidgetItem] = {}
        for section in outline.sections:
            label = f"{section.number} {section.title}".strip()
            item = QTreeWidgetItem([label, str(len(section.tasks)) if section.tasks else ""])
            if section.locked:
                item.setIcon(0, self._lock_icon)
            item.setData(0, Qt.ItemDataRole.UserRole, section.id)
            item.setToolTip(0, f"{section.number} {section.title}")
            if section.inferred:
                font = item.font(0)
                font.setItalic(True)
                item.setFont(0, font)
            parent = parents.get(section.depth - 1)
            if section.depth == 0 or parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            parents[section.depth] = item
        self.tree.expandAll()
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _on_tree_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is None or self._outline is None:
            return
        section_id = current.data(0, Qt.ItemDataRole.UserRole)
        section = next(s for s in self._outline.sections if s.id == section_id)
        chunk = [section]
        start = self._outline.sections.index(section)
        for following in self._outline.sections[start + 1:]:
            if following.depth <= section.depth:
                break
            chunk.append(following)
        self.text.setHtml("".join(section_html(s) for s in chunk))
