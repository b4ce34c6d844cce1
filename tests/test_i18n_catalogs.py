"""The Vietnamese catalog is complete and compiled, and Qt's own buttons speak Vietnamese."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kehoach_desktop import i18n
from kehoach_desktop.domain.enums import MaterialStatus, TaskStatus

TOOL = Path(__file__).resolve().parents[1] / "packaging" / "i18n_catalogs.py"


def load_tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_catalogs", TOOL)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["i18n_catalogs"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_current_vietnamese_translation() -> None:
    tool = load_tool()
    template = tool.extract()
    catalog = tool.read_catalog("vi")
    assert len(template) > 500
    assert tool.problems(catalog, template) == []


def test_the_compiled_catalog_is_not_stale() -> None:
    tool = load_tool()
    mo = tool.po_path("vi").with_suffix(".mo")
    assert mo.read_bytes() == tool.compiled(tool.read_catalog("vi"))


def test_labels_and_plurals_are_vietnamese(vietnamese) -> None:
    assert TaskStatus.OVERDUE.label == "Quá hạn"
    assert MaterialStatus.INSTALLED.label == "Đã lắp đặt"
    assert i18n.ngettext("{n} material damaged", "{n} materials damaged", 3).format(n=3).endswith("hư hỏng")


@pytest.mark.gui
def test_qt_standard_buttons_are_translated(qtbot, vietnamese) -> None:
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from kehoach_desktop.ui.qt_strings import qt_translator

    translator = qt_translator(QApplication.instance())
    QApplication.instance().installTranslator(translator)
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = {button.text().replace("&", "") for button in box.buttons()}
        assert texts == {"Đồng ý", "Hủy"}
    finally:
        QApplication.instance().removeTranslator(translator)


def test_the_words_follow_the_glossary() -> None:
    """No wrong variant of docs/glossary.md in the catalog, the English strings, the workbook or the PDF texts."""
    tool = load_tool()
    template = tool.extract()
    found = tool.glossary_problems(tool.read_catalog("vi"), template) + tool.header_problems("vi")
    assert not found, "words against docs/glossary.md (where: the wrong variant in the text; the glossary's word):\n" \
        + "\n".join(found)


def test_the_english_names_of_the_workbook_are_checked_too() -> None:
    """The importer reads the English headers as well: they keep the English glossary's word."""
    tool = load_tool()
    _, english = tool.glossary_variants()
    assert ("workbook column materials.ward", "Locality") in list(tool.workbook_texts(english=True))
    assert tool.variant_problems([("workbook column events.ward", "Ward")], english) == [
        "workbook column events.ward: '=Ward' in 'Ward'; the glossary's word: locality"]


def test_the_glossary_lists_the_wrong_variants_of_the_issue() -> None:
    tool = load_tool()
    vietnamese, english = tool.glossary_variants()
    written = {v.written for v in vietnamese}
    assert {"ấn phẩm", "không gian làm việc", "tệp manifest", "bản ghi", "dấu vân tay", "gói đồng bộ",
            "bản sửa đổi", "quận/huyện", "=Hoãn", "=Chậm", "=Tổng hợp", "(các)"} <= written
    assert {r"re:(?i)\bdata files?\b", r"re:(?i)\bpublications?\b", "=Ward", "=All wards"} <= {
        v.written for v in english}


def test_the_check_finds_a_wrong_word_wherever_it_is(tmp_path: Path) -> None:
    """The check can fail: a wrong variant in a translation, an English string, a document's literal."""
    from babel.messages.catalog import Catalog

    tool = load_tool()
    vietnamese, english = tool.glossary_variants()
    catalog = Catalog(locale="vi")
    catalog.add("Visual materials", "Ấn phẩm trực quan")
    catalog.add("Welcome", "Chào mừng bạn đến với Kế hoạch Desktop")
    catalog.add("Postponed", "Hoãn")
    catalog.add("Late", "Nộp chậm")
    catalog.add("Sent to the city", "Đã gửi lên Thành phố; thành phố Hà Nội")
    found = tool.variant_problems(tool.catalog_texts(catalog), vietnamese)
    assert [line.split(":")[0] for line in found] == ["catalog 'Visual materials'", "catalog 'Welcome'",
                                                      "catalog 'Postponed'"]
    template = Catalog()
    template.add("Open a data file", locations=[("kehoach_desktop/ui/x.py", 3)])
    assert tool.variant_problems(tool.english_texts(template), english)[0].startswith("kehoach_desktop/ui/x.py:3")
    package = tmp_path / "kehoach_desktop"
    (package / "exchange" / "pdf").mkdir(parents=True)
    (package / "exchange" / "pdf" / "report.py").write_text(
        '"""Writes “Ấn phẩm” in a docstring, which is not document text."""\n'
        'LEGACY_TITLES = ("Ấn phẩm trực quan",)\n'
        'HEADS = ("Loại", "Tình trạng")\n'
        'def body(n):\n    return f"Toàn thành phố có {n} tệp manifest"\n', encoding="utf-8")
    found = tool.variant_problems(tool.document_texts(package), vietnamese)
    assert sorted(line.split(":")[1] for line in found) == ["3", "5", "5"]


