"""The user guide names the interface in its current words, without opening a window (seconds, in every run).

Every button, page, menu entry and label a chapter names ({button:…}, {page:…}, {menu:A > B}, {label:…}) must be
a message of the program: an English source string for the English guide, and for the Vietnamese guide the current
translation of the English guide's name at the same place (both guides name the same things in the same order). So
a Vietnamese name the catalog no longer gives is reported with the words the interface now uses for it. The slower
check against the real windows (which also knows buttons from labels, and keys) is the guide's tour:
``pytest --guide-tour tests/ui/test_guide.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from kehoach_desktop.domain.guide import parse_guide
from kehoach_desktop.i18n import LANGUAGES
from kehoach_desktop.services.guide import guide_dir, images_dir, load_guide
from kehoach_desktop.ui.main_window import CITY_AREAS, DISTRICT_AREAS

PICTURE_LIMIT = 80 * 1024  # one screenshot (the wheel carries them all)
PICTURES_LIMIT = 1200 * 1024  # all the screenshots of one language
TOOL = Path(__file__).resolve().parents[1] / "packaging" / "guide_names.py"


@cache
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guide_names", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass reads its annotations through the module
    spec.loader.exec_module(module)
    return module


@cache
def interface_words() -> dict[str, dict[str, set[str]]]:
    return tool().interface_words()


def test_both_guides_name_the_same_interface_in_the_same_order() -> None:
    """What lets a stale Vietnamese name be reported with its replacement (and keeps the translations whole)."""
    names = tool()
    vi, en = names.named(load_guide("vi")), names.named(load_guide("en"))
    for index, ((source, vs), (_other, es)) in enumerate(zip(vi, en, strict=False)):
        assert (vs.kind, len(names.parts(vs))) == (es.kind, len(names.parts(es))), (
            f"mark {index + 1} of the guide: resources/guide/{source} {{{vs.kind}:{vs.text}}} but the English guide "
            f"has {{{es.kind}:{es.text}}} there: the two guides must name the same things in the same order")
    assert len(vi) == len(en)
    assert len(vi) > 150  # the guide leads by the interface's own words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_name_in_the_guide_is_a_word_of_the_interface(language: str) -> None:
    names = tool()
    other = "en" if language == "vi" else "vi"
    found = names.stale_names(load_guide(language), load_guide(other), interface_words()[language])
    problems = [stale.describe(names.lines(guide_dir(language).parent, stale)) for stale in found]
    assert problems == [], ("the guide names what the interface no longer shows (python packaging/guide_names.py "
                            "--fix writes the one-word replacements):\n" + "\n".join(problems))


VI_CHAPTER = """# Gửi {#sync}

Mở trang {page:Đồng bộ}, chọn {label:Kỳ báo cáo:}, bấm {button:Xuất gói…} rồi {menu:Tệp > Đồng bộ}.

Trang {page:Đồng bộ} ghi các gói đã xuất.
"""
EN_CHAPTER = """# Send {#sync}

Open {page:Sync}, choose {label:Period:}, click {button:Export package…} then {menu:File > Sync}.

