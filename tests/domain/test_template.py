"""The built-in 2021 Hanoi template, and the strict loader's errors on broken templates."""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from kehoach_desktop import i18n, resources
from kehoach_desktop.domain.enums import SectionKind
from kehoach_desktop.domain.errors import TemplateError
from kehoach_desktop.domain.template import Template, load_template, parse_template, template_to_json

REPO_ROOT = Path(__file__).parents[2]
BUILTIN = REPO_ROOT / "resources" / "templates" / "hanoi-2021.json"

# The 30 rows of the reference list hanoi-units-2021.csv (code, kind, name), in its order.
EXPECTED_UNITS = [
    ("001", "quận", "Ba Đình"),
    ("002", "quận", "Hoàn Kiếm"),
    ("003", "quận", "Tây Hồ"),
    ("004", "quận", "Long Biên"),
    ("005", "quận", "Cầu Giấy"),
    ("006", "quận", "Đống Đa"),
    ("007", "quận", "Hai Bà Trưng"),
    ("008", "quận", "Hoàng Mai"),
    ("009", "quận", "Thanh Xuân"),
    ("016", "huyện", "Sóc Sơn"),
    ("017", "huyện", "Đông Anh"),
    ("018", "huyện", "Gia Lâm"),
    ("019", "quận", "Nam Từ Liêm"),
    ("020", "huyện", "Thanh Trì"),
    ("021", "quận", "Bắc Từ Liêm"),
    ("250", "huyện", "Mê Linh"),
    ("268", "quận", "Hà Đông"),
    ("269", "thị xã", "Sơn Tây"),
    ("271", "huyện", "Ba Vì"),
    ("272", "huyện", "Phúc Thọ"),
    ("273", "huyện", "Đan Phượng"),
    ("274", "huyện", "Hoài Đức"),
    ("275", "huyện", "Quốc Oai"),
    ("276", "huyện", "Thạch Thất"),
    ("277", "huyện", "Chương Mỹ"),
    ("278", "huyện", "Thanh Oai"),
    ("279", "huyện", "Thường Tín"),
    ("280", "huyện", "Phú Xuyên"),
    ("281", "huyện", "Ứng Hòa"),
    ("282", "huyện", "Mỹ Đức"),
]

EXPECTED_KEYS = [
    "I",
    "II", "II.1", "II.1.1", "II.1.2", "II.1.3", "II.1.4",
    "II.2", "II.2.1", "II.2.2", "II.2.3", "II.2.4", "II.2.5",
    "III", "III.1", "III.2", "III.3", "III.4", "III.5", "III.6", "III.7", "III.8",
]

# How many paragraphs the source gives each section.
EXPECTED_PARAGRAPH_COUNTS = {
    "I": 3, "II": 0, "II.1": 0, "II.1.1": 3, "II.1.2": 6, "II.1.3": 3, "II.1.4": 4,
    "II.2": 0, "II.2.1": 0, "II.2.2": 2, "II.2.3": 2, "II.2.4": 2, "II.2.5": 2,
    "III": 0, "III.1": 8, "III.2": 2, "III.3": 1, "III.4": 2, "III.5": 1, "III.6": 1, "III.7": 2,
    "III.8": 2,
}

