"""The guide's text format: what each construct becomes, the mistakes it refuses (with file and line), search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehoach_desktop.domain.guide import (
    Figure,
    GuideError,
    ItemList,
    Note,
    Paragraph,
    Span,
    Subheading,
    Table,
    parse_chapter,
    parse_guide,
    search,
    search_key,
    word_spans,
)
from kehoach_desktop.domain.text import fold
from kehoach_desktop.services.guide import load_guide

CHAPTER = """# Kế hoạch {#plan page=plan}

Trang {page:Kế hoạch} là nơi **soạn** và *ban hành*,
xem `ke-hoach.khws` và [Ban hành](#plan-issue).

## Ban hành kế hoạch {#plan-issue page=plan,city-plan}

1. Bấm {button:Ban hành…} hoặc {menu:Tệp > Thoát}.
2. Ghi {label:Số} rồi nhấn
  {key:Ctrl+Q}.

- một
- hai

> **Lưu ý:** kế hoạch
> bị khóa.

| Phím | Việc |
|---|---|
| {key:F1} | mở |

### Nhỏ hơn

![Ban hành](issue-dialog.png)
"""


def test_every_construct_of_a_chapter_becomes_its_block() -> None:
    chapter = parse_chapter(CHAPTER, "vi/02.md")
    assert (chapter.id, chapter.title, chapter.pages) == ("plan", "Kế hoạch", ("plan",))
    intro = chapter.blocks[0]
    assert isinstance(intro, Paragraph)
    assert intro.spans == (
        Span("text", "Trang "), Span("page", "Kế hoạch"), Span("text", " là nơi "), Span("bold", "soạn"),
        Span("text", " và "), Span("italic", "ban hành"), Span("text", ", xem "), Span("code", "ke-hoach.khws"),
        Span("text", " và "), Span("link", "Ban hành", "plan-issue"), Span("text", "."))
    [section] = chapter.sections
    assert (section.id, section.pages) == ("plan-issue", ("plan", "city-plan"))
    steps, bullets, note, table, minor, figure = section.blocks
    assert isinstance(steps, ItemList) and steps.numbered
    assert steps.items[0] == (Span("text", "Bấm "), Span("button", "Ban hành…"), Span("text", " hoặc "),
                              Span("menu", "Tệp > Thoát"), Span("text", "."))
    assert steps.items[1][-2:] == (Span("key", "Ctrl+Q"), Span("text", "."))  # the item went on, indented
    assert isinstance(bullets, ItemList) and not bullets.numbered and len(bullets.items) == 2
    assert isinstance(note, Note) and note.spans[-1] == Span("text", " kế hoạch bị khóa.")
    assert isinstance(table, Table) and table.rows == (((Span("key", "F1"),), (Span("text", "mở"),)),)
    assert isinstance(minor, Subheading)
    assert figure == Figure("issue-dialog.png", (Span("text", "Ban hành"),))
    guide = parse_guide("vi", [("vi/02.md", CHAPTER)])
    assert [s.text for _f, _c, s in guide.ui_names()] == ["Kế hoạch", "Ban hành…", "Tệp > Thoát", "Số", "Ctrl+Q",
                                                          "F1"]
    assert guide.anchor_for_page("city-plan") == "plan-issue" and guide.anchor_for_page("plan") == "plan"
    assert guide.images() == [("vi/02.md", "issue-dialog.png")]


@pytest.mark.parametrize(("text", "says"), [
    ("# T {#a}\n\nBấm {nut:Lưu}.", "vi/x.md, line 3: unknown interface mark {nut:…}"),
    ("# T {#a}\n\n## Không có mã\n", "line 3: a chapter or section heading needs an id"),
    ("# T {#a}\n\nMở {menu:Tệp}.", "line 3: a menu mark names the menu and the entry"),
    ("# T {#a}\n\nBấm **Lưu.", "line 3: unclosed or misplaced markup"),
    ("# T {#a}\n\n| a | b |\n|---|---|\n| 1 |\n", "line 5: this row has 1 cells, the header 2"),
    ("# T {#a}\n\n| a | b |\n| 1 | 2 |\n", "line 3: a table's second line is |---|---|"),
    ("# T {#a}\n\n1. một\ntiếp\n", "line 4: a list item continues on lines indented by two spaces"),
    ("# T {#a}\n\nxem ![ảnh](a.png) đây\n", "line 3: a figure is ![Caption](name.png) alone on its line"),
    ("# T {#a page=}\n", ""),
    ("# T {#a kind=x}\n", "line 1: unknown heading attribute"),
    ("Chữ trước tiêu đề\n", "line 1: the chapter starts with its # heading"),
    ("# T {#a}\n# U {#b}\n", "line 2: a chapter file has one # heading"),
    ("#Thiếu dấu cách\n", "line 1: a heading is"),
])
def test_a_mistake_in_the_text_is_refused_with_its_file_and_line(text: str, says: str) -> None:
    if not says:
        assert parse_chapter(text, "vi/x.md").pages == ()
        return
    with pytest.raises(GuideError) as refused:
        parse_chapter(text, "vi/x.md")
    assert says in refused.value.message and refused.value.message.startswith("vi/x.md")


def test_ids_are_unique_and_links_land_across_the_chapters() -> None:
    with pytest.raises(GuideError, match="the id #a is used twice"):
        parse_guide("vi", [("1.md", "# A {#a}\n"), ("2.md", "# B {#b}\n\n## C {#a}\n")])
    with pytest.raises(GuideError, match="the link to #nowhere leads nowhere"):
        parse_guide("vi", [("1.md", "# A {#a}\n\nXem [đây](#nowhere).\n")])


def test_search_finds_word_beginnings_without_diacritics_and_keeps_them_when_typed() -> None:
    guide = parse_guide("vi", [("1.md", "# Sao lưu {#backups}\n\nBản sao được tạo mỗi ngày.\n\n"
                                        "## Khôi phục {#restore}\n\nBạn chọn bản sao rồi khôi phục.\n"),
                               ("2.md", "# Ban hành {#issue}\n\nBan hành kế hoạch; bản đã ban hành bị khóa.\n")])
    assert [h.anchor for h in search(guide, "ban hanh")] == ["issue"]  # "thành" does not end in "hanh" first
    assert {h.anchor for h in search(guide, "ban")} == {"backups", "restore", "issue"}
    assert {h.anchor for h in search(guide, "bản")} == {"backups", "restore", "issue"}
    assert [h.anchor for h in search(guide, "bạn")] == ["restore"]  # typed with marks: bạn is not bản
    assert [h.anchor for h in search(guide, "KHÔI PHỤC")] == ["restore"]  # the title first
    assert search(guide, "  ") == [] and search(guide, "không có") == []
    hit = search(guide, "mỗi ngày")[0]
    assert hit.title == "Sao lưu" and "mỗi ngày" in hit.snippet


@given(st.lists(st.sampled_from(["Đồng", "đa", "Kế", "hoạch", "bản", "sao", "lưu", "ủy", "hòa", "Khóa", "Ấn",
                                 "phẩm", "quý", "III/2021"]), min_size=1, max_size=12),
       st.sampled_from(["dong", "ke hoach", "ban", "hoa", "an pham", "khoa", "quy", "iii"]))
def test_the_words_found_are_where_the_text_has_them(words: list[str], query: str) -> None:
    text = " ".join(words)
    terms, exact = search_key(query)
    spans = word_spans(text, terms, exact)
    found = [text[a:b] for a, b in spans]
    assert found == [w for w in " ".join(words).replace("/", " ").split()
                     if any(fold(w).startswith(t) for t in terms)]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_bundled_guide_reads_in_both_languages(language: str) -> None:
    guide = load_guide(language)
    assert len(guide.chapters) >= 11 and all(c.sections or c.blocks for c in guide.chapters)
    assert guide.anchor_for_page("overview") == "first-steps"
