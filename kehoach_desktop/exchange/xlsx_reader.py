"""Reading an ``.xlsx`` that may be hostile: one streaming XML parser gives both its structure and its values.

Every check and every value come from the same parse, so no check can look at one thing while the
reader reads another (the namespaces, a reference written ``r = "A1"``, cells without ``r``, a
sheet named twice). The parts are read with expat, as a stream of events over the ZIP entry
(never a whole part in memory, never a regular expression over a part): DTDs and entities are
refused, the namespaces are resolved (the usual SpreadsheetML namespace and the Strict one), and
nothing is allocated from what a file *declares* (``<dimension>``, far references): only cells
that are present are kept, within the limits of :class:`XlsxLimits`. ``should_stop`` is asked
after every 64 KB of unpacked XML, so Cancel stops a read within milliseconds.

What the workbook holds comes back as rows of cell values (text, numbers, booleans, dates), with
the cells that hold a formula or an error marked instead of read (Excel's cached value of a
formula is not data a unit typed). ``docs/excel-workbook.md`` ("Reading untrusted workbooks")
says why this replaced python-calamine for returned workbooks.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from kehoach_desktop.domain.errors import UserFacingError, os_reason
from kehoach_desktop.exchange.excel_format import HEADER_ROW, MAX_DATA_ROWS
from kehoach_desktop.i18n import _

MAIN_NAMESPACES = frozenset({"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                             "http://purl.oclc.org/ooxml/spreadsheetml/main"})  # transitional, strict
_RELATIONSHIP_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                            "http://purl.oclc.org/ooxml/officeDocument/relationships")
_RID_ATTRIBUTES = tuple(f"{ns} id" for ns in _RELATIONSHIP_NAMESPACES)
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CHUNK = 1 << 16
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([1-9][0-9]{0,6})")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
MAX_COLUMN = 16_384  # XFD, Excel's last column
MAX_ROW = 1_048_576  # Excel's last row
# what reading a damaged entry of the ZIP raises (bad CRC, broken deflate data, a bad header)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError, KeyError,
            RuntimeError, expat.ExpatError)
FORMULA = "formula"  # the mark of a cell holding a formula (an error cell is marked with its text, e.g. #REF!)


@dataclass(frozen=True)
class XlsxLimits:
    """What a returned workbook may hold; the exporter never writes more (``services/excel_export.py``).

    Sized on the largest real unit (a district with 10,000 materials, 2,000 tasks and 1,200 events:
    about 270,000 cells, 60 MB of XML), with room to spare; anything beyond is refused while streaming,
    which bounds the time (well under 30 s) and the memory (well under 500 MB) of any file.
    """

    max_file_size: int = 200 << 20  # the .xlsx itself
    max_parts: int = 10_000
    max_total_size: int = 400 << 20  # every part, unpacked
    max_ratio: int = 200  # a part above ratio_floor that unpacks to more than 200x its packed size is a bomb
    ratio_floor: int = 20 << 20
    max_sheets: int = 64
    max_sheet_rows: int = MAX_DATA_ROWS + HEADER_ROW + 10  # rows holding a value, in one sheet
    max_rows: int = 2 * MAX_DATA_ROWS + 1_000  # rows holding a value in all the sheets read (``_meta`` lists ids)
    max_cells: int = 2_500_000  # cells with a value, in all the sheets read
    max_elements: int = 8_000_000  # XML elements, in all the parts read
    max_text: int = 32_767  # characters in one cell (Excel's own limit)
    max_kept_text: int = 96_000_000  # characters kept in all (shared strings, cells read): at most ~200 MB
    max_shared_strings: int = 2_500_000
    max_merged: int = 100_000
    max_styles: int = 65_000


DEFAULT_LIMITS = XlsxLimits()


class WorkbookRefused(UserFacingError):
    """The whole file cannot be read: nothing of it is used."""


class ImportCancelled(Exception):
    """The user cancelled a long import before anything was written."""


def refusal(path: Path, message: str) -> WorkbookRefused:
    return WorkbookRefused(_("{name}: {message}").format(name=path.name, message=message))


def damaged(path: Path) -> WorkbookRefused:
    return refusal(path, _("the file is damaged or incomplete (it is not a readable .xlsx). Ask the sender for "
                           "the file again."))


def too_large(path: Path) -> WorkbookRefused:
    return refusal(path, _("the workbook unpacks to far more data than a progress workbook holds; it was refused "
                           "to protect this computer."))


def decode_escapes(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes, decoded as Excel shows them (``_x005F_`` is a literal underscore)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class SheetRow:
    number: int  # the Excel row number
    values: dict[int, Any]  # 0-based column -> str, float, bool, date or datetime (cells with a value only)
    bad: dict[int, str] = field(default_factory=dict)  # 0-based column -> FORMULA or the error shown (#REF!)


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str  # the ZIP entry


# ---- the expat parser ------------------------------------------------------------------------

def _refuse_declaration(*_args: Any) -> None:
    raise _Forbidden()


class _Forbidden(Exception):
    """A DTD or an entity declaration: the way to XML bombs and to reading local files."""


class _Handler:
    """The callbacks of one part; ``limits`` and the shared counters bound what it may build."""

    def __init__(self, reader: XlsxReader) -> None:
        self.reader = reader

    def start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _split(name: str) -> tuple[str, str]:
    namespace, _sep, local = name.rpartition(" ")
    return namespace, local


# ---- the workbook ----------------------------------------------------------------------------

class XlsxReader:
    """An open workbook: its sheets by name (unique), shared strings and date styles. Use as a context manager."""

    def __init__(self, path: Path, *, limits: XlsxLimits = DEFAULT_LIMITS,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.path = path
        self.limits = limits
        self.should_stop = should_stop
        self.elements = 0
        self.rows_read = 0
        self.cells_read = 0
        self._texts: dict[str, str] = {}
        self.kept_text = 0
        self._archive = _open_container(path, limits)
        try:
            self._parts = _index_parts(self._archive, path, limits)
            self._load_structure()
        except BaseException:
            self._archive.close()
            raise

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    # structure -----------------------------------------------------------------------------

    def _load_structure(self) -> None:
        main = self._main_part()
        workbook = _WorkbookHandler(self)
        self.parse(main, workbook)
        relationships = self._relationships(main)
        names: dict[str, SheetPart] = {}
        folded: dict[str, str] = {}
        for name, rel_id in workbook.sheets:
            if len(names) >= self.limits.max_sheets:
                raise refusal(self.path, _("the workbook has more than {n} sheets; a progress workbook has "
                                           "five.").format(n=self.limits.max_sheets))
            key = name.casefold()
            if key in folded:  # Excel itself never allows it: a reader could take either
                raise refusal(self.path, _("the workbook names two sheets “{sheet}”, which Excel does not allow: "
                                           "the file was altered. Ask the sender for the file again.").format(
                    sheet=name))
            folded[key] = name
            target = relationships.get(rel_id, ("", ""))[1]
            names[name] = SheetPart(name, target)
        self.sheets = names
        self.date1904 = workbook.date1904
        by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in relationships.values()}
        self.shared_strings: list[str] = []
        if by_type.get("sharedStrings"):
            handler = _SharedStringsHandler(self)
            self.parse(by_type["sharedStrings"], handler)
            self.shared_strings = handler.strings
        self.date_styles: frozenset[int] = frozenset()
        if by_type.get("styles"):
            styles = _StylesHandler(self)
            self.parse(by_type["styles"], styles)
            self.date_styles = styles.date_styles()

    def _main_part(self) -> str:
        if "_rels/.rels" in self._parts:
            for kind, target in self._read_relationships("_rels/.rels", "").values():
                if kind.endswith("/officeDocument") and target:
                    return target
        if "xl/workbook.xml" in self._parts:
            return self._parts["xl/workbook.xml"]
        hint = _(" It looks like a LibreOffice (.ods) file: save it as .xlsx.") if "mimetype" in self._parts else ""
        raise refusal(self.path, _("this ZIP file is not an Excel workbook.") + hint)

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        return self._read_relationships(rels, folder) if rels.casefold() in self._parts else {}

    def _read_relationships(self, rels: str, folder: str) -> dict[str, tuple[str, str]]:
        handler = _RelationshipsHandler(self)
        self.parse(rels, handler)
        found = {}
        for rel_id, kind, target, mode in handler.relationships:
            if mode.lower() == "external":
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            found[rel_id] = (kind, self._parts.get(resolved.casefold(), "") if not resolved.startswith("..") else "")
        return found

    # parsing -------------------------------------------------------------------------------

    def shared(self, text: str) -> str:
        """One object for each short text met again and again (a type, a status, a ward): a long sheet's memory."""
        if len(text) > 48:
            return text
        found = self._texts.get(text)
        if found is None:
            if len(self._texts) < 200_000:
                self._texts[text] = text
            return text
        return found

    def keep_text(self, characters: int) -> None:
        self.kept_text += characters
        if self.kept_text > self.limits.max_kept_text:
            raise too_large(self.path)

    def check_stop(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise ImportCancelled()

    def count_element(self) -> None:
        self.elements += 1
        if self.elements > self.limits.max_elements:
            raise too_large(self.path)

    def _parser(self, handler: _Handler) -> Any:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = _CHUNK
        parser.StartDoctypeDeclHandler = _refuse_declaration
        parser.EntityDeclHandler = _refuse_declaration
        parser.UnparsedEntityDeclHandler = _refuse_declaration
        parser.ExternalEntityRefHandler = _refuse_declaration
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        return parser

    def stream(self, part: str, handler: _Handler) -> Iterator[None]:
        """Parse ``part`` with ``handler``, yielding after every chunk (the caller drains what it built)."""
        parser = self._parser(handler)
        try:
            with self._archive.open(self._parts[part.casefold()]) as stream:
                while True:
                    self.check_stop()
                    chunk = stream.read(_CHUNK)
                    parser.Parse(chunk, not chunk)
                    yield
                    if not chunk:
                        break
        except (WorkbookRefused, ImportCancelled):
            raise
        except _Forbidden as exc:
            raise refusal(self.path, _("the workbook contains a document type declaration (a way to attack the "
                                       "reading program); it was refused.")) from exc
        except RecursionError as exc:
            raise damaged(self.path) from exc
        except _DAMAGED as exc:
            raise damaged(self.path) from exc

    def parse(self, part: str, handler: _Handler) -> None:
        for _step in self.stream(part, handler):
            pass

    # sheets --------------------------------------------------------------------------------

    def rows(self, sheet: str, *, merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
             max_column: int = MAX_COLUMN) -> Iterator[SheetRow]:
        """The rows of ``sheet`` that hold something, in order; merged ranges are added to ``merged``.

        Only columns below ``max_column`` are kept (the others are parsed, checked and dropped).
        """
        found = self.sheets[sheet]
        if not found.part:
            raise refusal(self.path, _("the sheet “{sheet}” cannot be read (its part is missing from the file). "
                                       "Open the file in Excel or LibreOffice, save it again as .xlsx and import it "
                                       "again.").format(sheet=sheet))
        handler = _SheetHandler(self, sheet, max_column, merged if merged is not None else [])
        try:
            for _step in self.stream(found.part, handler):
                if handler.done:
                    yield from handler.done
                    handler.done = []
        finally:
            handler.finish()

    def cell_value(self, sheet: str, ref: str, cell_type: str, style: int, text: str, inline: str | None) -> Any:
        """A cell's value from its type (``t``), style and text; raises :class:`WorkbookRefused` for a broken one."""
        if cell_type == "s":
            index = _int(text.strip())
            if index is None or index >= len(self.shared_strings):
                raise self.broken(sheet, ref)
            return self.shared_strings[index]
        if cell_type == "inlineStr":
            return inline if inline is not None else decode_escapes(text)
        if cell_type == "b":
            return text.strip() in ("1", "true")
        if cell_type in ("str", "d"):
            return decode_escapes(text) if cell_type == "str" else _iso_date(text)
        if cell_type not in ("n", ""):
            raise self.broken(sheet, ref)
        stripped = text.strip()
        if not stripped:
            return None
        try:
            number = float(stripped)
        except ValueError:
            raise self.broken(sheet, ref) from None
        if style in self.date_styles and number == number and 0 <= number < 2958466:
            epoch = _EPOCH_1904 if self.date1904 else _EXCEL_EPOCH
            if not self.date1904 and number < 61:  # Excel's 29/02/1900, which never was
                number += 1
            moment = epoch + dt.timedelta(days=number)
            return moment.date() if number.is_integer() else moment
        return number

    def broken(self, sheet: str, ref: str) -> WorkbookRefused:
        return refusal(self.path, _("the cell {cell} of the sheet “{sheet}” is damaged. Open the file in Excel or "
                                    "LibreOffice, save it again as .xlsx and import it again.").format(
            cell=ref, sheet=sheet))


def _iso_date(text: str) -> Any:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    return moment.date() if moment.time() == dt.time() else moment


# ---- the container ---------------------------------------------------------------------------

def _open_container(path: Path, limits: XlsxLimits) -> zipfile.ZipFile:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = handle.seek(0, 2)
    except OSError as exc:
        raise refusal(path, _("the file cannot be read ({reason}).").format(reason=os_reason(exc))) from exc
    if head.startswith(_OLE_MAGIC):
        with path.open("rb") as handle:
            if _ENCRYPTED_MARK in handle.read(4 * 1024 * 1024):
                raise refusal(path, _("the workbook is protected with a password. Open it in Excel, remove the "
                                      "password (File → Info → Protect Workbook → Encrypt with Password), save it "
                                      "and import it again."))
        raise refusal(path, _("this is an old Excel 97–2003 file (.xls). Open it in Excel or LibreOffice, save it "
                              "as an Excel workbook (.xlsx) and import that file."))
    if not head.startswith(b"PK"):
        raise refusal(path, _("this is not an Excel workbook (.xlsx). Import the progress workbooks exported by "
                              "Kế hoạch Desktop, filled in and saved as .xlsx."))
    if size > limits.max_file_size:
        raise too_large(path)
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise damaged(path) from exc


def _index_parts(archive: zipfile.ZipFile, path: Path, limits: XlsxLimits) -> dict[str, str]:
    """Part name (case-folded, as OPC compares them) → ZIP entry; refuses bombs and duplicated names."""
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise too_large(path)
    parts: dict[str, str] = {}
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_total_size or (
                info.file_size > limits.ratio_floor
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise too_large(path)
        key = info.filename.casefold()
        if key in parts:
            raise refusal(path, _("the file holds two parts named {part}: it was altered. Ask the sender for the "
                                  "file again.").format(part=info.filename))
        parts[key] = info.filename
    return parts


# ---- handlers --------------------------------------------------------------------------------

class _RelationshipsHandler(_Handler):
    def __init__(self, reader: XlsxReader) -> None:
        super().__init__(reader)
        self.relationships: list[tuple[str, str, str, str]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.reader.count_element()
        if name == f"{_PACKAGE_RELATIONSHIPS} Relationship":
            self.relationships.append((attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", ""),
                                       attrs.get("TargetMode", "")))


class _WorkbookHandler(_Handler):
    def __init__(self, reader: XlsxReader) -> None:
        super().__init__(reader)
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.reader.count_element()
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "sheet":
            rel_id = next((attrs[a] for a in _RID_ATTRIBUTES if a in attrs), "")
            self.sheets.append((attrs.get("name", ""), rel_id))
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")


class _TextCollector(_Handler):
    """Collects the text of the elements it is told to, refusing any longer than a cell may hold."""

    def __init__(self, reader: XlsxReader) -> None:
        super().__init__(reader)
        self.collecting = False
        self.parts: list[str] = []
        self.length = 0

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > self.reader.limits.max_text:
                raise refusal(self.reader.path, _("a cell holds more than {n} characters, more than Excel allows: "
                                                  "the file was altered.").format(n=self.reader.limits.max_text))
            self.parts.append(data)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts = []
        self.length = 0
        return text


class _SharedStringsHandler(_TextCollector):
    """``<si>`` items: plain ``<t>``, or rich text runs ``<r><t>`` (phonetic runs ``<rPh>`` are not the text)."""

    def __init__(self, reader: XlsxReader) -> None:
        super().__init__(reader)
        self.strings: list[str] = []
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.reader.count_element()
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "t" and not self.phonetic:
            self.collecting = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "si":
            self.take()

    def end(self, name: str) -> None:
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "t":
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si":
            if len(self.strings) >= self.reader.limits.max_shared_strings:
                raise too_large(self.reader.path)
            text = decode_escapes(self.take())
            self.reader.keep_text(len(text))
            self.strings.append(text)


class _StylesHandler(_Handler):
    def __init__(self, reader: XlsxReader) -> None:
        super().__init__(reader)
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.reader.count_element()
        namespace, local = _split(name)
        if namespace not in MAIN_NAMESPACES:
            return
        if local == "numFmt":
            number = _int(attrs.get("numFmtId"))
            if number is not None and len(self.formats) < self.reader.limits.max_styles:
                self.formats[number] = attrs.get("formatCode", "")[:256]
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            if len(self.cell_formats) >= self.reader.limits.max_styles:
                raise too_large(self.reader.path)
            self.cell_formats.append(_int(attrs.get("numFmtId")) or 0)

    def end(self, name: str) -> None:
        if name.endswith(" cellXfs"):
            self.in_cell_xfs = False

    def date_styles(self) -> frozenset[int]:
        from openpyxl.styles.numbers import is_date_format

        dates = set(_DATE_FORMAT_IDS)
        dates.update(number for number, code in self.formats.items() if is_date_format(code))
        dates.difference_update(number for number, code in self.formats.items() if not is_date_format(code))
        return frozenset(index for index, number in enumerate(self.cell_formats) if number in dates)


def _int(text: str | None) -> int | None:
    """A non-negative whole number written in ASCII digits (``int()`` alone would take " 5", "+5" or "1_0")."""
    return int(text) if text is not None and text.isascii() and text.isdigit() and len(text) < 12 else None


_SHEET_TAGS = {f"{namespace} {local}": local for namespace in MAIN_NAMESPACES
               for local in ("c", "v", "f", "is", "t", "rPh", "row", "sheetData", "mergeCell")}


class _SheetHandler(_TextCollector):
    """``<sheetData>``: rows and cells, placed by their ``r`` or, without one, after the previous one.

    The hot path of the reader (one call per element of every sheet): names are looked up whole
    (expat interns them), references are checked with string operations, not regular expressions.
    """

    def __init__(self, reader: XlsxReader, sheet: str, max_column: int,
                 merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
        super().__init__(reader)
        self.sheet = sheet
        self.max_column = max_column
        self.merged = merged
        self.max_elements = reader.limits.max_elements - reader.elements
        self.elements = 0
        self.done: list[SheetRow] = []
        self.in_data = False
        self.row: SheetRow | None = None
        self.row_digits = ""
        self.last_row = 0
        self.rows_here = 0
        self.last_column = -1
        self.cell_ref = ""
        self.column = -1
        self.cell_type = ""
        self.style = 0
        self.formula = False
        self.in_cell = False
        self.value_text: str | None = None
        self.inline: list[str] | None = None
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise too_large(self.reader.path)
        local = _SHEET_TAGS.get(name)
        if local is None:
            return
        if self.in_cell:
            if local == "t":
                if self.inline is not None and not self.phonetic:
                    self.parts = []
                    self.length = 0
                    self.collecting = True
            elif local == "v":
                self.parts = []
                self.length = 0
                self.collecting = True
            elif local == "is":
                self.inline = []
            elif local == "f":
                self.formula = True
            elif local == "rPh":
                self.phonetic += 1
        elif local == "c":
            if self.row is not None:
                self._start_cell(attrs)
        elif local == "row":
            if self.in_data:
                self._start_row(attrs)
        elif local == "sheetData":
            self.in_data = True
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        local = _SHEET_TAGS.get(name)
        if local is None:
            return
        if self.in_cell:
            if local == "c":
                self._end_cell()
            elif local == "t":
                if self.inline is not None and not self.phonetic:
                    self.collecting = False
                    self.inline.append("".join(self.parts))
            elif local == "v":
                self.collecting = False
                self.value_text = "".join(self.parts)
            elif local == "rPh":
                self.phonetic -= 1
        elif local == "row":
            row = self.row
            if row is not None:
                if row.values or row.bad:
                    self._count_row()
                    self.done.append(row)
                self.row = None
        elif local == "sheetData":
            self.in_data = False

    def _count_row(self) -> None:
        """Rows holding a value count (empty rows cost only their elements, within ``max_elements``)."""
        reader = self.reader
        self.rows_here += 1
        reader.rows_read += 1
        if self.rows_here > reader.limits.max_sheet_rows or reader.rows_read > reader.limits.max_rows:
            raise refusal(reader.path, _("the sheet “{sheet}” has more than {limit} rows; a progress workbook has "
                                         "far fewer. Split the file or remove the empty rows at its end.").format(
                sheet=self.sheet, limit=f"{MAX_DATA_ROWS:,}".replace(",", ".")))

    def _start_row(self, attrs: dict[str, str]) -> None:
        reader = self.reader
        text = attrs.get("r")
        number = self.last_row + 1 if text is None else _int(text)
        if number is None or not self.last_row < number <= MAX_ROW:
            raise reader.broken(self.sheet, _("row {row}").format(row=(text or "")[:20]))
        self.last_row = number
        self.row_digits = str(number)
        self.last_column = -1
        self.row = SheetRow(number, {})

    def _start_cell(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is None:
            column = self.last_column + 1
            self.cell_ref = ""
        else:
            letters = ref.rstrip("0123456789")
            column = _COLUMNS.get(letters, -1) if letters.isupper() else _COLUMNS.get(letters.upper(), -1)
            if ref[len(letters):] != self.row_digits or column < 0:  # another row's cell, or no reference at all
                raise self.reader.broken(self.sheet, ref[:20])
            self.cell_ref = ref
        if column <= self.last_column or column >= MAX_COLUMN:  # two cells in one place, or out of order
            raise self.reader.broken(self.sheet, ref[:20] if ref else f"{column_letter(column)}{self.row_digits}")
        self.last_column = self.column = column
        self.cell_type = attrs.get("t", "")
        style = attrs.get("s")
        self.style = 0 if style is None else (_int(style) or 0)
        self.formula = False
        self.in_cell = True
        self.value_text = None
        self.inline = None

    def _end_cell(self) -> None:
        row = self.row
        assert row is not None
        self.in_cell = False
        self.collecting = False
        self.parts = []
        self.length = 0
        column = self.column
        if self.formula:
            if column < self.max_column:
                row.bad[column] = FORMULA
            return
        cell_type = self.cell_type
        if cell_type == "e":
            if column < self.max_column:
                row.bad[column] = (self.value_text or "").strip()[:20] or "#ERROR"
            return
        if cell_type == "inlineStr" and self.inline is not None:
            value: Any = self.reader.shared(decode_escapes("".join(self.inline)))
        else:
            value = self.reader.cell_value(self.sheet, self.cell_ref or f"{column_letter(column)}{self.row_digits}",
                                           cell_type, self.style, self.value_text or "", None)
        if value is None or value == "" or column >= self.max_column:
            return  # a cell outside what the caller reads is still checked (a broken one breaks the file)
        reader = self.reader
        if isinstance(value, str) and cell_type != "s":  # a shared string was counted once, when it was read
            reader.keep_text(len(value))
        reader.cells_read += 1
        if reader.cells_read > reader.limits.max_cells:
            raise too_large(reader.path)
        row.values[column] = value

    def _merge(self, ref: str) -> None:
        if len(self.merged) >= self.reader.limits.max_merged:
            raise too_large(self.reader.path)
        first, _sep, last = ref.partition(":")
        start, end = _REFERENCE.fullmatch(first), _REFERENCE.fullmatch(last or first)
        if start is None or end is None:
            return  # Excel ignores a merge it cannot read; so do we (the cells are read one by one)
        top, left = int(start.group(2)) - 1, _column_index(start.group(1).upper())
        bottom, right = int(end.group(2)) - 1, _column_index(end.group(1).upper())
        self.merged.append(((min(top, bottom), min(left, right)), (max(top, bottom), max(left, right))))

    def finish(self) -> None:
        self.reader.elements += self.elements


def _column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


_COLUMNS = {column_letter(index): index for index in range(MAX_COLUMN)}  # "A" → 0 … "XFD" → 16383
