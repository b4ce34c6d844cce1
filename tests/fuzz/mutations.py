"""Ways to break a real file, drawn by hypothesis: bytes, ZIP structure, and the JSON or XML inside.

Each mutator takes hypothesis' ``data`` object and the original bytes and returns new bytes.
:func:`mutate` picks one (or a few in a row) of the families a target names.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Mutator = Callable[[st.DataObject, bytes], bytes]

# --- bytes --------------------------------------------------------------------------------------------


def flip_bytes(data: st.DataObject, original: bytes) -> bytes:
    if not original:
        return b"\x00"
    out = bytearray(original)
    near_start = min(len(out), 8192)  # headers and schemas live at the start: hit them more often
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        high = near_start - 1 if data.draw(st.booleans(), label="near start") else len(out) - 1
        position = data.draw(st.integers(0, high), label="position")
        out[position] ^= data.draw(st.integers(1, 255), label="xor")
    if out == original:  # two flips of the same byte undid each other
        out[0] ^= 0xFF
    return bytes(out)


def truncate(data: st.DataObject, original: bytes) -> bytes:
    return original[:data.draw(st.integers(0, max(0, len(original) - 1)), label="length")]


def splice(data: st.DataObject, original: bytes) -> bytes:
    position = data.draw(st.integers(0, len(original)), label="at")
    removed = data.draw(st.integers(0, 64), label="removed")
    inserted = data.draw(st.binary(max_size=64), label="inserted")
    result = original[:position] + inserted + original[position + removed:]
    return result if result != original else original + b"\x00"


# --- ZIP structure ------------------------------------------------------------------------------------


def _entries(original: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(original)) as archive:
            return [(info, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return None


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore")  # duplicate names are the point
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def shuffle_zip(data: st.DataObject, original: bytes) -> bytes:
    """Reorder, drop, duplicate or rename entries, add hostile ones, or change the compression."""
    found = _entries(original)
    if not found:
        return flip_bytes(data, original)
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [(info.filename, content) for info, content in found]
    action = data.draw(st.sampled_from(["permute", "drop", "duplicate", "rename", "add", "stored", "swap"]),
                       label="zip action")
    index = data.draw(st.integers(0, len(entries) - 1), label="entry")
    if action == "permute":
        entries = data.draw(st.permutations(entries), label="order")
    elif action == "drop":
        del entries[index]
    elif action == "duplicate":
        entries.insert(data.draw(st.integers(0, len(entries)), label="where"), entries[index])
    elif action == "rename":
        name = data.draw(st.sampled_from(["../evil.json", "/abs.json", "data/../../x", "DATA/MATERIALS.JSON",
                                          "manifest.json", "a\\b.json", "data/materials.json\x00", ""]),
                         label="new name")
        entries[index] = (name or "x", entries[index][1])
    elif action == "add":
        name = data.draw(st.sampled_from(["data/extra.json", "attachments/zz.jpg", "../../etc/passwd", "x/" * 40]),
                         label="added")
        entries.append((name, data.draw(st.binary(max_size=256), label="content")))
    elif action == "swap" and len(entries) > 1:
        other = data.draw(st.integers(0, len(entries) - 1), label="other")
        (a_name, a_data), (b_name, b_data) = entries[index], entries[other]
        entries[index], entries[other] = (a_name, b_data), (b_name, a_data)
    return _zip(entries, zipfile.ZIP_STORED if action == "stored" else zipfile.ZIP_DEFLATED)


# --- content: JSON and XML ----------------------------------------------------------------------------

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
    | st.sampled_from(["", "2021-02-30", "2021-13-01", "9999-12-31T23:59:59Z", "00000000-0000-0000-0000-000000000000",
                       "x" * 5000, "=cmd|' /C calc'!A0", "Cu\u0309 Chi", "\u202e", "null", "-1"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for position, value in enumerate(document[:5]):
            found.extend(_paths(value, (*prefix, position)))
    return found


def mutate_json_document(data: st.DataObject, document: Any) -> Any:
    """Replace, delete, duplicate or add one value somewhere in the document."""
    paths = _paths(document)
    path = data.draw(st.sampled_from(paths), label="json path")
    if not path:
        return data.draw(_JSON_VALUES, label="whole document")
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = data.draw(st.sampled_from(["replace", "delete", "duplicate", "add"]), label="json action")
    if action == "replace":
        parent[last] = data.draw(_JSON_VALUES, label="value")
    elif action == "delete":
        del parent[last]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=12), label="key")] = data.draw(_JSON_VALUES, label="value")
    else:
        parent.append(data.draw(_JSON_VALUES, label="value"))
    return document


def mutate_json_bytes(data: st.DataObject, original: bytes) -> bytes:
    try:
        document = json.loads(original)
    except ValueError:
        return splice(data, original)
    # json.loads reads invalid UTF-8 as lone surrogates: written back as the same invalid bytes
    return json.dumps(mutate_json_document(data, document), ensure_ascii=False).encode("utf-8", "surrogatepass")


_XML_ATTACKS = [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
]


def mutate_xml_bytes(data: st.DataObject, original: bytes) -> bytes:
    """Drop or duplicate an element, change an attribute, inject an entity bomb, or cut the text."""
    text = original
    action = data.draw(st.sampled_from(["drop element", "duplicate element", "attribute", "bomb", "cut", "splice"]),
                       label="xml action")
    elements = [m.span() for m in re.finditer(rb"<([A-Za-z:]+)[^<>]*?(/>|>[^<]*</\1>)", text)][:200]
    if action in ("drop element", "duplicate element") and elements:
        start, end = data.draw(st.sampled_from(elements), label="element")
        piece = text[start:end]
        return text[:start] + (piece * 2 if action == "duplicate element" else b"") + text[end:]
    if action == "attribute":
        attributes = [m.span(1) for m in re.finditer(rb'=\"([^\"]*)\"', text)][:200]
        if attributes:
            start, end = data.draw(st.sampled_from(attributes), label="attribute")
            value = data.draw(st.sampled_from([b"", b"-1", b"99999999", b"A0", b"ZZZ9999999", b"&amp;", b"1E+308"]),
                              label="value")
            return text[:start] + value + text[end:]
    if action == "bomb":
        declaration_end = text.find(b"?>") + 2 if text.startswith(b"<?xml") else 0
        attack = data.draw(st.sampled_from(_XML_ATTACKS), label="attack")
        return text[:declaration_end] + attack + text[declaration_end:]
    if action == "cut":
        return truncate(data, text)
    return splice(data, text)


def mutate_inner(content_mutator: Mutator, suffixes: tuple[str, ...]) -> Mutator:
    """Mutate the content of one entry of a ZIP (a JSON or XML part), keeping the container valid."""

    def mutator(data: st.DataObject, original: bytes) -> bytes:
        found = _entries(original)
        candidates = [i for i, (info, _c) in enumerate(found or []) if info.filename.endswith(suffixes)]
        if not found or not candidates:
            return flip_bytes(data, original)
        index = data.draw(st.sampled_from(candidates), label="inner entry")
        entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [(i.filename, c) for i, c in found]
        entries[index] = (entries[index][0], content_mutator(data, found[index][1]))
        return _zip(entries)

    return mutator


FAMILIES: dict[str, Mutator] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "splice": splice,
    "zip": shuffle_zip,
    "json": mutate_json_bytes,
    "zip-json": mutate_inner(mutate_json_bytes, (".json",)),
    "zip-xml": mutate_inner(mutate_xml_bytes, (".xml", ".rels")),
}


def mutate(data: st.DataObject, original: bytes, families: tuple[str, ...]) -> bytes:
    """One to three mutations in a row, each from one of ``families``."""
    result = original
    for _ in range(data.draw(st.integers(1, 3), label="rounds")):
        family = data.draw(st.sampled_from(families), label="family")
        result = FAMILIES[family](data, result)
    return result
