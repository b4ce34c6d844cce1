"""Vietnamese text: NFC normalisation at every entry point, folding for search and matching."""

from __future__ import annotations

import re
import unicodedata

from kehoach_desktop.i18n import _

# Old and new tone placement ("hoà"/"hòa", "Uỷ"/"Ủy") differ even after NFC; they are
# folded away together with every other mark when diacritics are ignored.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """The one normal form stored anywhere: Unicode NFC, surrounding blanks removed."""
    return unicodedata.normalize("NFC", line_breaks(text)).strip()


def nfc_or_none(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = nfc(text)
    return cleaned or None


def fold(text: str, *, diacritics: bool = False) -> str:
    """A key for case-insensitive search; with ``diacritics=False`` marks are dropped too.

    ``fold("Đống Đa") == fold("dong da") == "dong da"``.
    """
    lowered = unicodedata.normalize("NFC", text).casefold()
    if diacritics:
        return " ".join(lowered.split())
    decomposed = unicodedata.normalize("NFD", lowered.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def matches(query: str, *texts: str | None, diacritics: bool = False) -> bool:
    """True when every word of ``query`` occurs in one of ``texts`` (after folding)."""
    words = fold(query, diacritics=diacritics).split()
    if not words:
        return True
    haystack = " ".join(fold(t, diacritics=diacritics) for t in texts if t)
    return all(word in haystack for word in words)


# Control characters no text of ours may hold: C0 but tab and newline, and DEL. A carriage return is a
# line break typed on Windows or pasted from a file: it becomes a newline (see :func:`line_breaks`).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def line_breaks(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line ends as newlines: the one line break stored."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def control_character(text: str) -> tuple[int, str] | None:
    """The first control character of ``text`` (after :func:`line_breaks`) and its 1-based position, or None."""
    found = _CONTROL.search(text)
    return None if found is None else (found.start() + 1, found.group())


def control_character_problem(text: str) -> str | None:
    """``None`` for clean text, else what is wrong in words: the character's code and where it is."""
    found = control_character(text)
    if found is None:
        return None
    position, character = found
    return _("holds an invisible control character (U+{code:04X}) at character {position}; delete it and type "
             "the text again").format(code=ord(character), position=position)


def visible_controls(text: str) -> str:
    """``text`` with each control character shown as its symbol (U+0007 as ␇), to quote it in a message."""
    if control_character(text) is None:
        return text
    return _CONTROL.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)
