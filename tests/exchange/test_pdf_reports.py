"""The plan and the progress report as PDF, read back by real readers (poppler, qpdf)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kehoach_desktop.domain.enums import MaterialStatus, TaskStatus, WorkspaceMode
from kehoach_desktop.exchange.pdf.model import ReportStamp
from kehoach_desktop.services.reports import generate_report, get_plan_document, get_progress_document
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.storage.models import Material, Plan, PlanSection, ResponsibleUnit, Task
from tests.exchange.pdf_readers import fonts, ink_in_margins, needs_readers, page_sizes, run, text

pytestmark = needs_readers

HEADER_AND_SIGNER = ("ỦY BAN NHÂN DÂN", "QUẬN ĐỐNG ĐA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                     "PHÓ CHỦ TỊCH")
HOSTILE_WORD = "Siêudàikhôngcódấucách" * 15
HOSTILE_PARAGRAPH = ("Đoạn văn rất dài về tuyên truyền trực quan <b>không phải thẻ</b> & \"ngoặc kép\" 'đơn'. "
                     * 25)[:2000]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = new_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.khws")
    yield session
    session.close()


def hostile_workspace(path: Path) -> WorkspaceSession:
    """A district workspace whose plan holds every kind of awkward text, and empty fields."""
    session = new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006",
                                                 signer_name="Nguyễn <Văn> & \"Hùng\"", signer_title="Phó Chủ tịch"))
    with session.uow_factory() as uow:
        s = uow.session
        plan = s.scalars(select(Plan)).one()
        plan.legal_bases = ["Căn cứ <Luật> & \"Nghị định\" 30/2020/NĐ-CP.", "  ", "Căn cứ cuối cùng;"]
        plan.preamble = unicodedata.normalize("NFD", "Thực hiện kế hoạch của Thành phố (văn bản gõ dạng NFD).")
        themes = list(s.scalars(select(PlanSection).where(PlanSection.kind == "theme")))
        themes[0].local_text = HOSTILE_PARAGRAPH + "\n" + HOSTILE_WORD
        unit = s.scalars(select(ResponsibleUnit)).first()
        assert unit is not None
        contents = ["<script>alert('x')</script> & <br/> nhiệm vụ", HOSTILE_WORD, HOSTILE_PARAGRAPH, "", "   "]
        for position, content in enumerate(contents):
            s.add(Task(unit_code=plan.unit_code, plan_id=plan.id, section_id=themes[position % len(themes)].id,
                       position=position, content=content, form="visual",
                       lead_unit_id=unit.id if position % 2 else None, supporting_unit_ids=[unit.id] * position,
                       start_date=None if position > 2 else dt.date(2021, 2, 1),
                       due_date=None if position > 3 else dt.date(2021, 3, 1), budget=1_500_000 * position,
                       indicator_unit="pa nô" if position == 1 else "", indicator_target=10 if position == 1 else None,
                       indicator_achieved=None, status=TaskStatus.IN_PROGRESS.value))
        s.add(Material(unit_code=plan.unit_code, type="panel", content="Pa nô <đầu> & \"cuối\"", quantity=3,
                       status=MaterialStatus.INSTALLED.value, installed_on=dt.date(2021, 1, 10),
                       planned_removal_on=dt.date(2021, 2, 15), ward="", address=HOSTILE_WORD))
        uow.commit()
    return session


def flat(value: str) -> str:
    return " ".join(value.split())


def check_with_readers(path: Path) -> str:
    """Every font embedded, qpdf finds no error, the text is NFC. Returns the text."""
    listed = fonts(path)
    assert listed, "pdffonts lists no font"
    assert all(embedded for _name, embedded in listed), listed
    assert all(name.split("+")[-1].startswith("LiberationSerif") for name, _ in listed), listed
    check = run("qpdf", "--check", path)
    assert check.returncode == 0, check.stdout + check.stderr
    content = text(path)
    assert unicodedata.is_normalized("NFC", content)
    return content


def test_the_plan_pdf_has_the_decree_30_parts_in_exact_vietnamese(demo: WorkspaceSession, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    done = generate_report(uow_factory=demo.uow_factory, kind="plan", out=out, today=demo.today())
    content = check_with_readers(out)
    first_page = text(out, 1, 1)
    for expected in (*HEADER_AND_SIGNER[:4], "Số: 05/KH-UBND", "Đống Đa, ngày 20 tháng 01 năm 2021", "KẾ HOẠCH",
                     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"):
        assert expected in first_page, expected
    for expected in HEADER_AND_SIGNER[4:]:
        assert expected in content, expected
    assert "- Lưu: VT, VHTT." in content
    assert "I. MỤC ĐÍCH, YÊU CẦU" in content and "1.1. Hoạt động chỉ đạo" in flat(content)
    # page numbers: none on page 1, "2" at the top of page 2
    assert text(out, 2, 2).lstrip().startswith("2\n")
    assert not first_page.lstrip().startswith("1\n")
    # the appendix: landscape pages, its header row on every one of them
    sizes = page_sizes(out)
    landscape = [index + 1 for index, (width, height) in enumerate(sizes) if width > height]
    assert sizes[0] == pytest.approx((595.28, 841.89), abs=0.5)
    assert len(landscape) >= 2 and landscape[-1] == len(sizes) == done.pages
    for page in landscape:
        assert "Nội dung nhiệm vụ" in text(out, page, page), page
    assert "Phụ lục" in text(out, landscape[0], landscape[0])
    assert text(out, landscape[1], landscape[1]).lstrip().startswith("2\n")  # the appendix counts on its own
    assert ink_in_margins(out) == []


def test_the_pdf_metadata_and_qr_carry_the_data_stamp(demo: WorkspaceSession, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    done = generate_report(uow_factory=demo.uow_factory, kind="plan", out=out, today=demo.today())
    document = get_plan_document(uow_factory=demo.uow_factory)
    assert done.stamp == ReportStamp.of(document)
    info = run("pdfinfo", out).stdout
    assert f"Keywords:        {done.stamp.payload()}" in info
    assert done.stamp.payload() == f"KHDESKTOP|2|006|2021|05/KH-UBND|sha256:{done.stamp.sha256}"
    assert ReportStamp.from_payload(done.stamp.payload()) == done.stamp
    legacy = f"KHDESKTOP|05/KH-UBND|006|2021|sha256:{done.stamp.sha256}"  # the stamp of earlier versions
    assert ReportStamp.from_payload(legacy) == done.stamp
    assert len(done.stamp.sha256) == 64
    last = text(out, done.pages, done.pages)
    assert f"SHA-256 {done.stamp.sha256[:16]}" in last  # the caption beside the QR code, last page only
    assert f"SHA-256 {done.stamp.sha256[:16]}" not in text(out, 1, done.pages - 1)


def test_the_data_hash_follows_the_data(demo: WorkspaceSession) -> None:
    before = ReportStamp.of(get_plan_document(uow_factory=demo.uow_factory))
    assert before == ReportStamp.of(get_plan_document(uow_factory=demo.uow_factory))
    with demo.uow_factory() as uow:
        task = uow.session.scalars(select(Task)).first()
        assert task is not None
        task.budget += 1
        uow.commit()
    assert ReportStamp.of(get_plan_document(uow_factory=demo.uow_factory)).sha256 != before.sha256


@pytest.mark.parametrize("period", ["2021", "2021-H1", "2021-Q3", "2021-03"])
def test_the_progress_report_reads_back_for_every_kind_of_period(demo: WorkspaceSession, tmp_path: Path,
                                                                 period: str) -> None:
    out = tmp_path / f"progress-{period}.pdf"
    generate_report(uow_factory=demo.uow_factory, kind="progress", period=period, out=out, today=demo.today())
    content = check_with_readers(out)
    first_page = text(out, 1, 1)
    for expected in (*HEADER_AND_SIGNER[:4], "BÁO CÁO", "Kết quả thực hiện Kế hoạch", "Kính gửi: Sở Thông tin và "
                     "Truyền thông", "/BC-UBND", "Đống Đa, ngày 20 tháng 9 năm 2021"):
        assert expected in flat(first_page), expected
    for expected in (*HEADER_AND_SIGNER[4:], "- Như trên;", "I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
                     "II. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN", "III. CÁC HOẠT ĐỘNG, SỰ KIỆN", "IV. KINH PHÍ",
                     "1. Nhiệm vụ quá hạn", "2. Sản phẩm tuyên truyền trực quan quá hạn tháo dỡ"):
        assert expected in content, expected
    assert all(width < height for width, height in page_sizes(out))
    assert ink_in_margins(out) == []  # nothing in the right margin or within 15 mm of the bottom edge


def test_the_progress_report_figures(demo: WorkspaceSession) -> None:
    """Overdue is judged at the period's end: Q1 knows nothing of what fell late in September."""
    q1 = get_progress_document(uow_factory=demo.uow_factory, period="2021-Q1", today=demo.today()).data
    year = get_progress_document(uow_factory=demo.uow_factory, period="2021", today=demo.today()).data
    assert q1.as_of == dt.date(2021, 3, 31) and year.as_of == demo.today()
    assert all(t.due_date is None or t.due_date < q1.as_of for t in q1.overdue_tasks)
    assert all(r.days_late > 0 for r in year.overdue_tasks + year.overdue_removals)
    assert sum(r.stocks.tasks_total for r in year.themes) == len(year.tasks) == year.stocks.tasks_total
    assert year.stocks.budget_planned == sum(r.stocks.budget_planned for r in year.themes) > 0
    assert year.stocks.materials_total > 0 and year.events
    assert q1.stocks.tasks_done <= year.stocks.tasks_done and q1.flows.events_held <= year.flows.events_held


