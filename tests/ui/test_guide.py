"""The user guide against the application: every button, page, menu entry, label and key it names is shown by
the real windows in that language, every picture it shows is made by the tour, and both languages hold the
same chapters. The tour (tests/ui/guide_tour.py) drives the windows as packaging/guide_images.py does, without
taking pictures."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kehoach_desktop.domain.guide import UiKind
from kehoach_desktop.i18n import LANGUAGES
from kehoach_desktop.services.guide import images_dir, load_guide
from kehoach_desktop.ui.main_window import CITY_AREAS, DISTRICT_AREAS
from tests.ui.guide_tour import Tour, build_workspaces, run_tour

pytestmark = pytest.mark.gui

PICTURE_LIMIT = 80 * 1024  # one screenshot (the wheel carries them all)
PICTURES_LIMIT = 1200 * 1024  # all the screenshots of one language


@pytest.fixture(scope="module")
def tours(qapp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tour]:  # type: ignore[no-untyped-def]
    prebuilt = build_workspaces(tmp_path_factory.mktemp("guide-workspaces"))
    return {language: run_tour(language, tmp_path_factory.mktemp(f"tour-{language}"), prebuilt=prebuilt)
            for language in LANGUAGES}


def _shown(tour: Tour, kind: str) -> set[str]:
    texts = tour.texts
    return {UiKind.PAGE: texts.pages, UiKind.MENU: texts.menus, UiKind.BUTTON: texts.buttons,
            UiKind.KEY: texts.keys}.get(kind, texts.labels | texts.buttons)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_names_only_what_the_windows_show(tours: dict[str, Tour], language: str) -> None:
    tour = tours[language]
    guide = load_guide(language)
    missing = []
    for source, _chapter, span in guide.ui_names():
        if not tour.texts.knows(span.kind, span.text):
            near = difflib.get_close_matches(span.text, _shown(tour, span.kind), n=2, cutoff=0.6)
            missing.append(f"{source}: {{{span.kind}:{span.text}}} is not on screen"
                           + (f" (the windows show: {' / '.join(near)})" if near else ""))
    assert missing == []
    assert len(guide.ui_names()) > 150  # the guide leads by the interface's own words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_is_made_by_the_tour_bundled_and_small(tours: dict[str, Tour], language: str) -> None:
    shown = {image for _source, image in load_guide(language).images()}
    made = {f"{name}.png" for name in tours[language].shots}
    folder = images_dir(language)
    bundled = {path.name for path in folder.glob("*.png")}
    assert shown - made == set(), "the tour (packaging/guide_images.py) makes no such picture"
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
