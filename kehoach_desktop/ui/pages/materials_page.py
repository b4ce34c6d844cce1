"""Tuyên truyền cổ động trực quan: the register of panels, posters, banners, screens, leaflets and flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from kehoach_desktop.domain.enums import MaterialStatus, MaterialType
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.lifecycle import is_removal_overdue
from kehoach_desktop.exchange.excel_view import DATE, INTEGER, MONEY
from kehoach_desktop.formats import format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.materials import (
    MaterialFilter,
    MaterialInput,
    MaterialRecord,
    create_material,
    delete_materials,
    get_material,
    get_materials,
    iter_materials,
    material_totals,
    material_ward_choices,
    material_wards,
    query_materials,
    restore_materials,
    set_materials_status,
    undelete_materials,
    update_material,
)
from kehoach_desktop.services.registers import (
    LifecycleSkipError,
    Page,
    SortSpec,
    ThemeChoice,
    Totals,
    list_tasks,
    list_themes,
)
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.dialogs.bulk_status_dialog import BulkStatusDialog
from kehoach_desktop.ui.dialogs.material_dialog import MaterialDialog
from kehoach_desktop.ui.dialogs.record_parts import make_record_dialog_read_only
from kehoach_desktop.ui.models.paged_model import RegisterColumn
from kehoach_desktop.ui.pages.register_page import RegisterPage, choice_combo, versions_of

R = MaterialRecord


class MaterialsPage(RegisterPage):
    RELEVANT_CHANGES = ("materials", "plan", "tasks")
    ENTITY = "materials"

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(session, _("Visual materials"), parent)
        self.setObjectName("materials_page")
        self.header.set_subtitle(_("Panels, posters, banners, paintings, LED and frame screens, handbooks, leaflets "
                                   "and flags through their life cycle. Double-click a row to open it."))

    # columns and filters -----------------------------------------------------------------
    def columns(self) -> list[RegisterColumn[R]]:
        return [
            RegisterColumn(_("Type"), lambda r: MaterialType(r.type).label, "type", width=110,
                           export=lambda r: MaterialType(r.type).label),
            RegisterColumn(_("Content / slogan"), lambda r: r.content, "content", width=280,
                           tooltip=lambda r: r.content),
            RegisterColumn(_("Theme"), lambda r: self.theme_label(r.section_id), "theme", width=48,
                           tooltip=lambda r: self.theme_title(r.section_id)),
            RegisterColumn(_("Qty"), lambda r: format_number(r.quantity), "quantity", numeric=True, width=62,
                           export=lambda r: r.quantity, export_kind=INTEGER),
            RegisterColumn(_("Size"), lambda r: r.size, "size", width=82),
            RegisterColumn(_("Locality"), lambda r: r.ward, "ward", width=105),
            RegisterColumn(_("Address"), lambda r: r.address, "address", width=160, tooltip=lambda r: r.address),
            RegisterColumn(_("Status"), lambda r: MaterialStatus(r.status).label, "status", width=82,
                           export=lambda r: MaterialStatus(r.status).label),
            RegisterColumn(_("Step date"), lambda r: self.date_text(r.status_date), "status_date", width=84,
                           export=lambda r: r.status_date, export_kind=DATE),
            RegisterColumn(_("Removal due"), lambda r: self.date_text(r.planned_removal_on), "planned_removal_on",
                           width=88, export=lambda r: r.planned_removal_on, export_kind=DATE),
            RegisterColumn(_("Cost"), lambda r: format_vnd(r.cost), "cost", numeric=True, width=110,
                           export=lambda r: r.cost, export_kind=MONEY),
            RegisterColumn(_("Supplier"), lambda r: r.supplier, "supplier", width=160),
        ]

    def stretch_column(self) -> int:
        return 1

    def make_filter_widgets(self) -> list[QWidget]:
        self.type_filter = choice_combo("type_filter", _("All types"), MaterialType.choices())
        self.status_filter = choice_combo("status_filter", _("All statuses"), MaterialStatus.choices())
        return [self.type_filter, self.status_filter]

    def make_extra_filter_widgets(self) -> list[QWidget]:
        self.overdue_only = QCheckBox(_("Removal overdue"))
        self.overdue_only.setObjectName("overdue_only")
        self.overdue_only.setToolTip(_("Only materials still up after their planned removal date"))
        self.overdue_only.toggled.connect(lambda _checked: self.apply_filters())
        return [self.overdue_only]

    def reset_extra_filters(self) -> None:
        self.overdue_only.setChecked(False)

    def date_range_label(self) -> str:
        return _("Step date")

    def highlight(self, row: R) -> str | None:
        if row.status == MaterialStatus.DAMAGED.value:
            return "#fde8e8"
        if is_removal_overdue(row.status, row.planned_removal_on, self._session.today()):
            return "#fef3c7"
        return None

    def current_filter(self) -> MaterialFilter:
        type_ = self.type_filter.currentData()
        status = self.status_filter.currentData()
        return MaterialFilter(
            types=(type_,) if type_ else (), statuses=(status,) if status else (),
            section_id=self.theme_filter.currentData(), ward=self.ward_filter.currentData() or "",
            date_from=self.date_from.value(), date_to=self.date_to.value(), search=self.search.text(),
            removal_overdue_on=self._session.today() if self.overdue_only.isChecked() else None)

    def query(self, flt: MaterialFilter, sort: SortSpec, after: tuple[Any, Any] | None, matching: int | None) -> Page:
        return query_materials(uow_factory=self._uow, flt=flt, sort=sort, after=after, matching=matching)

    def totals(self, flt: MaterialFilter) -> Totals:
        return material_totals(uow_factory=self._uow, flt=flt)

    def totals_text(self, totals: Totals) -> str:
        return ngettext("{n} row", "{n} rows", totals.count).format(n=format_number(totals.count)) + " · " + _(
            "quantity {quantity} · cost {cost}").format(quantity=format_number(totals.quantity),
                                                        cost=format_vnd(totals.cost))

    def export_totals_row(self, totals: Totals, columns: Sequence[RegisterColumn[Any]]) -> list[Any]:
        row: list[Any] = [None] * len(columns)
        row[0] = _("Total: {n} rows").format(n=totals.count)
        for index, column in enumerate(columns):
            if column.sort_key == "quantity":
                row[index] = totals.quantity
            elif column.sort_key == "cost":
                row[index] = totals.cost
        return row

    def load_choices(self) -> tuple[tuple[ThemeChoice, ...], tuple[str, ...]]:
        return list_themes(uow_factory=self._uow), material_wards(uow_factory=self._uow)

    def empty_register_text(self) -> str:
        if self.read_only:
            return _("This unit has recorded no visual material.")
        return _("No visual material is recorded yet. Each banner, flag, panel, poster or screen put up for the "
                 "plan is a row here, followed from planned to removed, with its photos.")

    def export_heading(self) -> str:
        return _("Visual materials — {unit}, as of {date}").format(
            unit=self._session.summary().unit_full_name, date=self.date_text(self._session.today()))

    def export_file_stem(self) -> str:
        return "an-pham-truc-quan"

    def iter_view(self, flt: MaterialFilter, sort: SortSpec) -> Iterable[R]:
        return iter_materials(uow_factory=self._uow, flt=flt, sort=sort)

    # writes ------------------------------------------------------------------------------
    def make_dialog(self, record: R | None) -> MaterialDialog:
        def save(values: MaterialInput, confirm: bool, expected_version: int | None) -> str:
            if record is None:
                new_id, changes = create_material(uow_factory=self._uow, values=values)
                self.push(_("Add a material"), undo=lambda: delete_materials(uow_factory=self._uow,
                                                                              material_ids=[new_id]),
                          redo=lambda: undelete_materials(uow_factory=self._uow, material_ids=[new_id]),
                          changes=changes)
                return new_id
            before = get_material(uow_factory=self._uow, material_id=record.id).as_input()
            changes = update_material(uow_factory=self._uow, material_id=record.id, values=values,
                                      confirm_step=confirm, expected_version=expected_version)
            if changes.materials:
                after = get_material(uow_factory=self._uow, material_id=record.id).as_input()
                self.push(_("Edit a material"),
                          undo=lambda: restore_materials(uow_factory=self._uow, items=[(record.id, before)]),
                          redo=lambda: restore_materials(uow_factory=self._uow, items=[(record.id, after)]),
                          changes=changes)
            return record.id

        themes = list_themes(uow_factory=self._uow)
        dialog = MaterialDialog(uow_factory=self._uow, record=record, themes=themes,
                                tasks=list_tasks(uow_factory=self._uow),
                                wards=material_ward_choices(uow_factory=self._uow),
                                today=self._session.today(), save=save, parent=self, folders=self.folders)
        dialog.photos.photos_changed.connect(self.notify)
        if self.read_only:  # the city's view of a unit's register
            make_record_dialog_read_only(dialog)
        return dialog

    def open_dialog(self, record: R | None) -> None:
        dialog = self.make_dialog(record)
        if dialog.exec() and dialog.saved_id:
            self.select_id(dialog.saved_id)

    def run_bulk_status(self, rows: list[R]) -> None:
        dialog = BulkStatusDialog(count=len(rows), choices=MaterialStatus.choices(), today=self._session.today(),
                                  parent=self)
        if not dialog.exec():
            return
        status, on = dialog.chosen()
        self.set_status(rows, status, on)

    def set_status(self, rows: list[R], status: str, on: dt.date | None, *, confirm: bool = False) -> bool:
        """Move the rows to ``status``; a step that skips one asks first. Returns whether it was written."""
        ids = [row.id for row in rows]
        before = [(r.id, r.as_input()) for r in get_materials(uow_factory=self._uow, material_ids=ids)]
        try:
            changes = set_materials_status(uow_factory=self._uow, material_ids=ids, status=status, on=on,
                                           confirm_step=confirm, expected_versions=versions_of(rows))
        except LifecycleSkipError as error:
            answer = QMessageBox.question(self, _("Skip a step?"), error.message + "\n\n" + _("Change them anyway?"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            return self.set_status(rows, status, on, confirm=True)
        except UserFacingError as error:
            self.refuse(error)
            return False
        after = [(r.id, r.as_input()) for r in get_materials(uow_factory=self._uow, material_ids=ids)]
        label = MaterialStatus(status).label
        self.push(ngettext("Mark {n} material “{status}”", "Mark {n} materials “{status}”", len(ids)).format(
            n=len(ids), status=label),
            undo=lambda: restore_materials(uow_factory=self._uow, items=before),
            redo=lambda: restore_materials(uow_factory=self._uow, items=after), changes=changes)
        return True

    def write_delete(self, ids: list[str], expected_versions: dict[str, int] | None = None) -> Changes:
        return delete_materials(uow_factory=self._uow, material_ids=ids, expected_versions=expected_versions)

    def write_undelete(self, ids: list[str]) -> Changes:
        return undelete_materials(uow_factory=self._uow, material_ids=ids)
