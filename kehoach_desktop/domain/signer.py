"""Whether a certificate's organisation is the unit that issues a document.

Government certificates write names their own way: "UBND quận Đống Đa" for "Ủy ban nhân dân quận
Đống Đa", capitals or not, old or new tone marks, a trailing "- TP Hà Nội". Names are compared
without diacritics, case or punctuation, with the usual abbreviations spelled out.
"""

from __future__ import annotations

import re

from kehoach_desktop.domain.text import fold

# Folded abbreviations → the folded words they stand for.
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "vh&tt": "van hoa va thong tin",
    "vhtt": "van hoa va thong tin",
    "vh-tt": "van hoa va thong tin",
    "tt-tt": "thong tin va truyen thong",
}
_WORD = re.compile(r"[a-z0-9&]+(?:-[a-z0-9&]+)*")


def organisation_key(name: str) -> str:
    """``UBND Quận Đống Đa`` and ``ỦY BAN NHÂN DÂN QUẬN ĐỐNG ĐA`` both give ``uy ban nhan dan quan dong da``."""
    words = []
    for word in _WORD.findall(fold(name)):
        expanded = ABBREVIATIONS.get(word)
        if expanded is None and "-" in word:  # "vh-tt" is one abbreviation; "ba-dinh" two words
            words.extend(ABBREVIATIONS.get(part, part) for part in word.split("-"))
        else:
            words.append(expanded or word)
    return " ".join(words)


def same_organisation(certificate_organisation: str, issuing_unit: str) -> bool:
    """The certificate's organisation is the issuing unit, or the unit followed by more of its address
    ("UBND quận Đống Đa - TP Hà Nội")."""
    holder, unit = organisation_key(certificate_organisation), organisation_key(issuing_unit)
    if not holder or not unit:
        return False
    return holder == unit or holder.startswith(unit + " ")
