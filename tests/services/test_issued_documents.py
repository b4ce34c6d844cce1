"""The register of issued documents: a progress report issued with its number, date, addressees, signer and text,
printed again byte for byte; numbers free per symbol and year; the report's text pre-filled from the data; the
number and date in the period's sync package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import UserFacingError, ValidationError
from kehoach_desktop.domain.periods import following_period, parse_period
from kehoach_desktop.domain.text import fold
from kehoach_desktop.exchange.pdf.model import ReportStamp, ReportText
from kehoach_desktop.services import reports, sync
from kehoach_desktop.services.documents import IssueDetails, list_register, save_report_text
from kehoach_desktop.services.progress_data import get_progress_data
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup, set_demo_today
from kehoach_desktop.storage.models import ReceivedPackage, ResponsibleUnit, Task
from tests.exchange.pdf_readers import needs_readers, text
from tests.services.package_tools import private_key_of, repack

pytestmark = needs_readers

Q3 = "2021-Q3"
DETAILS = IssueDetails(number=7, issue_date=dt.date(2021, 10, 5), recipient="Sở Thông tin và Truyền thông",
                       recipients=("Như trên;", "UBND Thành phố;", "Lưu: VT, VHTT."),
                       signer_title="PHÓ CHỦ TỊCH", signer_name="Trần Văn Bình")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[WorkspaceSession]:
    session = new_demo_workspace(tmp_path / "demo.khws")
    yield session
    session.close()


def words(path: Path) -> str:
    return " ".join(text(path).split())


def generate(session: WorkspaceSession, out: Path, period: str = Q3) -> reports.GeneratedReport:
    return reports.generate_report(uow_factory=session.uow_factory, kind=reports.PROGRESS, out=out,
                                   period=period, today=session.today())


def test_an_issued_report_keeps_its_number_text_and_signer_and_prints_again_identically(
        demo: WorkspaceSession, tmp_path: Path) -> None:
    state = reports.get_progress_issue_state(uow_factory=demo.uow_factory, period=Q3, today=demo.today())
    assert state.issued is None and state.symbol == "BC-UBND"
    assert state.suggested.number == 1  # the plan's 05/KH-UBND is another symbol: the reports' numbers start at 01
    draft = words(generate(demo, tmp_path / "draft.pdf").path)
    assert "DỰ THẢO" in draft and "Số: /BC-UBND" in draft and "07/BC-UBND" not in draft

    edited = dataclasses.replace(state.text, proposals=("Đề nghị UBND Thành phố bổ sung 120 triệu đồng kinh phí "
                                                        "tuyên truyền quý IV.",))
    save_report_text(uow_factory=demo.uow_factory, period=Q3, text=edited)
    assert "bổ sung 120 triệu đồng" in words(generate(demo, tmp_path / "edited.pdf").path)

    entry = reports.issue_progress_report(uow_factory=demo.uow_factory, period=Q3, details=DETAILS,
                                          today=demo.today())
    assert entry.number_symbol == "07/BC-UBND" and entry.issue_date == dt.date(2021, 10, 5)
    first = generate(demo, tmp_path / "issued.pdf")
    issued = words(first.path)
    assert "DỰ THẢO" not in issued
    assert "Số: 07/BC-UBND" in issued and "ngày 05 tháng 10 năm 2021" in issued
    assert "Kính gửi: Sở Thông tin và Truyền thông" in issued
    assert "Trần Văn Bình" in issued and "- UBND Thành phố;" in issued
    assert "bổ sung 120 triệu đồng" in issued
    assert first.stamp.number_symbol == "07/BC-UBND"

    with demo.uow_factory() as uow:  # the data change after issuing: the issued report does not
        task = uow.session.scalars(select(Task).order_by(Task.position)).first()
        task.status, task.percent_done = "done", 100
        uow.commit()
    again = generate(demo, tmp_path / "again.pdf")
    assert again.path.read_bytes() == first.path.read_bytes()
    assert again.stamp == first.stamp
    with pytest.raises(ValidationError, match="07/BC-UBND"):
        save_report_text(uow_factory=demo.uow_factory, period=Q3, text=ReportText())
    with pytest.raises(ValidationError, match="07/BC-UBND"):
        reports.issue_progress_report(uow_factory=demo.uow_factory, period=Q3, details=DETAILS, today=demo.today())


def test_numbers_are_free_per_symbol_and_restart_each_year(demo: WorkspaceSession) -> None:
    uow = demo.uow_factory
    reports.issue_progress_report(uow_factory=uow, period="2021-Q2", details=DETAILS, today=demo.today())
    with pytest.raises(ValidationError, match="next free number is 08"):
        reports.issue_progress_report(uow_factory=uow, period=Q3, details=DETAILS, today=demo.today())
    assert reports.get_progress_issue_state(uow_factory=uow, period=Q3, today=demo.today()).suggested.number == 8
    with pytest.raises(ValidationError):
        reports.issue_progress_report(uow_factory=uow, period=Q3, details=dataclasses.replace(DETAILS, number=0),
                                      today=demo.today())
    with pytest.raises(ValidationError):  # a report is not dated before its period begins
        reports.issue_progress_report(uow_factory=uow, period=Q3, details=dataclasses.replace(
            DETAILS, number=8, issue_date=dt.date(2021, 6, 30)), today=demo.today())
    # the next year numbers from 01 again: 07 of 2022 is free although 07 of 2021 is taken
    reports.issue_progress_report(uow_factory=uow, period="2021-Q4", details=dataclasses.replace(
        DETAILS, issue_date=dt.date(2022, 1, 10)), today=dt.date(2022, 1, 10))
    register = list_register(uow_factory=uow)
    assert [(e.kind, e.number_symbol, e.issue_date.year) for e in register] == [
        ("plan", "05/KH-UBND", 2021), ("progress", "07/BC-UBND", 2021), ("progress", "07/BC-UBND", 2022)]
    assert [e.period for e in list_register(uow_factory=uow, year=2022)] == ["2021-Q4"]


def test_the_text_is_prefilled_from_the_tasks_results_overdue_tasks_and_next_periods_tasks(
        demo: WorkspaceSession) -> None:
    state = reports.get_progress_issue_state(uow_factory=demo.uow_factory, period=Q3, today=demo.today())
    data = get_progress_data(uow_factory=demo.uow_factory, period=Q3, today=demo.today())
    span = parse_period(Q3)
    following = following_period(span)
    assert following.code == "2021-Q4"
    with demo.uow_factory() as uow:
        tasks = [SimpleNamespace(**{k: getattr(t, k) for k in (
            "content", "result_text", "start_date", "due_date", "status", "lead_unit_id")})
            for t in uow.session.scalars(select(Task).where(Task.deleted_at.is_(None)))]
        names = dict(uow.session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)).all())
    written = [t for t in tasks if t.result_text.strip()]
    assert len(written) >= 30  # the demo's tasks have their results in words
    text_ = state.text
    # results by theme: one line per theme with its figures, then each task of the period with its written result
    for theme in data.themes:
        line = next(p for p in text_.results if p.startswith(theme.theme + ":"))
        assert f"hoàn thành {theme.stocks.tasks_done}/{theme.stocks.tasks_total} nhiệm vụ" in line
    in_period = [t for t in written if span.overlaps(t.start_date, t.due_date)]
    assert sum(p.startswith("- ") for p in text_.results) == len(in_period)
    # shortcomings and causes: the overdue tasks, with what their results say
    assert f"còn {len(data.overdue_tasks)} nhiệm vụ quá hạn" in text_.shortcomings[0]
    overdue = {line.content for line in data.overdue_tasks}
    late = [t for t in written if t.content in overdue]
    assert len(text_.causes) == len(late) and len(late) == 6
    assert all(any(t.result_text.rstrip(".") in p for p in text_.causes) for t in late)
    # directions: the tasks due next period and not done, with their lead units
    due = [t for t in tasks if t.due_date and following.contains(t.due_date) and t.status not in ("done", "cancelled")]
    assert len(text_.directions) == 1 + len(due) + 1  # the opening line, the tasks, the overdue ones to finish
    assert all(any(f"({names[t.lead_unit_id]}, hạn {t.due_date:%d/%m/%Y})" in p for p in text_.directions)
               for t in due if t.lead_unit_id)
    # proposals: the requests the results make, with the tasks they are made for
    asking = [t for t in tasks if "de nghi gia han den quy iv/2021" in fold(t.result_text)]
    assert len(asking) == 3
    [proposal] = text_.proposals
    assert proposal.startswith("- Đề nghị gia hạn đến quý IV/2021 đối với 3 nhiệm vụ: ")
    assert all(t.content.rstrip(".;") in proposal for t in asking)


def test_the_report_prints_its_sections_and_each_indicator_once(demo: WorkspaceSession, tmp_path: Path) -> None:
    content = words(generate(demo, tmp_path / "q3.pdf").path)
    order = ["I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "3. Nguyên nhân",
             "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "VII. ĐỀ XUẤT, KIẾN NGHỊ", "Trên đây là báo cáo"]
    positions = [content.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "Chỉ tiêu đạt/kế hoạch" not in content and "3. Chỉ tiêu" in content
    data = get_progress_data(uow_factory=demo.uow_factory, period=Q3, today=demo.today())
    with_target = [t for t in data.tasks if t.indicator_target]
    assert with_target
    reached = [t for t in with_target if t.indicator_achieved is not None]
    assert reached
    for task in reached:  # the indicators table's row: target, achieved, ratio; printed nowhere else
        row = f"{task.indicator_target:,} {task.indicator_achieved:,} ".replace(",", ".")
        row += f"{round(100 * task.indicator_achieved / task.indicator_target)}%"
        assert content.count(row) == 1, row
        assert content.count(f"{task.indicator_achieved:,}/{task.indicator_target:,} {task.indicator_unit}"
                             .replace(",", ".")) <= 1  # only if the task's written result says it


def test_the_issued_reports_number_and_date_travel_with_its_period(demo: WorkspaceSession, tmp_path: Path) -> None:
    reports.issue_progress_report(uow_factory=demo.uow_factory, period=Q3, details=DETAILS, today=demo.today())
    issued = generate(demo, tmp_path / "issued.pdf")
    package = tmp_path / "q3.khsync"
    sync.export_sync_package(uow_factory=demo.uow_factory, out=package, period=Q3, today=demo.today())
    with zipfile.ZipFile(package) as archive:
        document = json.loads(archive.read("data/document.json"))
        report_bytes = archive.read("data/report.json")
    assert document == {"period": Q3, "number": "07", "symbol": "BC-UBND", "issue_date": "2021-10-05"}
    # the package's figures are the issued report's: the hash in its QR code
    assert hashlib.sha256(report_bytes).hexdigest() == issued.stamp.sha256
    assert ReportStamp.from_payload(issued.stamp.payload()) == issued.stamp

    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        set_demo_today(uow_factory=city.uow_factory, day=dt.date(2021, 10, 6))
        sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
        with city.uow_factory() as uow:
            row = uow.session.scalars(select(ReceivedPackage)).one()
            assert row.manifest["document"] == document
    finally:
        city.close()


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda d: d.update(period="2021-Q2"), "period is not the package's period 2021-Q3"),
    (lambda d: d.update(number="7a"), "number is not a document's number"),
    (lambda d: d.update(symbol=""), "symbol is not a document's symbol"),
    (lambda d: d.update(issue_date="05/10/2021"), "issue_date is not a date"),
])
def test_a_malformed_number_and_date_refuses_the_package_and_changes_nothing(
        demo: WorkspaceSession, tmp_path: Path, edit, problem: str) -> None:  # type: ignore[no-untyped-def]
    reports.issue_progress_report(uow_factory=demo.uow_factory, period=Q3, details=DETAILS, today=demo.today())
    genuine = tmp_path / "q3.khsync"
    sync.export_sync_package(uow_factory=demo.uow_factory, out=genuine, period=Q3, today=demo.today())
    forged = repack(genuine, tmp_path / "forged.khsync", private_key_of(demo),
                    edit_data=lambda data: edit(data["data/document.json"]))
    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        with pytest.raises(UserFacingError) as refused:
            sync.import_package(uow_factory=city.uow_factory, path=forged, trust_new_keys=True)
        assert "data/document.json" in refused.value.message
        assert problem in " ".join(getattr(refused.value, "details", ()) or ()) + refused.value.message
        with city.uow_factory() as uow:
            assert uow.session.scalars(select(ReceivedPackage)).first() is None
    finally:
        city.close()
