"""Property: export → edit through openpyxl (as a unit would) → import gives exactly the edited values."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import OK, apply_excel_import, preview_excel_import
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.storage.models import Event, Material, Task
from tests.services.excel_support import demo, header_columns

SHEETS = {"tasks": ("Nhiệm vụ", Task), "materials": ("Tuyên truyền cổ động trực quan", Material),
          "events": ("Sự kiện", Event)}
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
text = st.text(alphabet=LETTERS + "0123456789 ,.;:()/-+=@%\"'", min_size=1, max_size=40).filter(
    lambda t: unicodedata.normalize("NFC", t).strip() != "")
money = st.integers(min_value=0, max_value=10**12)
count = st.integers(min_value=1, max_value=100_000)


def money_cell(value: int, style: int) -> Any:
    """As people type money: a number, ``1.500.000`` or ``1,500,000``."""
    if style == 0:
        return value
    return f"{value:,}".replace(",", "." if style == 1 else ",")


def typed_text(value: str, style: int) -> str:
    return unicodedata.normalize("NFD" if style else "NFC", value)


task_edit = st.fixed_dictionaries({
    "status": st.sampled_from(["Chưa bắt đầu", "dang thuc hien", "Cancelled", "HOÀN THÀNH"]),
    "percent_done": st.integers(min_value=0, max_value=100), "spent": money, "result_text": text,
    "indicator_achieved": st.integers(min_value=0, max_value=10**6)})
material_edit = st.fixed_dictionaries({"content": text, "quantity": count, "cost": money, "ward": text,
                                       "supplier": text, "notes": text})
event_edit = st.fixed_dictionaries({"title": text, "venue": text, "budget": money, "actual_participants": count,
                                    "result_notes": text})
TITLES = {
    "status": "Trạng thái", "percent_done": "Tỷ lệ hoàn thành", "spent": "Kinh phí đã sử dụng (đồng)",
    "result_text": "Kết quả thực hiện", "indicator_achieved": "Chỉ tiêu đạt được", "content": "Nội dung",
    "quantity": "Số lượng", "cost": "Chi phí (đồng)", "ward": "Địa bàn", "supplier": "Đơn vị cung cấp",
    "notes": "Ghi chú", "title": "Tên sự kiện", "venue": "Địa điểm", "budget": "Kinh phí (đồng)",
    "actual_participants": "Số người tham gia thực tế", "result_notes": "Kết quả",
}
STATUS_CODES = {"Chưa bắt đầu": "not_started", "dang thuc hien": "in_progress", "Cancelled": "cancelled",
                "HOÀN THÀNH": "done"}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = demo(tmp_path_factory.mktemp("property") / "demo.khws")
    yield session
    session.close()


def expected_value(key: str, value: Any) -> Any:
    if key == "status":
        return STATUS_CODES[value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.fixed_dictionaries({"tasks": st.dictionaries(st.integers(0, 39), task_edit, max_size=4),
                                    "materials": st.dictionaries(st.integers(0, 199), material_edit, max_size=4),
                                    "events": st.dictionaries(st.integers(0, 23), event_edit, max_size=4)}),
       styles=st.tuples(st.integers(0, 2), st.integers(0, 1), st.booleans()))
def test_export_edit_import_gives_exactly_the_edited_values(ws: WorkspaceSession, tmp_path_factory, edits,
                                                            styles) -> None:  # type: ignore[no-untyped-def]
    money_style, text_style, percent_as_text = styles
    out = tmp_path_factory.mktemp("wb") / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=out, today=ws.today())
    workbook = openpyxl.load_workbook(out)
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for key, rows in edits.items():
        sheet = workbook[SHEETS[key][0]]
        columns = header_columns(sheet)
        for index, values in rows.items():
            row = 3 + index
            record_id = sheet.cell(row=row, column=1).value
            values = dict(values)
            if key == "tasks" and values["status"] == "HOÀN THÀNH":
                values["percent_done"] = 100
            for field, value in values.items():
                if field in ("spent", "cost", "budget"):
                    written: Any = money_cell(value, money_style)
                elif field == "percent_done":
                    written = f"{value}%" if percent_as_text else value / 100
                elif isinstance(value, str):
                    written = typed_text(value, text_style)
                else:
                    written = value
                cell = sheet.cell(row=row, column=columns[TITLES[field]], value=written)
                if isinstance(written, str):
                    cell.data_type = "s"  # what '= typed after an apostrophe gives in Excel
            expected[(key, record_id)] = {field: expected_value(field, value) for field, value in values.items()}
    workbook.save(out)

    found = preview_excel_import(uow_factory=ws.uow_factory, paths=[out], today=ws.today())
    file = found.files[0]
    assert file.status == OK
    assert [p for p in file.all_problems if p.blocking] == []
    apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    with ws.uow_factory() as uow:
        for (key, record_id), values in expected.items():
            record = uow.session.get(SHEETS[key][1], record_id)
            assert {field: getattr(record, field) for field in values} == values
