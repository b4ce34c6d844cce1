"""The city's drill-down into one unit is read-only down to the record dialogs: nothing to save, export or add."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from kehoach_desktop.ui.dialogs.drilldown_dialog import DrillDownDialog
from tests.services.city_fixtures import CityWithDistricts, build_city

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"), districts=("006",))
    try:
        yield built
    finally:
        built.city.close()


@pytest.mark.parametrize("key", ["materials", "events"])
def test_record_dialogs_open_read_only_and_no_export(qtbot, city: CityWithDistricts, key: str) -> None:
    dialog = DrillDownDialog(city.city, unit_code="006", unit_name="Quận Đống Đa")
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.show_tab(key)
    page.refresh()
    assert page.model.rowCount() > 0
    assert page.edit_button.isVisible()  # "Open…" still shows the record
    assert not page.export_button.isVisible() and not page.add_button.isVisible()
    record = page.model.row_at(0)
    form = page.make_dialog(record)
    qtbot.addWidget(form)
    assert form.read_only and "(read-only)" in form.windowTitle()
    assert form.buttons.standardButtons() == QDialogButtonBox.StandardButton.Close
    assert form.buttons.button(QDialogButtonBox.StandardButton.Save) is None
    assert not form.tabs.widget(0).isEnabled()
    assert not form.photos.acceptDrops() and form.photos.add_button.isHidden() and form.photos.remove_button.isHidden()
    assert form.history.isEnabled() and form.photos.list.isEnabled()  # history and photos can still be read


def test_the_district_keeps_its_editable_dialogs(qtbot, tmp_path: Path) -> None:
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.workspace import WorkspaceSetup
    from kehoach_desktop.ui.pages.materials_page import MaterialsPage

    district = new_workspace(tmp_path / "d.kehoach", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    try:
        page = MaterialsPage(district)
        qtbot.addWidget(page)
        page.show()
        assert page.export_button.isVisible()
        form = page.make_dialog(None)
        qtbot.addWidget(form)
        assert form.buttons.button(QDialogButtonBox.StandardButton.Save) is not None
        assert form.tabs.widget(0).isEnabled() and not getattr(form, "read_only", False)
    finally:
        district.close()
