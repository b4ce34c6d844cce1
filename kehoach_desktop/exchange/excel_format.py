"""The Excel progress workbook: its sheets, columns, Vietnamese headers and labels (format version 1).

The column titles and the labels of the drop-down lists are fixed Vietnamese *data* of the
format, not interface strings: a workbook reads the same whatever the language of the app that
wrote it. On import the English titles and labels are accepted too, and every title or label is
compared after Unicode normalisation, case and diacritic folding (``domain.text.fold``).

Documented for users in ``docs/excel-workbook.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kehoach_desktop.domain.enums import (
    _LABELS,
    EventStatus,
    EventType,
    LabelledEnum,
    MaterialStatus,
    MaterialType,
    TaskStatus,
)
from kehoach_desktop.domain.text import fold

FORMAT_NAME = "kehoach-progress-workbook"
FORMAT_VERSION = 2  # 2: the hidden origin column (values and version at export, row tokens); 1 is still read
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
HEADER_ROW = 2  # row 1 is the title line of the sheet
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_DATA_ROWS = 100_000  # per sheet: more is not a returned progress sheet (refused before reading)

# kinds of column
ID, TEXT, INTEGER, MONEY, PERCENT, DATE, CHOICE, THEME, ORIGIN = "id", "text", "integer", "money", "percent", \
    "date", "choice", "theme", "origin"
DATE_FORMAT = "dd/mm/yyyy"
# Every cell is set in the font of Decree 30 documents; Excel has it everywhere, LibreOffice uses the
# metric-compatible Liberation Serif (bundled in resources/fonts), so row heights worked out from its metrics
# (exchange/excel_layout.py) hold in both.
FONT_NAME = "Times New Roman"
FONT_SIZE = 11
MONEY_FORMAT = '#,##0" ₫"'
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"

TASKS, MATERIALS, EVENTS = "tasks", "materials", "events"
SHEET_KEYS = (TASKS, MATERIALS, EVENTS)


@dataclass(frozen=True)
class Choice:
    code: str
    vietnamese: str
    english: str


@dataclass(frozen=True)
class ColumnSpec:
    key: str  # the record's field (or a shown-only value such as "theme", "deadline")
    title: str  # Vietnamese header, as written
    english: str  # English header, accepted on import
    kind: str
    width: float
    editable: bool = True
    required: bool = False
    choices: str = ""  # key of CHOICES for CHOICE columns
    compare: bool = True  # a read-only column whose value is computed (not compared on import)
    hidden: bool = False


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str  # sheet name, Vietnamese
    english: str
    heading: str  # the title line above the header
    columns: tuple[ColumnSpec, ...]
    allows_new_rows: bool

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)

    @property
    def editable_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.editable and c.kind not in (ID, THEME))

    @property
    def origin_keys(self) -> tuple[str, ...]:
        """The columns whose value at export the origin cell keeps (what a returned cell is compared with)."""
        return tuple(c.key for c in self.columns if c.compare and c.kind not in (ID, ORIGIN))


def _choices(enum: type[LabelledEnum], vietnamese: dict[str, str], only: tuple[str, ...] = ()) -> tuple[Choice, ...]:
    return tuple(Choice(m.value, vietnamese[m.value], _LABELS[enum][m.value])
                 for m in enum if not only or m.value in only)


TASK_STATUS_VI = {"not_started": "Chưa bắt đầu", "in_progress": "Đang thực hiện", "done": "Hoàn thành",
                  "overdue": "Quá hạn", "cancelled": "Đã hủy"}
MATERIAL_TYPE_VI = {"panel": "Pa-nô", "poster": "Áp-phích", "banner": "Băng rôn, khẩu hiệu",
                    "painting": "Tranh cổ động", "led_screen": "Màn hình LED", "frame_screen": "Màn hình frame",
                    "handbook": "Cẩm nang", "leaflet": "Tờ rơi", "flag": "Cờ", "other": "Ấn phẩm khác"}
MATERIAL_STATUS_VI = {"planned": "Dự kiến", "produced": "Đã sản xuất", "installed": "Đã lắp đặt",
                      "removed": "Đã tháo dỡ", "damaged": "Hư hỏng", "replaced": "Đã thay thế"}
EVENT_TYPE_VI = {"cultural": "Sự kiện văn hóa", "arts": "Biểu diễn nghệ thuật", "sports": "Sự kiện thể thao",
                 "press_conference": "Họp báo", "training": "Lớp tập huấn", "press_contest": "Cuộc thi báo chí",
                 "field_trip": "Đoàn phóng viên đi thực tế", "other": "Sự kiện khác"}
EVENT_STATUS_VI = {"planned": "Dự kiến", "confirmed": "Đã xác nhận", "held": "Đã tổ chức", "postponed": "Hoãn",
                   "cancelled": "Đã hủy"}

# The statuses a unit can set (overdue is computed from the due date, never chosen).
TASK_STATUS_CHOICES = ("not_started", "in_progress", "done", "cancelled")

CHOICES: dict[str, tuple[Choice, ...]] = {
    "task_status": _choices(TaskStatus, TASK_STATUS_VI, TASK_STATUS_CHOICES),
    "material_type": _choices(MaterialType, MATERIAL_TYPE_VI),
    "material_status": _choices(MaterialStatus, MATERIAL_STATUS_VI),
    "event_type": _choices(EventType, EVENT_TYPE_VI),
    "event_status": _choices(EventStatus, EVENT_STATUS_VI),
}

# Every label a unit may type, folded: the code, the Vietnamese and the English label.
_ALL_TASK_STATUSES = _choices(TaskStatus, TASK_STATUS_VI)


def choice_lookup(list_key: str) -> dict[str, str]:
    """Folded label → code for one list (overdue included for tasks, so that it is recognised)."""
    found = _ALL_TASK_STATUSES if list_key == "task_status" else CHOICES[list_key]
    table: dict[str, str] = {}
    for choice in found:
        for text in (choice.code, choice.code.replace("_", " "), choice.vietnamese, choice.english):
            table[fold(text)] = choice.code
    return table


def choice_label(list_key: str, code: str) -> str:
    found = _ALL_TASK_STATUSES if list_key == "task_status" else CHOICES[list_key]
    return next((c.vietnamese for c in found if c.code == code), code)


def cell_value(column: ColumnSpec, value: Any) -> Any:
    """A stored value as the workbook writes it in its cell: a choice's label, a percent as a fraction."""
    if value is None:
        return None
    if column.kind == CHOICE:
        return choice_label(column.choices, value)
    if column.kind == PERCENT:
        return value / 100
    return value