# Full sentences of the source, as the template must hold them (section key, text).
SOURCE_SENTENCES = [
    ("I", "Công tác tuyên truyền cần triển khai tích cực với nhiều hình thức linh hoạt, sáng tạo; bám sát "
          "chỉ đạo của Thành ủy, HĐND, UBND Thành phố, công tác tổ chức thực hiện của các cấp, các ngành, "
          "địa phương. Tăng cường, khuyến khích xã hội hóa các hoạt động truyền thông."),
    ("II.1.2", "Tuyên truyền, quảng bá Thủ đô Hà Nội hướng tới hình ảnh Thành phố sáng tạo, hòa bình, tập "
               "trung vào các giá trị văn hóa, sáng tạo, gắn với việc giữ gìn và phát huy những tiềm năng, "
               "giá trị lớn của làng truyền thống."),
    # Wrapped across two lines in the source ("biến\n\nđổi khí hậu"): joined with one space.
    ("II.1.3", "Công tác xây dựng và quản lý quy hoạch, phát triển đô thị, khai thác tài nguyên, bảo vệ môi "
               "trường và phòng chống thiên tai, ứng phó hiệu quả với biến đổi khí hậu; Chương trình phát "
               "triển đô thị đến năm 2030, định hướng đến năm 2050, Chương trình phát triển nhà ở giai đoạn "
               "đến năm 2025 và định hướng đến năm 2045, Kế hoạch phát triển nhà ở giai đoạn 2021 - 2025; "
               "các cơ chế, chính sách bảo tồn, tôn tạo, phát huy giá trị di sản đô thị; cải tạo, xây dựng "
               "lại các khu nhà ở chung cư cũ; công tác kiểm tra, giám sát trong quá trình xây dựng và giải "
               "quyết dứt điểm các tồn tại về vi phạm trật tự xây dựng; các giải pháp giảm thiểu ùn tắc, "
               "đảm bảo an toàn giao thông; phát triển hệ thống vận tải hành khách công cộng khối lượng "
               "lớn; tiến độ xây dựng hạ tầng giao thông..."),
    # Cut off in the source, kept as is (no final full stop).
    ("II.1.4", "Công tác đảm bảo an sinh xã hội, nâng cao chất lượng đời sống nhân dân Thủ đô. Chính sách "
               "ưu đãi người có công với cách mạng, các chính sách trợ giúp xã hội; các chương trình mục "
               "tiêu về giảm nghèo bền vững, xây dựng chuẩn nghèo mới của Thành phố giai đoạn 2021 - 2025; "
               "chính sách dân tộc và tôn giáo; công tác bình đẳng giới và phòng, chống tệ nạn xã hội; công "
               "tác phòng, chống dịch COVID-19; các hoạt động, mô hình, đề án về chăm sóc sức khỏe"),
    ("II.2.2", "Tổ chức tuyên truyền thông qua các bảng tin công cộng bao gồm cả bảng tin điện tử."),
    # The source's spelling "cắm nang" is kept.
    ("II.2.3", "Phát hành cắm nang, tờ rời, pa-nô, áp-phích, tranh cổ động, màn hình điện tử led, màn hình "
               "frame tại các trung tâm thương mại, tòa nhà cao tầng... tuyên truyền về các nhiệm vụ phát "
               "triển kinh tế - xã hội năm 2021."),
    ("II.2.5", "Tổ chức tập huấn, cung cấp thông tin cho phóng viên, biên tập viên các cơ quan thông tấn báo "
               "chí và đội ngũ cán bộ làm công tác thông tin cơ sở của các địa phương về các nhiệm vụ phát "
               "triển kinh tế - xã hội năm 2021."),
    ("III.1", "Sản xuất đĩa CD, các file âm thanh tuyên truyền về các nhiệm vụ phát triển kinh tế - xã hội "
              "năm 2021."),
    ("III.4", "Tổ chức tuyên truyền về các nhiệm vụ phát triển kinh tế - xã hội năm 2021 thông qua các hình "
              "thức như cắm nang, tờ rời, pa-nô, áp-phích, tranh cổ động, màn hình điện tử led,..."),
    # Wrapped across two lines in the source ("vấn đề\n\nbức xúc"): joined with one space.
    ("III.6", "Hướng dẫn, chỉ đạo, định hướng tuyên truyền trong hệ thống Tuyên giáo; trên các phương tiện "
              "thông tin đại chúng của Thành phố; đăng tin bài trên bản tin “Thông tin nội bộ”; cung cấp "
              "thông tin, tài liệu và tổ chức hội nghị giao ban thông tin báo chí Thành ủy; tiếp tục chỉ "
              "đạo các đơn vị thực hiện tốt Quyết định số 221-QĐ/TW ngày 27/4/2009 của Ban Bí thư Trung "
              "ương về Quy chế phối hợp giữa Ban Tuyên giáo các cấp với các cơ quan quản lý Nhà nước cùng "
              "cấp trong việc triển khai kế hoạch phát triển kinh tế - xã hội, giải quyết các vấn đề bức "
              "xúc của nhân dân. Tham mưu tổ chức Giải báo chí của Thành ủy về xây dựng Đảng và hệ thống "
              "chính trị của Thành phố; về phát triển văn hóa và xây dựng người Hà Nội thanh lịch, văn "
              "minh."),
    ("III.8", "Tổ chức cung cấp thông tin báo chí theo quy định. Quan tâm củng cố, kiện toàn đội ngũ cán bộ "
              "làm công tác truyền thông của cơ quan, đơn vị đáp ứng yêu cầu nhiệm vụ công tác."),
]

