"""The hidden origin cell of a row: what the row was made from, so that an import knows what the file knew.

The last column of each data sheet (hidden, locked) holds a small JSON object:

- a record's row: ``{"ver": 3, "v": ["1.1.", "Tuyên truyền…", …, "Đang thực hiện", 0.5, …]}`` — the
  record's version and the values of the compared columns *as written in the cells* at export, in the
  order the ``_meta`` sheet gives (``origin_columns_<sheet>``; empty values as null, dates as
  ``YYYY-MM-DD``), so that a returned cell is compared with what it was, by the same parser that reads
  the cell (a list, not an object, because the origin cells are a third of the workbook's text);
- an empty row left for a new record: ``{"t": "<export id>:materials:7"}`` — a token that stays with the
  row (sorting moves it along) and survives a re-save, so that a row already imported is recognised;
- a row created by an import, in the marked copy: the token and the values it was created with (its new
  id is in column A).

Why a cell on the row and not the ``_meta`` sheet: the origin must travel with its row when a unit sorts
or filters, and the marked copy must be able to rewrite it for the rows it ties to new records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kehoach_desktop.exchange.excel_format import SheetSpec

MAX_CELL_TEXT = 32_000  # Excel holds 32,767 characters in a cell; a longer origin keeps its token only
MAX_TOKEN = 200


@dataclass(frozen=True)
class RowOrigin:
    token: str = ""
    version: int | None = None
    values: dict[str, Any] | None = field(default=None)  # column key -> cell value at export (None: unknown)


def jsonable(value: Any) -> Any:
    """A cell value as JSON holds it (dates as ``YYYY-MM-DD``)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return jsonable(value)
    raise TypeError(f"not a cell value: {type(value).__name__}")


# one encoder for every row (json.dumps with options builds a new one per call)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode


@cache
def origin_keys(spec: SheetSpec) -> tuple[str, ...]:
    return spec.origin_keys


def origin_columns_meta(spec: SheetSpec) -> tuple[str, str]:
    """The ``_meta`` entry that names the columns of the sheet's origin lists, in order."""
    return f"origin_columns_{spec.key}", ",".join(origin_keys(spec))


def origin_text(spec: SheetSpec, values: Mapping[str, Any] | None, *, version: int | None = None,
                token: str = "", keys: Sequence[str] | None = None) -> str:
    """The origin cell of a row (``values``: column key -> the value written in that column's cell;
    ``keys``: the order of the file's origin lists, by default this version's)."""
    listed = None if values is None else [
        None if values.get(key) == "" else values.get(key) for key in (keys or origin_keys(spec))]
    return encode_origin(listed, version=version, token=token)


def encode_origin(values: list[Any] | None, *, version: int | None = None, token: str = "") -> str:
    """The origin cell from the values of the compared columns in order (empty ones as None)."""
    payload: dict[str, Any] = {}
    if token:
        payload["t"] = token
    if values is not None:
        while values and values[-1] is None:
            values.pop()
        if version is not None:
            payload["ver"] = version
        payload["v"] = values
    text = _ENCODE(payload)
    if len(text) > MAX_CELL_TEXT:  # a row of very long texts: the import compares it with the workspace instead
        text = _ENCODE({"t": token} if token else {})
    return text


def read_origin(cell: Any, keys: Sequence[str]) -> RowOrigin | None:
    """The origin of a row from its cell (``keys``: the columns of its list, from ``_meta``); None when the
    cell is empty or not an origin (edited, damaged)."""
    if not isinstance(cell, str) or not cell.startswith("{") or len(cell) > MAX_CELL_TEXT + 1000:
        return None
    try:
        payload = json.loads(cell)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    token = payload.get("t", "")
    version = payload.get("ver")
    listed = payload.get("v")
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        token = ""
    if not isinstance(version, int) or isinstance(version, bool):
        version = None
    values = None
    if isinstance(listed, list) and len(listed) <= len(keys) and all(
            v is None or isinstance(v, str | int | float) for v in listed):
        values = dict(zip(keys, listed, strict=False))
    return RowOrigin(token, version, values)


def same_as_written(cell: Any, written: Any) -> bool:
    """True when a cell as read still holds what was written (a fast check; False when unsure)."""
    if written is None or written == "":
        return cell is None or cell == ""
    if isinstance(written, str):
        if isinstance(cell, str):
            return cell == written
        if isinstance(cell, dt.date | dt.time):
            return jsonable(cell) == written
        return False
    if isinstance(cell, bool) or isinstance(written, bool):
        return False
    if isinstance(cell, int | float) and isinstance(written, int | float):
        return float(cell) == float(written)
    return False