def test_the_guide_is_checked_in_both_languages(tmp_path: Path) -> None:
    """A page of the user's guide that names the old page or the old word fails, with its file and line."""
    tool = load_tool()
    vietnamese, english = tool.glossary_variants()
    guide = tmp_path / "resources" / "guide"
    (guide / "vi").mkdir(parents=True)
    (guide / "en").mkdir()
    (guide / "vi" / "04-so-theo-doi.md").write_text(
        "# Sổ theo dõi\n\nMở trang {page:Tuyên truyền cổ động trực quan}.\nMở trang {page:Ấn phẩm trực quan}.\n",
        encoding="utf-8")
    (guide / "en" / "04-registers.md").write_text("Filter by {label:Ward}:\n\n- {label:Ward}\n", encoding="utf-8")
    found = tool.variant_problems(tool.guide_texts("vi", guide), vietnamese)
    assert [line.split(": ")[0] for line in found] == ["resources/guide/vi/04-so-theo-doi.md:4"]
    assert found[0].endswith("the glossary's word: tuyên truyền cổ động trực quan or sản phẩm tuyên truyền trực quan "
                             "(short, where the register is obvious: sản phẩm)")
    assert tool.variant_problems(tool.guide_texts("en", guide), english) == []  # "Ward" inside a sentence is English
    (guide / "en" / "04-registers.md").write_text("Ward\n", encoding="utf-8")
    assert tool.variant_problems(tool.guide_texts("en", guide), english)[0].startswith(
        "resources/guide/en/04-registers.md:1: '=Ward'")
    assert list(tool.guide_texts("vi", tmp_path / "no guide")) == []


def test_a_fuzzy_entry_or_a_template_header_fails_the_check(tmp_path: Path, monkeypatch) -> None:
    tool = load_tool()
    template = tool.extract()
    catalog = tool.read_catalog("vi")
    message = catalog.get("Overview")
    message.flags.add("fuzzy")
    assert tool.problems(catalog, template) == ["fuzzy: 'Overview'"]
    po = tmp_path / "vi" / "LC_MESSAGES" / "kehoach.po"
    po.parent.mkdir(parents=True)
    po.write_text('# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\nmsgid ""\nmsgstr ""\n'
                  '"Project-Id-Version: PROJECT VERSION\\n"\n"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n',
                  encoding="utf-8")
    monkeypatch.setattr(tool, "CATALOG_DIR", tmp_path)
    assert [line.split("'")[1] for line in tool.header_problems("vi")] == [
        "PROJECT", "FULL NAME", "EMAIL@ADDRESS", "FIRST AUTHOR"]


def test_documents_and_workbooks_use_the_interface_labels(english) -> None:
    """One vocabulary: what the PDF and the workbook write is the interface's Vietnamese label."""
    from kehoach_desktop.domain.enums import EventStatus, EventType, MaterialType
    from kehoach_desktop.exchange.excel_format import CHOICES

    i18n.setup("vi")
    try:
        interface = {member.label for enum in (EventStatus, EventType, MaterialType) for member in enum}
    finally:
        i18n.setup("en")
    assert {c.vietnamese for key in ("event_status", "event_type", "material_type") for c in CHOICES[key]} \
        == interface
    assert EventStatus.POSTPONED.vietnamese == "Đã hoãn" and EventStatus.POSTPONED.label == "Postponed"