EXPECTED_RESPONSIBLE = {
    "III.1": ("Sở Thông tin và Truyền thông", "STTTT"),
    "III.2": ("Văn phòng UBND Thành phố", "VP-UBND"),
    "III.3": ("Sở Ngoại vụ", "SNGV"),
    "III.4": ("Sở Văn hóa và Thể thao", "SVHTT"),
    "III.5": ("Sở Tài chính", "STC"),
    "III.6": ("Đề nghị Ban Tuyên giáo Thành ủy", "BTG-TU"),
    "III.7": ("Các cơ quan báo chí Trung ương và Hà Nội", "BAO-CHI"),
    "III.8": ("Các Sở, Ban, ngành, UBND các quận, huyện, thị xã", "SBN-QH"),
}


@pytest.fixture(autouse=True)
def english_messages():
    """Error messages in their English source form, whatever language another test activated."""
    previous = i18n.current_language()
    i18n.setup("en")
    yield
    i18n.setup(previous)


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(resources.template_path("hanoi-2021.json"))


@pytest.fixture
def document() -> dict[str, Any]:
    return json.loads(BUILTIN.read_text(encoding="utf-8"))


# --- the built-in template ---------------------------------------------------------------------


def test_builtin_template_is_found_by_the_resources_module():
    assert resources.template_path("hanoi-2021.json").resolve() == BUILTIN.resolve()


def test_builtin_template_header(template: Template):
    assert template.code == "hanoi-2021"
    assert template.year == 2021
    assert template.document_type == "KẾ HOẠCH"
    assert template.summary == ("Tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội của thành phố "
                                "Hà Nội năm 2021")
    assert template.issuing_agency.code == "UBND-HN"
    assert template.issuing_agency.name == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert template.receiving_agency.code == "STTTT"
    assert template.receiving_agency.name == "Sở Thông tin và Truyền thông"
    assert template.superior_agency == ""
    assert template.unit_term == "quận, huyện, thị xã"
    assert template.source.startswith("Kế hoạch tuyên truyền các nhiệm vụ phát triển kinh tế - xã hội")
    assert template.notes, "the notes must explain what was inferred"


def test_builtin_template_has_the_30_districts_of_2021(template: Template):
    rows = [(u.code, u.kind, u.name) for u in template.reporting_units]
    assert rows == EXPECTED_UNITS


def test_reporting_units_match_the_reference_csv_when_the_repo_ships_it(template: Template):
    csv_path = REPO_ROOT / "resources" / "reference" / "hanoi-units-2021.csv"
    if not csv_path.exists():
        pytest.skip("resources/reference/hanoi-units-2021.csv is not in the repository")
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,kind,name"
    rows = [tuple(line.split(",")) for line in lines[1:] if line.strip()]
    assert rows == EXPECTED_UNITS
    assert [(u.code, u.kind, u.name) for u in template.reporting_units] == rows


def test_find_units_ignores_diacritics(template: Template):
    assert [u.code for u in template.find_units("dong da")] == ["006"]
    assert [u.code for u in template.find_units("son tay")] == ["269"]
    assert template.unit("269").display_name == "Thị xã Sơn Tây"


def test_section_keys_are_exactly_the_plan_structure(template: Template):
    assert [s.key for s in template.all_sections()] == EXPECTED_KEYS


def test_section_kinds(template: Template):
    kinds = {s.key: s.kind for s in template.all_sections()}
    assert kinds["I"] is SectionKind.PURPOSES
    assert kinds["II"] is SectionKind.CONTENT
    assert kinds["II.1"] is SectionKind.THEME_GROUP
    assert kinds["II.2"] is SectionKind.FORM_GROUP
    assert kinds["III"] is SectionKind.ORGANISATION
    assert all(kinds[f"II.1.{i}"] is SectionKind.THEME for i in range(1, 5))
    assert all(kinds[f"II.2.{i}"] is SectionKind.FORM for i in range(1, 6))
    assert all(kinds[f"III.{i}"] is SectionKind.RESPONSIBILITY for i in range(1, 9))


