"""The Word copies (.docx) of the plan, a progress report and the city's report, opened by LibreOffice (Writer,
headless), converted to PDF and read back with poppler: the same text as the PDF, A4 pages, Decree 30 margins."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as read_docx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kehoach_desktop import cli
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.exchange.docx_writer import clean, plan_docx
from kehoach_desktop.exchange.pdf.model import DocumentHeader, PlanDocument, SignerBlock
from kehoach_desktop.services.documents import list_register
from kehoach_desktop.services.session import new_demo_workspace, open_workspace
from kehoach_desktop.storage.models import Task
from tests.exchange.pdf_readers import needs_readers, page_sizes, text
from tests.services.city_fixtures import build_city

needs_writer = pytest.mark.skipif(shutil.which("soffice") is None,
                                  reason="LibreOffice Writer is needed (apt-get install libreoffice-writer-nogui; "
                                         ".ci/run installs it)")
pytestmark = [needs_readers, needs_writer]

A4 = (595.0, 842.0)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HOSTILE = "Pa nô\x00 cổ\x07 động\x1b[31m <b>thẻ</b> & \x0bcuối\x0c\ttab\x85"


def to_pdf(docx: Path) -> Path:
    """LibreOffice opens the .docx and writes it as PDF (its own profile, so parallel runs do not collide)."""
    profile = docx.parent / "lo-profile"
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                             "pdf", "--outdir", str(docx.parent), str(docx)], capture_output=True, text=True,
                            timeout=240)
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists(), result.stderr
    return pdf


def words(path: Path) -> str:
    return " ".join(text(path).split())


def is_a4(size: tuple[float, float]) -> bool:
    width, height = sorted(size)
    return abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5


def document_xml(docx: Path) -> str:
    return zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo district (closed: the command line opens it) with a task pasted with control characters in it."""
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    # Written past the application (which refuses control characters at every way in): a workspace from before
    # that check, or one edited by another tool.
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tasks SET content = ? WHERE id = (SELECT id FROM tasks ORDER BY position "
                           "LIMIT 1)", (HOSTILE,))
    connection.close()
    return path


def test_the_plan_in_word_has_the_pdfs_text_on_a4_pages(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "ke-hoach.docx"
    assert cli.main(["report", "plan", "--workspace", str(demo), "--out", str(out), "--format", "docx"]) == 0
    xml = document_xml(out)
    assert not CONTROL.search(xml)  # Word refuses a file with them; the user's text lost only those
    assert "Pa nô cổ động[31m &lt;b&gt;thẻ&lt;/b&gt; &amp; cuối tab" in xml
    # Decree 30 page: A4, top and bottom 20 mm, left 30 mm, right 15 mm (in twentieths of a point)
    assert '<w:pgSz w:w="11906" w:h="16838"' in xml
    assert re.search(r'<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"', xml)
    assert 'w:orient="landscape"' in xml  # the appendix of tasks
    styles = zipfile.ZipFile(out).read("word/styles.xml").decode("utf-8")
    assert 'w:ascii="Times New Roman"' in styles and 'w:val="28"' in styles  # 14 pt

    pdf = to_pdf(out)
    sizes = page_sizes(pdf)
    assert sizes and all(is_a4(size) for size in sizes)
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] > sizes[-1][1]  # portrait pages, landscape appendix
    got = words(pdf)
    budget = sum(demo_budgets(demo))  # worked out here from the rows, not from the document
    for expected in ("ỦY BAN NHÂN DÂN", "QUẬN ĐỐNG ĐA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 05/KH-UBND", "Đống Đa, ngày 20 tháng 01 năm 2021",
                     "KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                     "PHÓ CHỦ TỊCH", "Phạm Thị Lan Anh", "DANH MỤC NHIỆM VỤ TUYÊN TRUYỀN NĂM 2021",
                     "(Kèm theo Kế hoạch số 05/KH-UBND ngày 20/01/2021 của UBND quận Đống Đa)",
                     "Pa nô cổ động[31m <b>thẻ</b> & cuối tab", "Tổng cộng",
                     f"{budget:,}".replace(",", ".")):
        assert expected in got, expected


def demo_budgets(demo: Path) -> list[int]:
    session = open_workspace(demo)
    try:
        with session.uow_factory() as uow:
            return list(uow.session.scalars(select(Task.budget).where(Task.deleted_at.is_(None))))
    finally:
        session.close()


