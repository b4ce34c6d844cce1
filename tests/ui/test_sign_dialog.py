"""Signing a report with a USB token as an officer does: Báo cáo → Ký…, the token listed by its holder's name,
type the PIN, click Ký số. Real SoftHSM tokens, found by the real discovery (child processes); the PDF checked by
pdfsig."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from kehoach_desktop.exchange.pdf.tokens import probe
from kehoach_desktop.services import reports
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from kehoach_desktop.ui.dialogs.sign_dialog import SignDialog
from kehoach_desktop.ui.pages.reports_page import ReportsPage
from tests.exchange.certs import make_pki
from tests.exchange.pdf_readers import needs_readers, run
from tests.exchange.softhsm import PIN, make_token
from tests.ui.test_reports_page import generate

pytestmark = [pytest.mark.gui, needs_readers]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_demo_workspace(tmp_path / "demo.khws")
    yield opened
    opened.close()


def make_page(qtbot: QtBot, session: WorkspaceSession) -> ReportsPage:
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    page.refresh()
    return page


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """Once a modal ``kind`` opens (the click that opens it blocks in its own event loop), act on it."""

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            act(widget)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


@pytest.fixture
def message_boxes() -> Iterator[list[str]]:
    """Closes any message box that opens (recording its text), so that a failure fails instead of hanging."""
    seen: list[str] = []
    timer = QTimer()

    def close_boxes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.reject()

    timer.timeout.connect(close_boxes)
    timer.start(100)
    yield seen
    timer.stop()


def wait_for_search(qtbot: QtBot, dialog: SignDialog) -> None:
    qtbot.waitUntil(lambda: dialog.search_button.isEnabled(), timeout=60_000)


def item_texts(dialog: SignDialog) -> list[str]:
    return [dialog.token_list.item(row).text() for row in range(dialog.token_list.count())]


def click_item(qtbot: QtBot, dialog: SignDialog, row: int) -> None:
    item = dialog.token_list.item(row)
    dialog.token_list.scrollToItem(item)
    qtbot.mouseClick(dialog.token_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.token_list.visualItemRect(item).center())


def choose_file(qtbot: QtBot, path: Path) -> None:
    """Answer the next file dialog by typing the path into its name field and pressing Enter.

    The dialog must be the active window first: typed into an unfocused field, the path is replaced by the
    file name that the dialog's completion selects.
    """

    def type_path(dialog: QWidget) -> None:
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        edit.setFocus()
        qtbot.keyClicks(edit, str(path))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(QFileDialog, type_path)


def test_an_officer_signs_with_a_usb_token_by_name_and_pin(
    qtbot: QtBot, session: WorkspaceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vietnamese: None,
    message_boxes: list[str],
) -> None:
    for name in ("lan", "huong"):
        (tmp_path / name).mkdir()
    lan = make_pki(tmp_path / "lan")
    library = make_token(tmp_path, lan, monkeypatch, label="VNPT-CA Lan Anh")
    # both officers of the issuing unit (a certificate of another organisation asks first: test_reports_page)
    huong = make_pki(tmp_path / "huong", signer="Nguyễn Thị Hương", organisation="UBND Quận Đống Đa - TP Hà Nội")
    make_token(tmp_path, huong, monkeypatch, label="Viettel-CA Hương")  # a second key in the same computer
    page = make_page(qtbot, session)
    generate(qtbot, page, reports.PLAN)
    seen: dict[str, object] = {}

    def sign(widget: QWidget) -> None:
        dialog = widget
        assert isinstance(dialog, SignDialog)
        assert dialog.token_status.text() == "Đang tìm USB token trên máy tính này…"
        wait_for_search(qtbot, dialog)
        texts = item_texts(dialog)
        seen["texts"], seen["status"] = texts, dialog.token_status.text()
        assert not dialog.sign_button.isEnabled()  # no PIN yet
        dialog.grab().save(str(tmp_path / "sign-dialog-vi.png"))
        click_item(qtbot, dialog, next(row for row, text in enumerate(texts) if "Nguyễn Thị Hương" in text))
        qtbot.keyClicks(dialog.pin, PIN)
        assert dialog.sign_button.isEnabled()
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    when_modal(SignDialog, sign)
    with qtbot.waitSignal(page.verified, timeout=120_000, raising=False) as verified:
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert sorted(seen["texts"]) == [  # type: ignore[arg-type]
        f"Nguyễn Thị Hương — UBND Quận Đống Đa - TP Hà Nội\nToken “Viettel-CA Hương” · hiệu lực đến "
        f"{huong.signer_cert.not_valid_after_utc:%d/%m/%Y} · do CA thử nghiệm Kế hoạch cấp",
        f"Phạm Thị Lan Anh — UBND quận Đống Đa\nToken “VNPT-CA Lan Anh” · hiệu lực đến "
        f"{lan.signer_cert.not_valid_after_utc:%d/%m/%Y} · do CA thử nghiệm Kế hoạch cấp"]
    assert seen["status"] == "Tìm thấy 2 chứng thư số: hãy chọn chứng thư của mình rồi nhập mã PIN của token."

    assert message_boxes == [] and verified.signal_triggered
    result = verified.args[0]
    assert result.ok and result.signatures[0].signer == "Nguyễn Thị Hương"  # the chosen token's certificate
    assert page.current is not None and page.current_signed
    pdfsig = run("pdfsig", page.current)
    assert "Signature is Valid." in pdfsig.stdout, pdfsig.stdout + pdfsig.stderr
    assert "Nguyễn Thị Hương" in pdfsig.stdout
    remembered = reports.get_token_settings(uow_factory=session.uow_factory)
    [chosen] = [t for t in probe(library).tokens if t.label == "Viettel-CA Hương"]
    assert remembered == reports.TokenSettings(library, chosen.slot, chosen.serial)

    # Next time the same token is chosen already; cancelling while the search still runs leaves no error behind.
    def check_remembered(widget: QWidget) -> None:
        dialog = widget
        assert isinstance(dialog, SignDialog)
        wait_for_search(qtbot, dialog)
        assert "Nguyễn Thị Hương" in dialog.token_list.currentItem().text()
        qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)  # search again…
        assert not dialog.search_button.isEnabled()
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()  # …and leave before it ends

    when_modal(SignDialog, check_remembered)
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert page._token_finder is not None
    qtbot.waitUntil(lambda: not page._token_finder.busy, timeout=60_000)
    qtbot.wait(100)  # the answer reaches a dialog that is gone: nothing may raise


def test_no_token_then_browse_for_the_vendor_library(
    qtbot: QtBot, session: WorkspaceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: list[str]
) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    (tmp_path / "empty.conf").write_text(f"directories.tokendir = {empty}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(tmp_path / "empty.conf"))  # no token plugged in yet
    not_a_library = tmp_path / "vendor" / "eTPKCS11.so"
    not_a_library.parent.mkdir()
    not_a_library.write_text("not a library")
    page = make_page(qtbot, session)
    generate(qtbot, page, reports.PLAN)
    pki = make_pki(tmp_path)
    state: dict[str, str] = {}

    def browse(widget: QWidget) -> None:
        dialog = widget
        assert isinstance(dialog, SignDialog)
        wait_for_search(qtbot, dialog)
        state["none"] = dialog.token_status.text()
        assert dialog.token_list.count() == 0 and not dialog.sign_button.isEnabled()
        state["tooltip"] = dialog.sign_button.toolTip()

        choose_file(qtbot, not_a_library)
        qtbot.mouseClick(dialog.library_button, Qt.MouseButton.LeftButton)
        wait_for_search(qtbot, dialog)
        state["refused"] = dialog.token_status.text()

        # The officer installs the vendor's software, plugs the token in, and browses to its library.
        (tmp_path / "plugged").mkdir()
        library = make_token(tmp_path / "plugged", pki, monkeypatch, label="eToken")
        vendor_copy = tmp_path / "vendor" / "libvendor-pkcs11.so"
        shutil.copy(library, vendor_copy)
        choose_file(qtbot, vendor_copy)
        qtbot.mouseClick(dialog.library_button, Qt.MouseButton.LeftButton)
        wait_for_search(qtbot, dialog)
        state["found"] = dialog.token_list.currentItem().text()
        state["library"] = dialog.token_list.currentItem().toolTip()
        qtbot.keyClicks(dialog.pin, PIN)
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    when_modal(SignDialog, browse)
    with qtbot.waitSignal(page.verified, timeout=120_000, raising=False) as verified:
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert state["none"].startswith("No token found. Plug the USB token in and click “Search again”.")
    assert state["tooltip"] == "Choose a token first (plug it in, then “Search again”)."
    assert state["refused"].startswith("The library eTPKCS11.so cannot be used:")
    assert "No token found" in state["refused"]
    assert state["found"].startswith("Phạm Thị Lan Anh — UBND quận Đống Đa\nToken “eToken” · valid until ")
    assert str(tmp_path / "vendor" / "libvendor-pkcs11.so") in state["library"]  # the library chosen, first
    assert message_boxes == [] and verified.signal_triggered and verified.args[0].ok
    assert "Signature is Valid." in run("pdfsig", page.current).stdout
    remembered = reports.get_token_settings(uow_factory=session.uow_factory)
    assert remembered is not None and remembered.library == str(tmp_path / "vendor" / "libvendor-pkcs11.so")
