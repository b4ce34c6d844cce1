"""The Excel progress workbook: its sheets, columns, Vietnamese headers and labels (format version 1).

The column titles and the labels of the drop-down lists are Vietnamese whatever the language of
the app that wrote them, in the words of ``docs/glossary.md`` (the labels are the interface's own
Vietnamese labels, ``LabelledEnum.vietnamese``). On import the English titles and labels are
accepted too, and so are the words of workbooks already in circulation (the ``LEGACY_*`` tables:
version 0.1.0 wrote "Ấn phẩm trực quan", "Cập nhật ngày", "Hoãn"…); every title or label is
compared after Unicode normalisation, case and diacritic folding (``domain.text.fold``). This
module is the one place where headers and labels are looked up.

Documented for users in ``docs/excel-workbook.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
FORMAT_VERSION = 1
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
HEADER_ROW = 2  # row 1 is the title line of the sheet
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_DATA_ROWS = 100_000  # per sheet: more is not a returned progress sheet (refused before reading)

# kinds of column
ID, TEXT, INTEGER, MONEY, PERCENT, DATE, CHOICE, THEME = "id", "text", "integer", "money", "percent", "date", \
    "choice", "theme"
DATE_FORMAT = "dd/mm/yyyy"
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


def _choices(enum: type[LabelledEnum], only: tuple[str, ...] = ()) -> tuple[Choice, ...]:
    return tuple(Choice(m.value, m.vietnamese, _LABELS[enum][m.value]) for m in enum if not only or m.value in only)


# The statuses a unit can set (overdue is computed from the due date, never chosen).
TASK_STATUS_CHOICES = ("not_started", "in_progress", "done", "cancelled")

CHOICES: dict[str, tuple[Choice, ...]] = {
    "task_status": _choices(TaskStatus, TASK_STATUS_CHOICES),
    "material_type": _choices(MaterialType),
    "material_status": _choices(MaterialStatus),
    "event_type": _choices(EventType),
    "event_status": _choices(EventStatus),
}

# Every label a unit may type, folded: the code, the Vietnamese and the English label.
_ALL_TASK_STATUSES = _choices(TaskStatus)

# The labels that workbooks exported by version 0.1.0 carry in their drop-down lists (list → label → code).
LEGACY_LABELS: dict[str, dict[str, str]] = {
    "task_status": {"Chưa bắt đầu": "not_started"},
    "material_type": {"Ấn phẩm khác": "other"},
    "event_type": {"Sự kiện văn hóa": "cultural", "Sự kiện thể thao": "sports"},
    "event_status": {"Hoãn": "postponed"},
}


def choice_lookup(list_key: str) -> dict[str, str]:
    """Folded label → code for one list (overdue included for tasks, so that it is recognised)."""
    found = _ALL_TASK_STATUSES if list_key == "task_status" else CHOICES[list_key]
    table = {fold(label): code for label, code in LEGACY_LABELS.get(list_key, {}).items()}
    for choice in found:
        for text in (choice.code, choice.code.replace("_", " "), choice.vietnamese, choice.english):
            table[fold(text)] = choice.code
    return table


def choice_label(list_key: str, code: str) -> str:
    found = _ALL_TASK_STATUSES if list_key == "task_status" else CHOICES[list_key]
    return next((c.vietnamese for c in found if c.code == code), code)


_UUID = ColumnSpec("id", "Mã (không sửa)", "ID (do not change)", ID, 11, editable=False)

TASKS_SHEET = SheetSpec(
    TASKS, "Nhiệm vụ", "Tasks", "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ", (
        _UUID,
        ColumnSpec("theme", "Chủ đề", "Theme", TEXT, 12, editable=False),
        ColumnSpec("content", "Nhiệm vụ", "Task", TEXT, 46, editable=False),
        ColumnSpec("lead_unit", "Đơn vị chủ trì", "Lead unit", TEXT, 24, editable=False),
        ColumnSpec("start_date", "Ngày bắt đầu", "Start date", DATE, 12, editable=False),
        ColumnSpec("due_date", "Hạn hoàn thành", "Due date", DATE, 12, editable=False),
        ColumnSpec("deadline", "So với hạn", "Deadline", TEXT, 14, editable=False, compare=False),
        ColumnSpec("budget", "Kinh phí (đồng)", "Budget (VND)", MONEY, 16, editable=False),
        ColumnSpec("indicator_unit", "Đơn vị tính", "Indicator unit", TEXT, 16, editable=False),
        ColumnSpec("indicator_target", "Chỉ tiêu giao", "Target", INTEGER, 10, editable=False),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 16, required=True, choices="task_status"),
        ColumnSpec("percent_done", "Tỷ lệ hoàn thành", "Done (%)", PERCENT, 11, required=True),
        ColumnSpec("indicator_achieved", "Chỉ tiêu đạt được", "Indicator achieved", INTEGER, 11),
        ColumnSpec("spent", "Kinh phí đã sử dụng (đồng)", "Spent (VND)", MONEY, 16),
        ColumnSpec("result_text", "Kết quả thực hiện", "Result", TEXT, 40),
        ColumnSpec("progress_updated_on", "Ngày cập nhật", "Updated on", DATE, 12),
    ), allows_new_rows=False)

MATERIALS_SHEET = SheetSpec(
    MATERIALS, "Tuyên truyền cổ động trực quan", "Visual materials",
    "SỔ THEO DÕI SẢN PHẨM TUYÊN TRUYỀN TRỰC QUAN", (
        _UUID,
        ColumnSpec("type", "Loại", "Type", CHOICE, 16, required=True, choices="material_type"),
        ColumnSpec("content", "Nội dung", "Content", TEXT, 40, required=True),
        ColumnSpec("theme", "Chủ đề", "Theme", THEME, 12),
        ColumnSpec("quantity", "Số lượng", "Quantity", INTEGER, 9, required=True),
        ColumnSpec("size", "Kích thước", "Size", TEXT, 11),
        ColumnSpec("ward", "Địa bàn", "Locality", TEXT, 14),
        ColumnSpec("address", "Địa chỉ", "Address", TEXT, 28),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 13, required=True, choices="material_status"),
        ColumnSpec("planned_on", "Ngày dự kiến", "Planned on", DATE, 12),
        ColumnSpec("produced_on", "Ngày sản xuất", "Produced on", DATE, 12),
        ColumnSpec("installed_on", "Ngày lắp đặt", "Installed on", DATE, 12),
        ColumnSpec("planned_removal_on", "Ngày dự kiến tháo dỡ", "Planned removal", DATE, 12),
        ColumnSpec("removed_on", "Ngày tháo dỡ", "Removed on", DATE, 12),
        ColumnSpec("damaged_on", "Ngày phát hiện hư hỏng", "Damage found on", DATE, 12),
        ColumnSpec("replaced_on", "Ngày thay thế", "Replaced on", DATE, 12),
        ColumnSpec("cost", "Chi phí (đồng)", "Cost (VND)", MONEY, 15),
        ColumnSpec("supplier", "Đơn vị cung cấp", "Supplier", TEXT, 20),
        ColumnSpec("notes", "Ghi chú", "Notes", TEXT, 24),
    ), allows_new_rows=True)

EVENTS_SHEET = SheetSpec(
    EVENTS, "Sự kiện", "Events", "SỔ THEO DÕI SỰ KIỆN", (
        _UUID,
        ColumnSpec("type", "Loại", "Type", CHOICE, 18, required=True, choices="event_type"),
        ColumnSpec("title", "Tên sự kiện", "Title", TEXT, 40, required=True),
        ColumnSpec("theme", "Chủ đề", "Theme", THEME, 12),
        ColumnSpec("starts_on", "Ngày bắt đầu", "Starts on", DATE, 12, required=True),
        ColumnSpec("ends_on", "Ngày kết thúc", "Ends on", DATE, 12),
        ColumnSpec("venue", "Địa điểm", "Venue", TEXT, 26),
        ColumnSpec("ward", "Địa bàn", "Locality", TEXT, 14),
        ColumnSpec("organiser", "Đơn vị tổ chức", "Organiser", TEXT, 24),
        ColumnSpec("expected_participants", "Số người tham gia dự kiến", "Expected participants", INTEGER, 10),
        ColumnSpec("actual_participants", "Số người tham gia thực tế", "Actual participants", INTEGER, 10),
        ColumnSpec("budget", "Kinh phí (đồng)", "Budget (VND)", MONEY, 15),
        ColumnSpec("actual_cost", "Chi phí thực tế (đồng)", "Actual cost (VND)", MONEY, 15),
        ColumnSpec("status", "Trạng thái", "Status", CHOICE, 13, required=True, choices="event_status"),
        ColumnSpec("result_notes", "Kết quả", "Result", TEXT, 36),
    ), allows_new_rows=True)

SHEETS: dict[str, SheetSpec] = {s.key: s for s in (TASKS_SHEET, MATERIALS_SHEET, EVENTS_SHEET)}

# What workbooks exported by version 0.1.0 call the sheets and columns that have been renamed since
# (sheet → old title → column key), read on import and never written.
LEGACY_SHEET_TITLES = {MATERIALS: ("Ấn phẩm trực quan",)}
LEGACY_HEADERS: dict[str, dict[str, str]] = {
    TASKS: {"Tình trạng hạn": "deadline", "Kinh phí giao (đồng)": "budget", "Chỉ tiêu": "indicator_unit",
            "Indicator": "indicator_unit", "Cập nhật ngày": "progress_updated_on"},
    MATERIALS: {"Dự kiến tháo dỡ": "planned_removal_on", "Kinh phí (đồng)": "cost", "Phường/xã": "ward",
                "Ward": "ward"},
    EVENTS: {"Từ ngày": "starts_on", "Đến ngày": "ends_on", "Phường/xã": "ward", "Ward": "ward",
             "Số người dự kiến": "expected_participants",
             "Số người tham dự": "actual_participants", "Kinh phí dự kiến (đồng)": "budget"},
}

# _meta keys (column A of the hidden sheet; values in column B)
META_KEYS = ("format", "format_version", "app_version", "workspace_id", "workspace_unit_code",
             "workspace_unit_name", "plan_id", "plan_revision", "plan_year", "unit_filter_code",
             "unit_filter_name", "exported_at", "sheets")
META_IDS_FIRST_COLUMN = 4  # D, E, F: the ids exported in each sheet, to report rows missing on return

_PAREN = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^\w% ]+")


def header_key(text: str) -> str:
    """A header as compared on import: folded, without parentheses and punctuation."""
    folded = fold(_PAREN.sub(" ", text))
    return " ".join(_PUNCT.sub(" ", folded).split())


def header_lookup(spec: SheetSpec) -> dict[str, str]:
    """Header key → column key, from the Vietnamese and English titles (with and without their notes)
    and the titles of earlier versions (a current title wins over an old one with the same words)."""
    table: dict[str, str] = {}
    titles = [(text, key) for text, key in LEGACY_HEADERS.get(spec.key, {}).items()]
    titles += [(text, column.key) for column in spec.columns for text in (column.title, column.english)]
    for text, key in titles:
        table[header_key(text)] = key
        table[" ".join(_PUNCT.sub(" ", fold(text)).split())] = key
    table.setdefault("id", "id")
    table.setdefault("uuid", "id")
    table.setdefault("ma", "id")
    return table


def sheet_for_name(name: str) -> SheetSpec | None:
    key = header_key(name)
    for spec in SHEETS.values():
        names = (spec.title, spec.english, spec.key, *LEGACY_SHEET_TITLES.get(spec.key, ()))
        if key in {header_key(n) for n in names}:
            return spec
    return None