def test_a_progress_report_in_word_says_what_its_pdf_says(demo: Path, tmp_path: Path) -> None:
    docx, pdf = tmp_path / "bao-cao.docx", tmp_path / "bao-cao-goc.pdf"
    common = ["report", "progress", "--workspace", str(demo), "--period", "2021-Q3"]
    assert cli.main([*common, "--out", str(docx), "--format", "docx"]) == 0
    assert cli.main([*common, "--out", str(pdf)]) == 0
    converted = to_pdf(docx)
    assert all(is_a4(size) and size[0] < size[1] for size in page_sizes(converted))
    got, original = words(converted), words(pdf)
    for expected in ("BÁO CÁO", "/BC-UBND", "Kính gửi: Sở Thông tin và Truyền thông",
                     "I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "II. TUYÊN TRUYỀN CỔ ĐỘNG TRỰC QUAN",
                     "III. CÁC HOẠT ĐỘNG, SỰ KIỆN", "IV. KINH PHÍ", "V. TỒN TẠI, HẠN CHẾ", "Nơi nhận:",
                     "Phạm Thị Lan Anh"):
        assert expected in got and expected in original, expected
    # every word of the Word copy is a word of the PDF (which has the charts and the QR caption besides); the
    # Word copy drops the control characters, and Writer may break a line after a hyphen
    # (and poppler joins a word hyphenated at a line's end: "COVID-" + "19" reads "COVID19")
    page_number = re.compile(r"^\d{1,2}$")
    in_pdf = set(nfc(CONTROL.sub("", original)).split())
    in_pdf |= {w.replace("-", "") for w in in_pdf}
    missing = {w for w in nfc(got).split() if not page_number.match(w) and not w.endswith("-")} - in_pdf
    assert not missing - set(nfc(clean(HOSTILE)).split())  # the PDF sets the pasted escape codes its own way
    figures = {w.rstrip(".;,") for w in original.split() if re.fullmatch(r"\d{1,3}(\.\d{3})+[.;,]?", w)}
    axis_ticks = {f for f in figures if re.fullmatch(r"[1-9]0*(\.000)+", f)}  # the charts' scales, not in Word
    assert len(figures) > 10 and figures - axis_ticks <= {w.rstrip(".;,") for w in got.split()}  # every figure


def test_an_issued_reports_word_copy_has_its_number_and_no_draft_mark(tmp_path: Path) -> None:
    from kehoach_desktop.services.documents import IssueDetails
    from kehoach_desktop.services.reports import issue_progress_report
    from kehoach_desktop.services.word_export import write_docx

    session = new_demo_workspace(tmp_path / "issued.khws")
    draft, issued = tmp_path / "du-thao.docx", tmp_path / "da-ban-hanh.docx"
    try:
        write_docx(uow_factory=session.uow_factory, kind="progress", period="2021-Q3", out=draft,
                   today=session.today())
        issue_progress_report(uow_factory=session.uow_factory, period="2021-Q3", today=session.today(),
                              details=IssueDetails(number=17, issue_date=dt.date(2021, 9, 25),
                                                   recipient="Sở Văn hóa và Thể thao"))
        write_docx(uow_factory=session.uow_factory, kind="progress", period="2021-Q3", out=issued,
                   today=session.today())
    finally:
        session.close()
    before, after = words(to_pdf(draft)), words(to_pdf(issued))
    assert "DỰ THẢO" in before and "Số: /BC-UBND" in before
    assert "DỰ THẢO" not in after
    assert "Số: 17/BC-UBND" in after and "ngày 25 tháng 9 năm 2021" in after
    assert "Kính gửi: Sở Văn hóa và Thể thao" in after


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_city(tmp_path_factory.mktemp("city"), districts=("006", "001"))
    built.city.close()
    return built.city.path


def test_the_city_report_in_word_lists_the_units_with_a_landscape_appendix(city: Path,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "tong-hop.docx"
    assert cli.main(["report", "city", "--workspace", str(city), "--period", "2021-Q1", "--out", str(out),
                     "--format", "docx"]) == 0
    pdf = to_pdf(out)
    sizes = page_sizes(pdf)
    assert all(is_a4(size) for size in sizes) and sizes[0][0] < sizes[0][1] and sizes[-1][0] > sizes[-1][1]
    got = words(pdf)
    for expected in ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "BÁO CÁO", "2/30 đơn vị đã gửi báo cáo", "Quận Đống Đa",
                     "Quận Ba Đình", "Tổng cộng (2 đơn vị đã báo cáo)", "DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO",
                     "Quận Hoàn Kiếm", "PHỤ LỤC I", "PHỤ LỤC II", "Nơi nhận:"):
        assert expected in got, expected


