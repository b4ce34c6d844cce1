"""Hostile workbooks made from a real export, as an attacker with a spreadsheet would make them (issue 18).

Each builder takes a workbook exported by the application and writes a changed copy: valid
XML that Excel's grammar allows (the other SpreadsheetML namespace, spaces around ``=``, cells
without ``r``, ``</c >``), or a structure only a forger writes (a sheet listed twice). The
tests, the fuzz regressions and ``tests/bench/bench_hostile.py`` share them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from kehoach_desktop.exchange.xlsx_reader import XlsxReader

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
TASKS = "Nhiệm vụ"
META = "_meta"
FAR_ROW = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
Parts = dict[str, bytes]


def sheet_part(workbook: Path, name: str) -> str:
    with XlsxReader(workbook) as reader:
        return reader.sheets[name].part


def rewrite(source: Path, target: Path, edit: Callable[[Parts], None]) -> Path:
    """Copy ``source`` to ``target`` with its parts changed by ``edit`` (a dict of name → bytes)."""
    with zipfile.ZipFile(source) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return target


def _append_rows(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)


# ---- far cells: what made python-calamine allocate 512 GB and abort the process ---------------

def strict_namespace_far_cell(source: Path, target: Path) -> Path:
    """``workbook.xml`` and ``_meta`` in the Strict namespace, with a cell at XFD1048576."""
    meta = sheet_part(source, META)

    def edit(parts: Parts) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(MAIN, STRICT)
        parts[meta] = _append_rows(parts[meta].replace(MAIN, STRICT), FAR_ROW)

    return rewrite(source, target, edit)


def spaced_reference_far_cell(source: Path, target: Path) -> Path:
    """``<c r = "XFD1048576">``: spaces around ``=`` are valid XML."""
    meta = sheet_part(source, META)

    def edit(parts: Parts) -> None:
        parts[meta] = _append_rows(parts[meta], b'<row r = "1048576"><c r = "XFD1048576" t = "inlineStr">'
                                                b'<is><t>x</t></is></c></row>')

    return rewrite(source, target, edit)


def unreferenced_cells_then_far_row(source: Path, target: Path) -> Path:
    """Rows of cells without ``r`` (placed one after the other) below the tasks, then a row at the last row of a
    sheet."""
    tasks = sheet_part(source, TASKS)
    plain = b"<row>" + b'<c t="inlineStr"><is><t>y</t></is></c>' * 200 + b"</row>"

    def edit(parts: Parts) -> None:
        parts[tasks] = _append_rows(parts[tasks], plain * 20 + FAR_ROW)

    return rewrite(source, target, edit)


def sheet_named_twice(source: Path, target: Path) -> Path:
    """``_meta`` listed twice: the first entry a harmless sheet, the second a far cell (a check could read one,
    the reader the other)."""

    def edit(parts: Parts) -> None:
        far = (b'<?xml version="1.0"?><worksheet xmlns="' + MAIN + b'"><sheetData>' + FAR_ROW
               + b"</sheetData></worksheet>")
        parts["xl/worksheets/far.xml"] = far
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdFar" Type="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/relationships/worksheet" Target="worksheets/far.xml"/></Relationships>')
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                          b'name="_meta" sheetId="99" state="hidden" r:id="rIdFar"/></sheets>')

    return rewrite(source, target, edit)


FAR_CELLS = {"strict-namespace": strict_namespace_far_cell, "spaces-around-equals": spaced_reference_far_cell,
             "cells-without-r": unreferenced_cells_then_far_row, "sheet-named-twice": sheet_named_twice}


# ---- a million rows, past the 100,000-row cap -------------------------------------------------

def million_rows(source: Path, target: Path, *, strict: bool, with_r: bool) -> Path:
    """The tasks sheet replaced by a million rows (in the Strict namespace, or without ``r``): 1 GB for calamine."""
    part = sheet_part(source, TASKS)
    namespace = STRICT if strict else MAIN

    def edit(parts: Parts) -> None:
        if strict:
            parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(MAIN, STRICT)
        rows = (b"".join(b'<row r="%d"><c r="B%d"><v>%d</v></c></row>' % (n, n, n) for n in range(1, 1_000_001))
                if with_r else b"<row><c><v>1</v></c></row>" * 1_000_000)
        parts[part] = b'<worksheet xmlns="' + namespace + b'"><sheetData>' + rows + b"</sheetData></worksheet>"

    return rewrite(source, target, edit)


# ---- formulas that slipped through as their cached value --------------------------------------

def _cell(xml: bytes, ref: str) -> re.Match[bytes]:
    found = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', xml)
    assert found is not None, ref
    return found


def formula_cell(source: Path, target: Path, ref: str, form: str, cached: int = 99_999_999) -> Path:
    """The cell ``ref`` of the tasks sheet becomes a formula whose cached value is ``cached``, written in ``form``:
    ``no-r`` (the cell without its reference), ``lowercase`` (``r="n3"``), ``strict`` (the Strict namespace) or
    ``spaced-close`` (``</c >``)."""
    part = sheet_part(source, TASKS)

    def edit(parts: Parts) -> None:
        xml = parts[part]
        found = _cell(xml, ref)
        style = re.search(rb's="(\d+)"', found.group())
        attributes = b' s="%s"' % style.group(1) if style else b""
        if form == "no-r":
            cell = b"<c%s><f>%d</f><v>%d</v></c>" % (attributes, cached, cached)
        elif form == "lowercase":
            cell = b'<c r="%s"%s><f>%d</f><v>%d</v></c>' % (ref.lower().encode(), attributes, cached, cached)
        elif form == "spaced-close":
            cell = b'<c r="%s"%s><f>%d</f><v>%d</v></c >' % (ref.encode(), attributes, cached, cached)
        else:
            cell = b'<c r="%s"%s><f>%d</f><v>%d</v></c>' % (ref.encode(), attributes, cached, cached)
        xml = xml[:found.start()] + cell + xml[found.end():]  # without r it falls in place after the cell before
        if form == "strict":
            parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(MAIN, STRICT)
            xml = xml.replace(MAIN, STRICT)
        if form == "spaced-close":  # every cell of the sheet: no closing tag is written the usual way
            xml = xml.replace(b"</c>", b"</c >")
        parts[part] = xml

    return rewrite(source, target, edit)


def spaced_closing_tags(source: Path, target: Path, *, copies: int = 1) -> Path:
    """Every ``</c>`` written ``</c >`` and one formula: each cell made the old regex scan to the end of the file.

    ``copies`` repeats the materials sheet's rows (as more rows) to make the file as large as wanted.
    """
    tasks = sheet_part(source, TASKS)

    def edit(parts: Parts) -> None:
        xml = parts[tasks]
        found = _cell(xml, "N3")
        xml = xml[:found.start()] + b'<c r="N3"><f>1+1</f><v>2</v></c>' + xml[found.end():]
        body = re.search(rb"<sheetData>(.*)</sheetData>", xml, re.DOTALL)
        assert body is not None
        rows = body.group(1)
        last = max(int(n) for n in re.findall(rb'<row r="(\d+)"', rows))
        extra = []
        for copy in range(1, copies):
            shift = copy * last
            extra.append(re.sub(rb'(r="[A-Z]*)(\d+)"', lambda m, s=shift: m.group(1) + b"%d\"" % (int(m.group(2)) + s),
                                rows))
        xml = xml[:body.end(1)] + b"".join(extra) + xml[body.end(1):]
        parts[tasks] = xml.replace(b"</c>", b"</c >")

    return rewrite(source, target, edit)
