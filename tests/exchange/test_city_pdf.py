"""The reminder letter (công văn đôn đốc) is laid out as a công văn: where each part lands on page 1."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kehoach_desktop.exchange.pdf.city_pdf import ReminderDocument, render_reminder
from kehoach_desktop.exchange.pdf.model import DocumentHeader, SignerBlock
from tests.exchange.pdf_readers import needs_readers, page_sizes, run

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')


def _letter(addressees: tuple[str, ...]) -> ReminderDocument:
    header = DocumentHeader(
        superior_agency="ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", issuing_agency="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        number="", symbol="STTTT-TTCS", place="Hà Nội", date=dt.date(2021, 9, 20), doc_type="",
        summary="V/v đôn đốc gửi báo cáo kết quả công tác tuyên truyền quý III năm 2021")
    signer = SignerBlock(authority="", deputy="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn An",
                         recipients=("Như trên;", "Lưu: VT, STTTT."))
    return ReminderDocument(header=header, addressees=addressees, body=("Các đơn vị sau chưa gửi báo cáo:",),
                            missing=tuple((a, "Báo cáo quý III") for a in addressees),
                            closing="Đề nghị các đơn vị khẩn trương gửi báo cáo./.", signer=signer,
                            period="2021-Q3", unit_code="STTTT")


def _words(tmp_path: Path, document: ReminderDocument) -> list[tuple[float, float, str]]:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_reminder(document).data)
    html = run("pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-").stdout
    return [(float(x), float(y), w) for x, y, w in _WORD.findall(html)]


def _first(words: list[tuple[float, float, str]], text: str) -> tuple[float, float, str]:
    return next(w for w in words if w[2] == text)


@needs_readers
def test_the_summary_line_sits_under_the_number_on_the_left(tmp_path: Path) -> None:
    words = _words(tmp_path, _letter(("UBND quận Ba Đình",)))
    number, summary, dear = _first(words, "Số:"), _first(words, "V/v"), _first(words, "Kính")
    assert number[1] < summary[1] < dear[1]  # under the number, above "Kính gửi"
    assert summary[0] < 595 / 3  # in the left column, not centred on the page
    assert not any(w[2] == "CÔNG" for w in words)  # a công văn prints no type line


@needs_readers
def test_one_addressee_on_the_kinh_gui_line(tmp_path: Path) -> None:
    words = _words(tmp_path, _letter(("UBND quận Ba Đình",)))
    dear = _first(words, "Kính")
    assert [w[2] for w in words if abs(w[1] - dear[1]) < 1] == ["Kính", "gửi:", "UBND", "quận", "Ba", "Đình."]


@needs_readers
def test_several_addressees_are_a_list_under_kinh_gui(tmp_path: Path) -> None:
    names = ("UBND quận Ba Đình", "UBND quận Hoàn Kiếm", "UBND huyện Ba Vì")
    words = _words(tmp_path, _letter(names))
    dear = _first(words, "Kính")
    assert [w[2] for w in words if abs(w[1] - dear[1]) < 1] == ["Kính", "gửi:"]
    dashes = [w for w in words if w[2] == "-" and w[1] > dear[1]][:3]
    assert len(dashes) == 3 and all(d[0] > dear[0] for d in dashes)  # indented under "Kính gửi:"
    assert dashes[0][1] < dashes[1][1] < dashes[2][1]
    lines = [" ".join(w[2] for w in words if abs(w[1] - d[1]) < 1) for d in dashes]
    assert lines == [f"- {name};" for name in names]


@needs_readers
@pytest.mark.parametrize("count", [1, 3])
def test_a_short_reminder_fits_on_one_page(tmp_path: Path, count: int) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_reminder(_letter(tuple(f"UBND quận {i}" for i in range(count)))).data)
    assert len(page_sizes(pdf)) == 1
