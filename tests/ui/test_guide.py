"""The user guide against the real windows (the guide's tour; opt-in: ``pytest --guide-tour tests/ui/test_guide.py``).

Every button, page, menu entry, label and key the guide names is shown by the windows in that language, as that
kind of thing (a button as a button), and every picture it shows is one the tour makes. The tour
(tests/ui/guide_tour.py) drives the windows as packaging/guide_images.py does, without taking pictures. It takes
about 15 s of processor time, which on a shared machine became 81 s (measured and printed by the fixture
below), so the default run leaves it out; the check of the names against the program's
messages and of the pictures runs every time (tests/test_guide_names.py).
"""

from __future__ import annotations

import time

import pytest

from kehoach_desktop.i18n import LANGUAGES
from kehoach_desktop.services.guide import load_guide
from tests.ui.guide_tour import Tour, build_workspaces, names_not_shown, run_tour

pytestmark = [pytest.mark.gui, pytest.mark.guide_tour]


@pytest.fixture(scope="module")
def tours(qapp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tour]:  # type: ignore[no-untyped-def]
    started, cpu = time.perf_counter(), time.process_time()
    prebuilt = build_workspaces(tmp_path_factory.mktemp("guide-workspaces"))
    tours = {language: run_tour(language, tmp_path_factory.mktemp(f"tour-{language}"), prebuilt=prebuilt)
             for language in LANGUAGES}
    print(f"\nthe guide's tour, both languages: {time.perf_counter() - started:.1f} s "
          f"({time.process_time() - cpu:.1f} s of processor time)")
    return tours


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_names_only_what_the_windows_show(tours: dict[str, Tour], language: str) -> None:
    guide = load_guide(language)
    assert names_not_shown(tours[language], guide) == []
    assert len(guide.ui_names()) > 150  # the guide leads by the interface's own words


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_the_guide_shows_is_made_by_the_tour(tours: dict[str, Tour], language: str) -> None:
    shown = {image for _source, image in load_guide(language).images()}
    made = {f"{name}.png" for name in tours[language].shots}
    assert shown - made == set(), "the tour (packaging/guide_images.py) makes no such picture"