def test_hostile_user_text_renders_escaped(tmp_path: Path) -> None:
    session = hostile_workspace(tmp_path / "w.khws")
    try:
        plan_pdf, progress_pdf = tmp_path / "plan.pdf", tmp_path / "progress.pdf"
        generate_report(uow_factory=session.uow_factory, kind="plan", out=plan_pdf, today=dt.date(2021, 3, 20))
        generate_report(uow_factory=session.uow_factory, kind="progress", period="2021-Q1", out=progress_pdf,
                        today=dt.date(2021, 3, 20))
    finally:
        session.close()
    content = flat(check_with_readers(plan_pdf))
    assert "<script>alert('x')</script> & <br/> nhiệm vụ" in content
    assert "Căn cứ <Luật> & \"Nghị định\" 30/2020/NĐ-CP;" in content  # ";" except on the last basis
    assert "Căn cứ cuối cùng." in content
    assert "Thực hiện kế hoạch của Thành phố (văn bản gõ dạng NFD)." in content  # NFD stored, NFC printed
    assert "Nguyễn <Văn> & \"Hùng\"" in content
    assert "Số: /KH-UBND" in content  # no number yet: left blank to fill in by hand
    assert "<b>không phải thẻ</b>" in content
    assert "Siêudàikhông" in content
    progress = flat(check_with_readers(progress_pdf))
    assert "Pa nô <đầu> & \"cuối\"" in progress  # a removal overdue on 20/03/2021