def test_a_reminder_letters_word_draft_is_worded_for_its_addressees_and_takes_no_number(city: Path,
                                                                                         tmp_path: Path) -> None:
    one = tmp_path / "mot.docx"
    assert cli.main(["report", "reminders", "--workspace", str(city), "--period", "2021-Q1", "--out", str(one),
                     "--unit", "002", "--date", "2021-04-12"]) == 0  # the name says Word
    header = read_docx(one).tables[0]
    summary = "V/v đôn đốc gửi báo cáo kết quả công tác tuyên truyền quý I/2021"
    assert header.cell(1, 0).text.split("\n")[-1] == summary  # under the number, as on the PDF
    pdf = to_pdf(one)
    assert all(is_a4(size) and size[0] < size[1] for size in page_sizes(pdf))
    got = words(pdf)
    for expected in ("DỰ THẢO", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: /STTTT-TTCS", "ngày 12 tháng 4 năm 2021",
                     "Kính gửi: UBND quận Hoàn Kiếm.", "Theo kế hoạch, đơn vị gửi báo cáo quý I/2021",
                     "chưa nhận được báo cáo của UBND quận Hoàn Kiếm:", "đề nghị UBND quận Hoàn Kiếm khẩn trương",
                     "Nơi nhận:", "- Như trên;", "- Lưu: VT, TTCS."):
        assert expected in got, expected
    assert "các đơn vị" not in got

    every = tmp_path / "tat-ca.docx"
    assert cli.main(["report", "reminders", "--workspace", str(city), "--period", "2021-Q1", "--out", str(every),
                     "--format", "docx"]) == 0
    pdf = to_pdf(every)
    got = words(pdf)
    late = 30 - 2  # the template's 30 units, two of which reported
    assert "Kính gửi: - UBND" in got and got.count("- UBND ") == late
    assert "Theo kế hoạch, các đơn vị gửi báo cáo" in got and "đầy đủ báo cáo của các đơn vị sau:" in got
    assert "đề nghị các đơn vị khẩn trương" in got and "- Lưu: VT, TTCS." in got
    assert "Số: /STTTT-TTCS" in got and "ngày tháng năm" in got  # not dated: written by hand when issued
    assert all(is_a4(size) for size in page_sizes(pdf))

    numbered = tmp_path / "so.docx"  # a draft is not numbered: the issued PDF is
    assert cli.main(["report", "reminders", "--workspace", str(city), "--period", "2021-Q1", "--out",
                     str(numbered), "--number", "7"]) != 0
    assert not numbered.exists()
    session = open_workspace(city)
    try:
        assert [e for e in list_register(uow_factory=session.uow_factory) if e.kind == "reminder"] == []
    finally:
        session.close()


def test_a_word_copy_is_not_signed_and_is_named_docx(demo: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.docx"
    code = cli.main(["report", "plan", "--workspace", str(demo), "--out", str(out), "--format", "docx",
                     "--sign-p12", str(tmp_path / "a.p12"), "--password-env", "NONE"])
    assert code != 0 and not out.exists()
    assert "PDF" in capsys.readouterr().err
    wrong = tmp_path / "x.pdf"  # a Word copy under a PDF's name would fool whoever opens it
    assert cli.main(["report", "plan", "--workspace", str(demo), "--out", str(wrong), "--format", "docx"]) != 0
    assert not wrong.exists() and ".docx" in capsys.readouterr().err
    assert cli.main(["report", "plan", "--workspace", str(demo), "--out", str(out)]) == 0  # the name says Word
    assert zipfile.is_zipfile(out) and "word/document.xml" in zipfile.ZipFile(out).namelist()


def _plan(preamble: str, summary: str) -> PlanDocument:
    header = DocumentHeader(superior_agency="", issuing_agency="ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA", number="05",
                            symbol="KH-UBND", place="Đống Đa", date=dt.date(2021, 1, 20), doc_type="KẾ HOẠCH",
                            summary=summary)
    signer = SignerBlock(authority="TM. ỦY BAN NHÂN DÂN", deputy="", title="CHỦ TỊCH", name="Nguyễn Văn An",
                         recipients=("Lưu: VT.",))
    return PlanDocument(header=header, legal_bases=(), preamble=preamble, sections=(), closing="", signer=signer,
                        unit_code="006", period="2021", issuer_short="UBND quận Đống Đa")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(codec="utf-8"), max_size=80), st.text(st.characters(codec="utf-8"), max_size=40))
@example("0\x1f0 a\x00b\x1bc", "x\x0cy\x85z")  # word separators become spaces, as in the PDF; the rest goes
def test_any_user_text_reaches_word_whole_but_its_control_characters(preamble: str, summary: str) -> None:
    data = plan_docx(_plan(preamble, summary))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert not CONTROL.search(xml)
    paragraphs = "\n".join(p.text for p in read_docx(io.BytesIO(data)).paragraphs)
    for line in preamble.splitlines():  # the documents' paragraphs are the text's lines, as str.splitlines says
        kept = " ".join(clean(line).split())
        assert kept in " ".join(paragraphs.split())
