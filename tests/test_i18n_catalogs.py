"""The Vietnamese catalog is complete and compiled, and Qt's own buttons speak Vietnamese."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kehoach_desktop import i18n
from kehoach_desktop.domain.enums import MaterialStatus, TaskStatus

TOOL = Path(__file__).resolve().parents[1] / "packaging" / "i18n_catalogs.py"


def load_tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_catalogs", TOOL)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
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
    assert i18n.ngettext("{n} item damaged", "{n} items damaged", 3).format(n=3).endswith("hư hỏng")


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