The {page:Sync} page lists the packages exported.
"""
WORDS = {"Sync": {"Gửi báo cáo"}, "File": {"Tệp"}, "Period": {"Kỳ báo cáo"}, "Export": {"Xuất"}}


def test_a_renamed_page_is_reported_with_its_place_and_fixed_a_removed_button_left_to_a_person(tmp_path: Path) -> None:
    """As after a change of the catalog: the side bar's "Sync" now reads "Gửi báo cáo"; a button is gone."""
    names = tool()
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "07-gui.md").write_text(VI_CHAPTER, encoding="utf-8")
    vietnamese = parse_guide("vi", [("vi/07-gui.md", VI_CHAPTER)])
    english = parse_guide("en", [("en/07-send.md", EN_CHAPTER)])
    found = names.stale_names(vietnamese, english, WORDS)
    assert [stale.describe(names.lines(tmp_path, stale)) for stale in found] == [
        f"{tmp_path}/vi/07-gui.md:3, 5: {{page:Đồng bộ}}: the interface now says “Gửi báo cáo” (English: “Sync”)",
        f"{tmp_path}/vi/07-gui.md:3: {{button:Xuất gói…}}: no message of the program reads so; nearest: “Xuất”",
        f"{tmp_path}/vi/07-gui.md:3: {{menu:Tệp > Đồng bộ}} “Đồng bộ”: the interface now says “Gửi báo cáo” "
        "(English: “Sync”)"]
    left = names.fix(tmp_path, found)
    assert [stale.span.text for stale in left] == ["Xuất gói…"]  # no word to put in its place: a person decides
    assert (tmp_path / "vi" / "07-gui.md").read_text(encoding="utf-8") == VI_CHAPTER.replace(
        "{page:Đồng bộ}", "{page:Gửi báo cáo}").replace("{menu:Tệp > Đồng bộ}", "{menu:Tệp > Gửi báo cáo}")
    fixed = parse_guide("vi", [("vi/07-gui.md", (tmp_path / "vi" / "07-gui.md").read_text(encoding="utf-8"))])
    assert [stale.span.text for stale in names.stale_names(fixed, english, WORDS)] == ["Xuất gói…"]
    back = {"Gửi báo cáo": {"Sync"}, "Tệp": {"File"}, "Kỳ báo cáo": {"Period"}}
    assert [stale.describe("en") for stale in names.stale_names(english, fixed, back)] == [
        "en: {button:Export package…}: no message of the program reads so"]
    back["Xuất gói…"] = {"Export data package…"}  # the Vietnamese guide's name at that place is still a message
    assert [stale.describe("en") for stale in names.stale_names(english, fixed, back)] == [
        "en: {button:Export package…}: the interface now says “Export data package…” (Vietnamese: “Xuất gói…”)"]


def test_the_tool_lists_nothing_to_fix_in_the_bundled_guide(tmp_path: Path) -> None:
    """``--fix`` on the guide as bundled changes no file: every name is the interface's word."""
    copy = tmp_path / "guide"
    shutil.copytree(guide_dir("vi").parent, copy, ignore=shutil.ignore_patterns("images"))
    names = tool()
    found = names.stale_names(load_guide("vi"), load_guide("en"), interface_words()["vi"])
    assert names.fix(copy, found) == []
    assert all((copy / "vi" / path.name).read_bytes() == path.read_bytes() for path in guide_dir("vi").glob("*.md"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_is_bundled_shown_and_small(language: str) -> None:
    shown = {image for _source, image in load_guide(language).images()}
    folder = images_dir(language)
    bundled = {path.name for path in folder.glob("*.png")}
    assert shown - bundled == set(), "run packaging/guide_images.py and commit the pictures"
    assert bundled - shown == set(), "a picture the guide does not show would only weigh down the wheel"
    sizes = {path.name: path.stat().st_size for path in folder.glob("*.png")}
    assert {name: size for name, size in sizes.items() if size > PICTURE_LIMIT} == {}
    assert sum(sizes.values()) < PICTURES_LIMIT


def test_both_languages_hold_the_same_chapters_sections_and_pictures() -> None:
    vi, en = load_guide("vi"), load_guide("en")

    def outline(guide):  # type: ignore[no-untyped-def]
        return [(c.id, c.pages, [(s.id, s.pages) for s in c.sections]) for c in guide.chapters]

    assert outline(vi) == outline(en)
    assert [image for _s, image in vi.images()] == [image for _s, image in en.images()]
    assert len(vi.chapters) >= 11


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_window_has_its_place_in_the_guide(language: str) -> None:
    guide = load_guide(language)
    keys = [area.key for area in DISTRICT_AREAS] + [f"city-{area.key}" for area in CITY_AREAS]
    assert {key: guide.anchor_for_page(key) for key in keys if guide.anchor_for_page(key) is None} == {}
    assert guide.anchor_for_page("plan") == "plan"
    assert guide.anchor_for_page("city-board") == "city-board"


def test_the_pictures_are_screenshots_of_the_right_language() -> None:
    """The tour takes the Vietnamese pictures in Vietnamese: they differ from the English ones."""
    for name in ("first-steps.png", "plan-page.png", "sync-page.png"):
        assert (images_dir("vi") / name).read_bytes() != (images_dir("en") / name).read_bytes()
    assert Path(images_dir("vi")).parent.name == "vi"