def test_only_the_missing_headings_are_inferred(template: Template):
    inferred = [s.key for s in template.all_sections() if s.inferred]
    assert inferred == ["II.2", "II.2.1", "II.2.2"]


def test_city_wording_is_locked_and_forms_are_not(template: Template):
    locked = {s.key for s in template.all_sections() if s.locked}
    expected = {"I", "II.1.1", "II.1.2", "II.1.3", "II.1.4"} | {f"III.{i}" for i in range(1, 9)}
    assert locked == expected


def test_each_section_holds_the_paragraphs_of_the_source(template: Template):
    counts = {s.key: len(s.paragraphs) for s in template.all_sections()}
    assert counts == EXPECTED_PARAGRAPH_COUNTS


def test_paragraph_styles_follow_the_source(template: Template):
    plain = {"II.2.3", "III.8"}  # written without a leading dash in the source
    for section in template.all_sections():
        expected = "paragraph" if section.key in plain else "bullet"
        for paragraph in section.paragraphs:
            assert paragraph.style == expected, section.key
            assert not paragraph.text.startswith("-"), section.key


@pytest.mark.parametrize(("key", "sentence"), SOURCE_SENTENCES,
                         ids=[f"{key}-{i}" for i, (key, _) in enumerate(SOURCE_SENTENCES)])
def test_source_sentences_appear_verbatim(template: Template, key: str, sentence: str):
    assert sentence in [p.text for p in template.section(key).paragraphs]


def test_the_two_grassroots_bullets_moved_to_the_inferred_form_2_2(template: Template):
    theme = [p.text for p in template.section("II.1.4").paragraphs]
    form = [p.text for p in template.section("II.2.2").paragraphs]
    assert theme[-1].endswith("các hoạt động, mô hình, đề án về chăm sóc sức khỏe")
    assert form[0].startswith("Chỉ đạo, định hướng tuyên truyền trên hệ thống thông tin cơ sở")
    assert not any(t.startswith("Chỉ đạo, định hướng") for t in theme)
    assert template.section("II.2.1").paragraphs == ()


def test_no_text_keeps_a_line_break_or_a_decomposed_letter(template: Template):
    texts = [p.text for s in template.all_sections() for p in s.paragraphs]
    texts += [s.title for s in template.all_sections()]
    texts += [p.text for p in template.preamble + template.closing] + list(template.recipients)
    for text in texts:
        assert "\n" not in text and "  " not in text, text
        assert unicodedata.normalize("NFC", text) == text, text
    assert "biến đổi khí hậu" in template.section("II.1.3").text
    assert "các vấn đề bức xúc của nhân dân" in template.section("III.6").text


def test_section_titles_and_numbers(template: Template):
    assert template.section("I").title == "MỤC ĐÍCH, YÊU CẦU"
    assert template.section("II.1.4").number == "1.4."
    assert template.section("II.1.4").title == ("Phát triển văn hóa - xã hội; đảm bảo an sinh xã hội, "
                                                "nâng cao chất lượng giáo dục, y tế")
    assert template.section("II.2.3").number == "2.3."
    assert template.section("II.2.3").title == ("Tuyên truyền cổ động trực quan; các hoạt động văn hóa, "
                                                "văn nghệ, thể thao chào mừng")
    assert template.section("II.2.1").title == "Tuyên truyền trên báo chí"


def test_responsibilities_name_their_city_unit(template: Template):
    city_codes = {a.code for a in template.city_units}
    for key, (title, code) in EXPECTED_RESPONSIBLE.items():
        section = template.section(key)
        assert (section.number, section.title, section.responsible_unit) == (f"{key[4:]}.", title, code)
        assert code in city_codes
    others = [s.key for s in template.all_sections() if s.responsible_unit and s.key not in EXPECTED_RESPONSIBLE]
    assert others == []


def test_preamble_closing_and_recipients(template: Template):
    assert len(template.preamble) == 1
    assert template.preamble[0].text.startswith("Năm 2021 là năm đầu triển khai Nghị quyết Đại hội")
    assert template.preamble[0].text.endswith("cụ thể như sau:")
    assert len(template.closing) == 1
    assert template.closing[0].text.startswith("Trên đây là Kế hoạch tuyên truyền")
    assert template.closing[0].text.endswith("theo quy định./.")
    assert len(template.recipients) == 15
    assert template.recipients[0] == "Chính phủ;"
    assert template.recipients[11] == "VPUB: CVP, PCVP L.T.Lực, KGVX, TKBT, TH;"
    assert template.recipients[-1] == "Lưu: VT, KGVXHg."


