"""The user guide names the interface in its current words, without opening a window (seconds, in every run).

Every button, page, menu entry and label a chapter names ({button:…}, {page:…}, {menu:A > B}, {label:…}) must be
a message of the program: an English source string for the English guide, and for the Vietnamese guide the current
translation of the English guide's name at the same place (both guides name the same things in the same order). So
a Vietnamese name the catalog no longer gives is reported with the words the interface now uses for it. The slower
check against the real windows (which also knows buttons from labels, and keys) is the guide's tour:
``pytest --guide-tour tests/ui/test_guide.py``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

import pytest

from kehoach_desktop.domain.guide import MENU_SEPARATOR, Guide, Span, UiKind, parse_guide
from kehoach_desktop.i18n import LANGUAGES
from kehoach_desktop.services.guide import guide_dir, images_dir, load_guide
from kehoach_desktop.ui.main_window import CITY_AREAS, DISTRICT_AREAS
from tests.test_i18n_catalogs import load_tool
from tests.ui.guide_tour import plain

PICTURE_LIMIT = 80 * 1024  # one screenshot (the wheel carries them all)
PICTURES_LIMIT = 1200 * 1024  # all the screenshots of one language
REPO = Path(__file__).resolve().parents[1]


def _key(text: str) -> str:
    """How a name is compared: as the guide writes it (no mnemonic, single spaces), a trailing colon optional."""
    return plain(text).rstrip(":").strip()


@cache
def interface_words() -> dict[str, dict[str, set[str]]]:
    """For each language, each English message of the program (as a key) → the words the interface shows for it."""
    tool = load_tool()
    template, catalog = tool.extract(), tool.read_catalog("vi")
    words: dict[str, dict[str, set[str]]] = {"en": {}, "vi": {}}
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        translated = catalog.get(message.id, context=message.context)
        strings = ((translated.string if isinstance(translated.string, tuple | list) else (translated.string,))
                   if translated is not None else ())
        for index, english in enumerate(ids):
            words["en"].setdefault(_key(english), set()).add(_key(english))
            for vietnamese in strings[index:index + 1] or strings[-1:]:
                if vietnamese:
                    words["vi"].setdefault(_key(english), set()).add(_key(vietnamese))
    return words


def _parts(span: Span) -> list[str]:
    return [_key(part) for part in span.text.split(MENU_SEPARATOR)] if span.kind == UiKind.MENU else [_key(span.text)]


def _lines(source: str, span: Span) -> str:
    """Where ``span`` is written: ``resources/guide/vi/02-ke-hoach.md:11, 80``."""
    path = guide_dir(source.split("/")[0]) / source.split("/")[-1]
    mark = re.compile(r"\{" + span.kind + r":\s*" + re.escape(span.text) + r"\s*\}")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    numbers = [str(n) for n, line in enumerate(text.splitlines(), 1) if mark.search(line)]
    return f"resources/guide/{source}:{', '.join(numbers) or '?'}"


def _named(guide: Guide) -> list[tuple[str, Span]]:
    return [(source, span) for source, _chapter, span in guide.ui_names() if span.kind != UiKind.KEY]


def stale_names(guide: Guide, english: Guide, words: dict[str, set[str]]) -> list[str]:
    """Each name of ``guide`` that is not the interface's word for the English guide's name at the same place.

    ``words``: each English message (as compared) → the words the interface shows for it in ``guide``'s language.
    """
    shown = set().union(*words.values())
    problems: list[str] = []
    for (source, span), (_en_source, en_span) in zip(_named(guide), _named(english), strict=True):
        for part, en_part in zip(_parts(span), _parts(en_span), strict=True):
            now = sorted(words.get(en_part, ()))
            if part in now or (not now and part in shown):  # the translation of the English name, or a word shown
                continue
            if guide.language != "en" and now:
                hint = f"the interface now says “{' / '.join(now)}” (English: “{en_part}”)"
            else:
                near = difflib.get_close_matches(part, shown, n=3, cutoff=0.6)
                hint = "no message of the program reads so" + (f"; nearest: “{'” / “'.join(near)}”" if near else "")
            which = f" “{part}”" if span.kind == UiKind.MENU else ""
            problem = f"{_lines(source, span)}: {{{span.kind}:{span.text}}}{which}: {hint}"
            if problem not in problems:
                problems.append(problem)
    return problems


def test_both_guides_name_the_same_interface_in_the_same_order() -> None:
    """What lets a stale Vietnamese name be reported with its replacement (and keeps the translations whole)."""
    vi, en = _named(load_guide("vi")), _named(load_guide("en"))
    for index, ((source, vs), (_other, es)) in enumerate(zip(vi, en, strict=False)):
        assert (vs.kind, len(_parts(vs))) == (es.kind, len(_parts(es))), (
            f"mark {index + 1} of the guide: {_lines(source, vs)} {{{vs.kind}:{vs.text}}} but the English guide "
            f"has {{{es.kind}:{es.text}}} there: the two guides must name the same things in the same order")
    assert len(vi) == len(en)
    assert len(vi) > 150  # the guide leads by the interface's own words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_name_in_the_guide_is_a_word_of_the_interface(language: str) -> None:
    problems = stale_names(load_guide(language), load_guide("en"), interface_words()[language])
    assert problems == [], "the guide names what the interface no longer shows:\n" + "\n".join(problems)


def test_a_renamed_page_or_button_is_reported_with_its_place_and_its_new_words() -> None:
    """As after a change of the catalog: the side bar's "Sync" now reads "Gửi báo cáo", a button is gone."""
    vietnamese = parse_guide("vi", [("vi/07-gui.md", "# Gửi {#sync}\n\nMở trang {page:Đồng bộ}, bấm {button:Xuất gói…}"
                                                      " rồi {menu:Tệp > Thoát}.\n")])
    english = parse_guide("en", [("en/07-send.md", "# Send {#sync}\n\nOpen {page:Sync}, click {button:Export package…}"
                                                   " then {menu:File > Quit}.\n")])
    words = {"Sync": {"Gửi báo cáo"}, "File": {"Tệp"}, "Quit": {"Thoát"}, "Export": {"Xuất"}}
    assert stale_names(vietnamese, english, words) == [
        "resources/guide/vi/07-gui.md:?: {page:Đồng bộ}: the interface now says “Gửi báo cáo” (English: “Sync”)",
        "resources/guide/vi/07-gui.md:?: {button:Xuất gói…}: no message of the program reads so; nearest: “Xuất”"]
    assert stale_names(english, english, {"Sync": {"Sync"}, "File": {"File"}, "Quit": {"Quit"}}) == [
        "resources/guide/en/07-send.md:?: {button:Export package…}: no message of the program reads so"]
    assert stale_names(vietnamese, english, {**words, "Export package…": {"Xuất gói…"}}) == [
        "resources/guide/vi/07-gui.md:?: {page:Đồng bộ}: the interface now says “Gửi báo cáo” (English: “Sync”)"]


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