_UUID = ColumnSpec("id", "Mã (không sửa)", "ID (do not change)", ID, 11, editable=False)
# Hidden, last: what the row was made from (docs/excel-workbook.md, "What the file knew").
_ORIGIN = ColumnSpec("origin", "Dữ liệu khi xuất (không sửa)", "As exported (do not change)", ORIGIN, 12,
                     editable=False, compare=False, hidden=True)

TASKS_SHEET = SheetSpec(
    TASKS, "Nhiệm vụ", "Tasks", "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ", (
        _UUID,
        ColumnSpec("theme", "Chủ đề", "Theme", TEXT, 12, editable=False),
        ColumnSpec("content", "Nhiệm vụ", "Task", TEXT, 46, editable=False),
        ColumnSpec("lead_unit", "Đơn vị chủ trì", "Lead unit", TEXT, 24, editable=False),
        ColumnSpec("start_date", "Ngày bắt đầu", "Start date", DATE, 12, editable=False),
        ColumnSpec("due_date", "Hạn hoàn thành", "Due date", DATE, 12, editable=False),
        ColumnSpec("deadline", "Tình trạng hạn", "Deadline", TEXT, 14, editable=False, compare=False),
        ColumnSpec("budget", "Kinh phí giao (đồng)", "Budget (VND)", MONEY, 16, editable=False),
        ColumnSpec("indicator_unit", "Chỉ tiêu", "Indicator", TEXT, 16, editable=False),
        ColumnSpec("indicator_target", "Chỉ tiêu giao", "Target", INTEGER, 10, editable=False),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 16, required=True, choices="task_status"),
        ColumnSpec("percent_done", "Tỷ lệ hoàn thành", "Done (%)", PERCENT, 11, required=True),
        ColumnSpec("indicator_achieved", "Chỉ tiêu đạt được", "Indicator achieved", INTEGER, 11),
        ColumnSpec("spent", "Kinh phí đã sử dụng (đồng)", "Spent (VND)", MONEY, 16),
        ColumnSpec("result_text", "Kết quả thực hiện", "Result", TEXT, 40),
        ColumnSpec("progress_updated_on", "Cập nhật ngày", "Updated on", DATE, 12),
        _ORIGIN,
    ), allows_new_rows=False)