def test_reporting_periods(template: Template):
    periods = [(p.period, p.deadline) for p in template.reporting_periods]
    assert periods == [
        ("2021-Q1", dt.date(2021, 3, 25)),
        ("2021-H1", dt.date(2021, 6, 25)),
        ("2021-Q3", dt.date(2021, 9, 25)),
        ("2021", dt.date(2021, 12, 15)),
    ]


def test_json_round_trip_is_exact(document: dict[str, Any]):
    assert template_to_json(parse_template(document)) == document


# --- broken templates --------------------------------------------------------------------------


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _load_error(tmp_path: Path, document: Any) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load_template(_write(tmp_path, document))
    return caught.value


def test_not_json_names_line_and_column(tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "kehoach-template",\n  "year": 2021,,\n}\n', encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    message = caught.value.message
    assert "not valid JSON" in message
    assert "line 3" in message and "column 16" in message
    assert "broken.json" in message


def test_wrong_format(tmp_path: Path, document: dict[str, Any]):
    document["format"] = "something-else"
    error = _load_error(tmp_path, document)
    assert "is not a Kế hoạch Desktop template" in error.message


def test_newer_format_version(tmp_path: Path, document: dict[str, Any]):
    document["format_version"] = 99
    error = _load_error(tmp_path, document)
    assert "version 99" in error.message
    assert "Update the application" in error.message


def _one_problem(tmp_path: Path, document: dict[str, Any]) -> str:
    error = _load_error(tmp_path, document)
    assert "1 problem(s)" in error.message
    assert len(error.details) == 1, error.details
    return error.details[0]


def test_duplicate_section_key(tmp_path: Path, document: dict[str, Any]):
    document["sections"][1]["children"][0]["children"][1]["key"] = "II.1.1"
    detail = _one_problem(tmp_path, document)
    assert detail.startswith("$.sections[1].children[0].children[1].key:")
    assert "II.1.1" in detail and "twice" in detail


def test_duplicate_unit_code(tmp_path: Path, document: dict[str, Any]):
    document["reporting_units"][5]["code"] = "001"
    detail = _one_problem(tmp_path, document)
    assert detail.startswith("$.reporting_units[5].code:")
    assert "001" in detail and "twice" in detail


def test_unknown_section_kind(tmp_path: Path, document: dict[str, Any]):
    document["sections"][0]["kind"] = "goals"
    detail = _one_problem(tmp_path, document)
    assert detail.startswith("$.sections[0].kind:")
    assert "'goals'" in detail


def test_bad_period(tmp_path: Path, document: dict[str, Any]):
    document["reporting_periods"][0]["period"] = "2021-Q5"
    detail = _one_problem(tmp_path, document)
    assert detail.startswith("$.reporting_periods[0].period:")
    assert "2021-Q5" in detail


def test_responsible_unit_not_in_city_units(tmp_path: Path, document: dict[str, Any]):
    document["sections"][2]["children"][0]["responsible_unit"] = "SKHDT"
    detail = _one_problem(tmp_path, document)
    # The loader names the section by its key rather than by its JSON path.
    assert detail.startswith("section III.1:")
    assert "SKHDT" in detail and "city_units" in detail


def test_missing_summary(tmp_path: Path, document: dict[str, Any]):
    del document["summary"]
    detail = _one_problem(tmp_path, document)
    assert detail.startswith("$.summary:")
    assert "non-empty text" in detail


def test_every_problem_is_reported_at_once(tmp_path: Path, document: dict[str, Any]):
    broken = copy.deepcopy(document)
    broken["summary"] = "  "
    broken["reporting_periods"][1]["period"] = "2021-Q5"
    broken["sections"][0]["kind"] = "goals"
    error = _load_error(tmp_path, broken)
    assert "3 problem(s)" in error.message
    assert {d.split(":", 1)[0] for d in error.details} == {
        "$.summary", "$.reporting_periods[1].period", "$.sections[0].kind"}
    assert "$.summary" in str(error)
