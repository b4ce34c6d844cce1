"""Shared fixtures. Qt runs offscreen; the application's folders live in a temporary folder."""

from __future__ import annotations

import os

# Before any Qt import: draw offscreen, on a 1920×1080 screen (the plugin's default is 800×600,
# which would clamp restored window sizes).
_SCREEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offscreen-screen.json")
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")

from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop import i18n

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _portable_app_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep settings, logs and default workspaces of the tests out of the user's home."""
    root = tmp_path_factory.mktemp("app-folders")
    previous = os.environ.get("KEHOACH_PORTABLE")
    os.environ["KEHOACH_PORTABLE"] = str(root)
    yield root
    if previous is None:
        os.environ.pop("KEHOACH_PORTABLE", None)
    else:
        os.environ["KEHOACH_PORTABLE"] = previous


@pytest.fixture
def vietnamese() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.setup("vi")
    yield
    i18n.setup(previous)


@pytest.fixture
def english() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.setup("en")
    yield
    i18n.setup(previous)


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """Tests that start the CLI or the app switch the language; each test starts from English."""
    i18n.setup("en")
    yield
    i18n.setup("en")
