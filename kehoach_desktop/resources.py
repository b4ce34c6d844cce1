"""Where the application's data files are: inside the installed package, or the source tree."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} not found beside {_PACKAGE}")


def resources_dir() -> Path:
    return _locate("resources")


def i18n_dir() -> Path:
    return _locate("i18n")


def template_path(name: str) -> Path:
    return resources_dir() / "templates" / name


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / name
