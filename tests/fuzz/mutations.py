"""Ways to break a real file, drawn by hypothesis: bytes, ZIP structure, and the JSON or XML inside.

Each mutator takes hypothesis' ``data`` object and the original bytes and returns new bytes.
:func:`mutate` picks one (or a few in a row) of the families a target names.
"""

from __future__ import annotations

import io
import itertools
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


# --- structure-aware: what valid SpreadsheetML allows and a forger writes (issue 18) ---------------------

_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_ESCAPES = [b"_x0000_", b"_x0007_", b"_x001B_", b"_x007F_", b"_x000D_", b"_x005F_x0000_", b"_xD800_", b"_x00"]
_FORMULAS = [b"<f>1+1</f>", b"<f t=\"shared\" si=\"0\"/>", b"<x:f xmlns:x=\"%s\">SUM(A1)</x:f>" % _MAIN_NS,
             b"<f xmlns=\"%s\">1</f>" % _STRICT_NS, b"<f/>"]


def _sheet_entries(found: list[tuple[zipfile.ZipInfo, bytes]]) -> list[int]:
    return [i for i, (info, _c) in enumerate(found) if info.filename.startswith("xl/worksheets/")]


def _regex_positions(pattern: bytes, text: bytes, limit: int = 400) -> list[tuple[int, int]]:
    return [m.span() for m in itertools.islice(re.finditer(pattern, text), limit)]


def mutate_xlsx_structure(data: st.DataObject, original: bytes) -> bytes:
    """One change a hand-made or forged .xlsx can carry while staying well-formed XML: the other namespace,
    spaces around ``=`` and before ``>`` in closing tags, cells without ``r`` or with a lower-case one, a sheet
    named twice, an ``_xHHHH_`` escape, a huge declared dimension, a far cell, a formula in another form."""
    found = _entries(original)
    if not found or not _sheet_entries(found):
        return flip_bytes(data, original)
    entries = [(info.filename, content) for info, content in found]
    action = data.draw(st.sampled_from(
        ["namespace", "spaced attributes", "spaced close", "drop r", "lowercase r", "sheet named twice", "escape",
         "dimension", "far cell", "formula", "shared string out of range"]), label="structure action")
    index = data.draw(st.sampled_from(_sheet_entries(found)), label="sheet")
    name, xml = entries[index]
    names = {n: i for i, (n, _c) in enumerate(entries)}
    if action == "namespace":
        target = data.draw(st.sampled_from([_STRICT_NS, b"urn:kehoach:not-spreadsheetml"]), label="namespace")
        xml = xml.replace(_MAIN_NS, target)
        if data.draw(st.booleans(), label="workbook too") and "xl/workbook.xml" in names:
            at = names["xl/workbook.xml"]
            entries[at] = (entries[at][0], entries[at][1].replace(_MAIN_NS, target))
    elif action == "spaced attributes":
        xml = xml.replace(b' r="', data.draw(st.sampled_from([b' r = "', b'  r=\t"', b' r=" ', b"\nr='"]),
                                             label="spacing"))
    elif action == "spaced close":
        xml = xml.replace(b"</c>", b"</c >").replace(b"</row>", data.draw(
            st.sampled_from([b"</row >", b"</row\n>", b"</row>"]), label="row close"))
    elif action == "drop r":
        spans = _regex_positions(rb' r="[A-Z]+\d+"', xml)
        chosen = data.draw(st.sets(st.sampled_from(spans), max_size=60), label="cells") if spans else set()
        for start, end in sorted(chosen, reverse=True):
            xml = xml[:start] + xml[end:]
        if data.draw(st.booleans(), label="rows too"):
            xml = re.sub(rb'<row r="\d+"', b"<row", xml)
    elif action == "lowercase r":
        xml = re.sub(rb' r="([A-Z]+)(\d+)"', lambda m: b' r="' + m.group(1).lower() + m.group(2) + b'"', xml)
    elif action == "sheet named twice" and "xl/workbook.xml" in names:
        at = names["xl/workbook.xml"]
        workbook = entries[at][1]
        sheets = _regex_positions(rb"<sheet [^>]*/>", workbook)
        if sheets:
            start, end = data.draw(st.sampled_from(sheets), label="sheet entry")
            other = data.draw(st.sampled_from(sheets), label="other entry")
            duplicate = workbook[start:end]  # the same name again, for the same part or for another one
            rel = re.search(rb'r:id="([^"]*)"', workbook[other[0]:other[1]])
            if rel is not None and data.draw(st.booleans(), label="other part"):
                duplicate = re.sub(rb'r:id="[^"]*"', b'r:id="' + rel.group(1) + b'"', duplicate)
            entries[at] = (entries[at][0], workbook[:end] + duplicate + workbook[end:])
    elif action == "escape":
        texts = _regex_positions(rb"<t[^>]*>[^<]*</t>", xml)
        if texts:
            start, end = data.draw(st.sampled_from(texts), label="text")
            cut = xml.index(b">", start) + 1
            xml = xml[:cut] + data.draw(st.sampled_from(_ESCAPES), label="escape") + xml[cut:]
    elif action == "dimension":
        ref = data.draw(st.sampled_from([b"A1:XFD1048576", b"A1:ZZZ9999999", b"A1048576", b""]), label="ref")
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        xml = xml.replace(b"<sheetData", b'<dimension ref="' + ref + b'"/><sheetData', 1)
    elif action == "far cell":
        ref = data.draw(st.sampled_from([b"XFD1048576", b"ZZZ9999999", b"A1048577", b"AAAA1"]), label="far")
        digits = re.search(rb"\d+", ref)
        row = digits.group() if digits else b"1"
        xml = xml.replace(b"</sheetData>", b'<row r="' + row + b'"><c r="' + ref +
                          b'" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)
    elif action == "formula":
        values = _regex_positions(rb"<v>[^<]*</v>", xml) + _regex_positions(rb"<is>", xml)
        if values:
            start, _end = data.draw(st.sampled_from(values), label="value")
            xml = xml[:start] + data.draw(st.sampled_from(_FORMULAS), label="formula") + xml[start:]
    elif action == "shared string out of range":
        cells = _regex_positions(rb'<c r="[A-Z]+\d+"[^>]*t="inlineStr"[^>]*><is><t[^>]*>[^<]*</t></is></c>', xml)
        if cells:
            start, end = data.draw(st.sampled_from(cells), label="cell")
            ref = re.search(rb'r="([A-Z]+\d+)"', xml[start:end])
            assert ref is not None
            item = data.draw(st.sampled_from([b"99999999", b"-1", b"x", b""]), label="string index")
            xml = xml[:start] + b'<c r="' + ref.group(1) + b'" t="s"><v>' + item + b"</v></c>" + xml[end:]
    entries[index] = (name, xml)
    return _zip(list(entries))


def mutate_package_json_structure(data: st.DataObject, document: Any) -> Any:
    """Valid JSON of another shape: an unknown key in a record, or a record list grown large (see the target's
    ``forged-large``)."""
    records = document if isinstance(document, list) else None
    if records and all(isinstance(r, dict) for r in records[:3]):
        record = records[data.draw(st.integers(0, len(records) - 1), label="record")]
        record[data.draw(st.sampled_from(["colour", "__proto__", "id ", "ID", "extra"]), label="unknown key")] = \
            data.draw(_JSON_VALUES, label="unknown value")
        return document
    if isinstance(document, dict):
        document[data.draw(st.sampled_from(["colour", "__proto__", "extra"]), label="unknown key")] = \
            data.draw(_JSON_VALUES, label="unknown value")
    return document


FAMILIES["xlsx-structure"] = mutate_xlsx_structure
