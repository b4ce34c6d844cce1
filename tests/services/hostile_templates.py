"""Hostile templates made from the built-in one (issue 18): nested hundreds deep, or holding a huge text.

Shared by the contract tests, the package-limit tests and ``tests/bench/bench_hostile.py``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from kehoach_desktop.resources import resources_dir


def builtin_template() -> dict[str, Any]:
    return json.loads((resources_dir() / "templates" / "hanoi-2021.json").read_text(encoding="utf-8"))


def nested_template_text(depth: int) -> str:
    """The built-in template with one more section, ``depth`` sections deep (written by hand: json.dumps would hit
    Python's recursion limit, as the loader did)."""
    text = json.dumps(builtin_template(), ensure_ascii=False)
    opening = "".join(f'{{"key": "sau{n}", "title": "Mục {n}", "kind": "content", "children": [' for n in range(depth))
    closing = "]}" * depth
    deep = opening[:-len(', "children": [')] + "}" + closing[2:]  # the last section has no children
    return text[:text.index('"sections": [') + len('"sections": [')] + deep + ", " + \
        text[text.index('"sections": [') + len('"sections": ['):]


def with_long_theme(document: dict[str, Any], words: int, *, seed: int = 18) -> bytes:
    """``document`` (a template) whose first theme is ``words`` words long, random enough to pack about 5:1
    (under the compression-ratio limit of packages), as UTF-8 JSON."""
    generator = random.Random(seed)
    vocabulary = ("Chủ", "đề", "tuyên", "truyền", "kỷ", "niệm", "ngày", "thành", "lập", "Đảng", "Thủ", "đô")
    changed = {**document, "sections": [dict(document["sections"][0]), *document["sections"][1:]]}
    changed["sections"][0]["title"] = " ".join(generator.choice(vocabulary) for _ in range(words))
    return json.dumps(changed, ensure_ascii=False).encode("utf-8")


def write_long_theme_file(path: Path, size: int) -> Path:
    """The built-in template whose first theme text makes the file ``size`` bytes long, written in 1 MB pieces."""
    piece = with_long_theme({"sections": [{"title": ""}]}, 200_000)
    words = json.loads(piece)["sections"][0]["title"].encode("utf-8") + b" "
    text = json.dumps(builtin_template(), ensure_ascii=False).encode("utf-8")
    start = text.index(b'"title": "', text.index(b'"sections": [')) + len(b'"title": "')
    with path.open("wb") as out:
        out.write(text[:start])
        for _ in range(max(1, size // len(words))):
            out.write(words)
        out.write(text[start:])
    return path
