"""Vietnamese text: NFC normalisation at every entry point, folding for search and matching."""

from __future__ import annotations

import unicodedata

# Old and new tone placement ("hoà"/"hòa", "Uỷ"/"Ủy") differ even after NFC; they are
# folded away together with every other mark when diacritics are ignored.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """The one normal form stored anywhere: Unicode NFC, surrounding blanks removed."""
    return unicodedata.normalize("NFC", text).strip()


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