MATERIALS_SHEET = SheetSpec(
    MATERIALS, "Ấn phẩm trực quan", "Visual materials", "SỔ THEO DÕI ẤN PHẨM TUYÊN TRUYỀN TRỰC QUAN", (
        _UUID,
        ColumnSpec("type", "Loại", "Type", CHOICE, 16, required=True, choices="material_type"),
        ColumnSpec("content", "Nội dung", "Content", TEXT, 40, required=True),
        ColumnSpec("theme", "Chủ đề", "Theme", THEME, 26),
        ColumnSpec("quantity", "Số lượng", "Quantity", INTEGER, 9, required=True),
        ColumnSpec("size", "Kích thước", "Size", TEXT, 11),
        ColumnSpec("ward", "Phường/xã", "Ward", TEXT, 14),
        ColumnSpec("address", "Địa chỉ", "Address", TEXT, 28),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 13, required=True, choices="material_status"),
        ColumnSpec("planned_on", "Ngày dự kiến", "Planned on", DATE, 12),
        ColumnSpec("produced_on", "Ngày sản xuất", "Produced on", DATE, 12),
        ColumnSpec("installed_on", "Ngày lắp đặt", "Installed on", DATE, 12),
        ColumnSpec("planned_removal_on", "Dự kiến tháo dỡ", "Planned removal", DATE, 12),
        ColumnSpec("removed_on", "Ngày tháo dỡ", "Removed on", DATE, 12),
        ColumnSpec("damaged_on", "Ngày phát hiện hư hỏng", "Damage found on", DATE, 12),
        ColumnSpec("replaced_on", "Ngày thay thế", "Replaced on", DATE, 12),
        ColumnSpec("cost", "Kinh phí (đồng)", "Cost (VND)", MONEY, 15),
        ColumnSpec("supplier", "Đơn vị cung cấp", "Supplier", TEXT, 20),
        ColumnSpec("notes", "Ghi chú", "Notes", TEXT, 24),
        _ORIGIN,
    ), allows_new_rows=True)

EVENTS_SHEET = SheetSpec(
    EVENTS, "Sự kiện", "Events", "SỔ THEO DÕI SỰ KIỆN", (
        _UUID,
        ColumnSpec("type", "Loại", "Type", CHOICE, 18, required=True, choices="event_type"),
        ColumnSpec("title", "Tên sự kiện", "Title", TEXT, 40, required=True),
        ColumnSpec("theme", "Chủ đề", "Theme", THEME, 26),
        ColumnSpec("starts_on", "Từ ngày", "Starts on", DATE, 12, required=True),
        ColumnSpec("ends_on", "Đến ngày", "Ends on", DATE, 12),
        ColumnSpec("venue", "Địa điểm", "Venue", TEXT, 26),
        ColumnSpec("ward", "Phường/xã", "Ward", TEXT, 14),
        ColumnSpec("organiser", "Đơn vị tổ chức", "Organiser", TEXT, 24),
        ColumnSpec("expected_participants", "Số người dự kiến", "Expected participants", INTEGER, 10),
        ColumnSpec("actual_participants", "Số người tham dự", "Actual participants", INTEGER, 10),
        ColumnSpec("budget", "Kinh phí dự kiến (đồng)", "Budget (VND)", MONEY, 15),
        ColumnSpec("actual_cost", "Chi phí thực tế (đồng)", "Actual cost (VND)", MONEY, 15),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 13, required=True, choices="event_status"),
        ColumnSpec("result_notes", "Kết quả", "Result", TEXT, 36),
        _ORIGIN,
    ), allows_new_rows=True)

SHEETS: dict[str, SheetSpec] = {s.key: s for s in (TASKS_SHEET, MATERIALS_SHEET, EVENTS_SHEET)}

# _meta keys (column A of the hidden sheet; values in column B)
META_KEYS = ("format", "format_version", "app_version", "workspace_id", "workspace_unit_code",
             "workspace_unit_name", "workspace_created_at", "plan_id", "plan_revision", "plan_year",
             "unit_filter_code", "unit_filter_name", "exported_at", "export_id", "sheets")
META_IDS_FIRST_COLUMN = 4  # D, E, F: the ids exported in each sheet, to report rows missing on return

_PAREN = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^\w% ]+")


def header_key(text: str) -> str:
    """A header as compared on import: folded, without parentheses and punctuation."""
    folded = fold(_PAREN.sub(" ", text))
    return " ".join(_PUNCT.sub(" ", folded).split())


def header_lookup(spec: SheetSpec) -> dict[str, str]:
    """Header key → column key, from the Vietnamese and English titles (with and without their notes)."""
    table: dict[str, str] = {}
    for column in spec.columns:
        for text in (column.title, column.english):
            table[header_key(text)] = column.key
            table[" ".join(_PUNCT.sub(" ", fold(text)).split())] = column.key
    table.setdefault("id", "id")
    table.setdefault("uuid", "id")
    table.setdefault("ma", "id")
    return table


def sheet_for_name(name: str) -> SheetSpec | None:
    key = header_key(name)
    for spec in SHEETS.values():
        if key in (header_key(spec.title), header_key(spec.english), spec.key):
            return spec
    return None
