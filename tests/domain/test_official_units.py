"""The official list of Hanoi's 126 wards and communes in resources/ agrees with the pinned data package."""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from kehoach_desktop.resources import resources_dir

REPO = Path(__file__).resolve().parents[2]
LIST = resources_dir() / "reference" / "hanoi-units-2025.json"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("official_units", REPO / "packaging" / "official_units.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["official_units"] = module
    spec.loader.exec_module(module)
    return module


def test_the_shipped_list_is_what_the_pinned_package_gives() -> None:
    pytest.importorskip("vietnam_provinces", reason="the test extra installs vietnam-provinces (pyproject.toml)")
    generator = _generator()
    assert LIST.read_text(encoding="utf-8") == generator.render(generator.official_document())
    assert generator.main(["check"]) == 0


def test_the_list_has_126_units_51_wards_75_communes_with_five_digit_codes() -> None:
    text = LIST.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    units = json.loads(text)["units"]
    assert len(units) == 126
    assert Counter(u["kind"] for u in units) == {"phường": 51, "xã": 75}
    codes = [u["code"] for u in units]
    assert len(set(codes)) == 126 and all(len(c) == 5 and c.isdigit() for c in codes)
    assert codes == sorted(codes)
    by_code = {u["code"]: (u["kind"], u["name"]) for u in units}
    assert by_code["00004"] == ("phường", "Ba Đình")
    assert by_code["00070"] == ("phường", "Hoàn Kiếm")
    assert all(not u["name"].lower().startswith(("phường ", "xã ")) for u in units)  # the kind is not repeated
