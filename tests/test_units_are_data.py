"""Units are data: no code names a unit's code, a level's word pair or an agency of one template.

The code is searched through its string literals (every ``.py`` of the package, docstrings and
f-string parts included), the interface strings through the catalogs. What a template names — the
30 districts of 2021, the 126 wards and communes of 2025, the department that receives the reports,
its reminder symbol, the city responsibility asked of the districts — must come from the template.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kehoach_desktop.resources import i18n_dir, resources_dir

PACKAGE = Path(__file__).resolve().parents[1] / "kehoach_desktop"
FORBIDDEN = ("SBN-QH", "STTTT", "TTCS", "quận/huyện", "quận, huyện", "UBND các quận")


def _literals() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, node.value))
    return found


def _unit_codes() -> set[str]:
    codes = set()
    for path in (resources_dir() / "templates").glob("*.json"):
        codes |= {u["code"] for u in json.loads(path.read_text(encoding="utf-8"))["reporting_units"]}
    official = json.loads((resources_dir() / "reference" / "hanoi-units-2025.json").read_text(encoding="utf-8"))
    codes |= {u["code"] for u in official["units"]}
    return codes


def test_the_search_sees_the_code_and_the_codes() -> None:
    literals = _literals()
    assert len(literals) > 2000
    codes = _unit_codes()
    assert {"006", "271", "00070"} <= codes and len(codes) == 30 + 126


def test_no_literal_in_the_code_names_a_unit_code() -> None:
    codes = _unit_codes()
    found = [f"{path}:{line}: {text!r}" for path, line, text in _literals() if text.strip() in codes]
    assert found == []


@pytest.mark.parametrize("word", FORBIDDEN)
def test_no_literal_in_the_code_names_a_level_or_an_agency(word: str) -> None:
    found = [f"{path}:{line}" for path, line, text in _literals() if word.lower() in text.lower()]
    assert found == []


def test_no_interface_string_names_them() -> None:
    codes = _unit_codes()
    problems = []
    for po in sorted(i18n_dir().glob("*/LC_MESSAGES/*.po")):
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            texts = [*(message.id if isinstance(message.id, tuple | list) else (message.id,)),
                     *(message.string if isinstance(message.string, tuple | list) else (message.string,))]
            for text in texts:
                words = set(text.replace(",", " ").replace(".", " ").split())
                if any(word.lower() in text.lower() for word in FORBIDDEN) or words & codes:
                    problems.append(f"{po.parent.parent.name}: {text[:80]!r}")
    assert problems == []
