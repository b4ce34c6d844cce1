"""Check (and fix) the interface names the user guide gives against the program's messages, without a window.

    python packaging/guide_names.py          # list each name that is not the interface's word now (exit 1)
    python packaging/guide_names.py --fix    # write the interface's word where it is one word; list what is
                                             # left to decide by hand

Every {button:…}, {page:…}, {menu:A > B} and {label:…} of a chapter must be a message of the program: an English
source string for the English guide; for the Vietnamese guide, the current translation (i18n/vi) of the English
guide's name at the same place — both guides name the same things in the same order. So after a change of the
catalog, a name is reported with the words the interface now uses in its place (read through the other guide's
name there), and ``--fix`` writes them.
Keys ({key:…}) and whether a name is a button or a label are checked by the guide's tour against the real windows
(``packaging/guide_images.py``, ``pytest --guide-tour tests/ui/test_guide.py``). Tested by tests/test_guide_names.py.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "packaging")]

from kehoach_desktop.domain.guide import MENU_SEPARATOR, Guide, Span, UiKind, interface_name  # noqa: E402

Words = dict[str, set[str]]  # an English message, as compared → the words the interface shows for it


def key(text: str) -> str:
    """How a name is compared: as the guide writes it, a trailing colon optional."""
    return interface_name(text).rstrip(":").strip()


def interface_words() -> dict[str, Words]:
    """The interface's words in each language, keyed by the other language's words.

    ``vi``: each English message of the program's source → its Vietnamese translations (one per context);
    ``en``: each Vietnamese translation → the English messages it translates.
    """
    import i18n_catalogs

    template, catalog = i18n_catalogs.extract(), i18n_catalogs.read_catalog("vi")
    words: dict[str, Words] = {"en": {}, "vi": {}}
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        translated = catalog.get(message.id, context=message.context)
        strings = ((translated.string if isinstance(translated.string, tuple | list) else (translated.string,))
                   if translated is not None else ())
        for index, english in enumerate(ids):
            for vietnamese in strings[index:index + 1] or strings[-1:]:
                if vietnamese:
                    words["vi"].setdefault(key(english), set()).add(key(vietnamese))
                    words["en"].setdefault(key(vietnamese), set()).add(key(english))
    return words


def parts(span: Span) -> list[str]:
    return [key(part) for part in span.text.split(MENU_SEPARATOR)] if span.kind == UiKind.MENU else [key(span.text)]


def named(guide: Guide) -> list[tuple[str, Span]]:
    """(file, mark) of every name but keys, in reading order."""
    return [(source, span) for source, _chapter, span in guide.ui_names() if span.kind != UiKind.KEY]


@dataclass(frozen=True)
class Stale:
    """A name of the guide the interface does not show (``part``: the menu's entry or title at fault)."""

    source: str  # "vi/07-gui-bao-cao.md"
    span: Span
    part: str
    counterpart: str  # the other guide's name at the same place, with its language: 'English: “Sync”'
    now: tuple[str, ...]  # the interface's words for the counterpart (empty: none)
    near: tuple[str, ...]  # when ``now`` is empty: the closest words the interface has

    @property
    def replacement(self) -> str | None:
        """The mark as the interface now reads, when that is one word; None when a person must decide."""
        if len(self.now) != 1:
            return None
        names = self.span.text.split(MENU_SEPARATOR) if self.span.kind == UiKind.MENU else [self.span.text]
        fixed = [self.now[0] + (":" if name.rstrip().endswith(":") else "") if key(name) == self.part else name
                 for name in names]
        return f"{{{self.span.kind}:{MENU_SEPARATOR.join(fixed)}}}"

    def describe(self, where: str) -> str:
        which = f" “{self.part}”" if self.span.kind == UiKind.MENU else ""
        if self.now:
            hint = f"the interface now says “{' / '.join(self.now)}” ({self.counterpart})"
        else:
            hint = "no message of the program reads so" + (f"; nearest: “{'” / “'.join(self.near)}”"
                                                            if self.near else "")
        return f"{where}: {{{self.span.kind}:{self.span.text}}}{which}: {hint}"


def stale_names(guide: Guide, other: Guide, words: Words) -> list[Stale]:
    """Each name of ``guide`` that is not the interface's word, with the word for the other guide's name in its place.

    ``other``: the guide in the other language; ``words``: the interface's words in ``guide``'s language keyed by
    the other language's (:func:`interface_words`). An English name is right when it is a message of the program
    (the source); a Vietnamese one when it translates the English name at the same place.
    """
    shown = set().union(*words.values())
    other_language = "English" if other.language == "en" else "Vietnamese"
    found: list[Stale] = []
    for (source, span), (_other_source, other_span) in zip(named(guide), named(other), strict=True):
        for part, other_part in zip(parts(span), parts(other_span), strict=True):
            now = tuple(sorted(words.get(other_part, ())))
            right = part in shown if guide.language == "en" else part in now or (not now and part in shown)
            if right:
                continue
            near = () if now else tuple(difflib.get_close_matches(part, shown, n=3, cutoff=0.6))
            stale = Stale(source, span, part, f"{other_language}: “{other_part}”", now, near)
            if stale not in found:
                found.append(stale)
    return found


def mark_pattern(span: Span) -> re.Pattern[str]:
    return re.compile(r"\{" + span.kind + r":\s*" + re.escape(span.text) + r"\s*\}")


def lines(folder: Path, stale: Stale) -> str:
    """Where the name is written: ``resources/guide/vi/02-ke-hoach.md:11, 80``."""
    path = folder / stale.source
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    numbers = [str(n) for n, line in enumerate(text.splitlines(), 1) if mark_pattern(stale.span).search(line)]
    return f"{folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}/{stale.source}:" \
           f"{', '.join(numbers) or '?'}"


def fix(folder: Path, found: list[Stale]) -> list[Stale]:
    """Write each one-word replacement into the guide's files under ``folder``; returns what is left."""
    left = []
    for stale in found:
        replacement = stale.replacement
        path = folder / stale.source
        if replacement is None or not path.is_file():
            left.append(stale)
            continue
        path.write_text(mark_pattern(stale.span).sub(lambda _m, r=replacement: r, path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    return left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="write the interface's words where they are one word")
    args = parser.parse_args()
    from kehoach_desktop.services.guide import load_guide

    folder = ROOT / "resources" / "guide"
    words = interface_words()
    status = 0
    for language, other in (("en", "vi"), ("vi", "en")):
        found = stale_names(load_guide(language), load_guide(other), words[language])
        if args.fix:
            fixed = [stale for stale in found if stale.replacement is not None]
            for stale in fixed:
                print(f"{lines(folder, stale)}: {{{stale.span.kind}:{stale.span.text}}} → {stale.replacement}")
            found = fix(folder, found)
        for stale in found:
            print(stale.describe(lines(folder, stale)), file=sys.stderr)
            status = 1
    if args.fix:
        print("Then: python packaging/guide_images.py (the pictures show the interface's words too).")
    return status


if __name__ == "__main__":
    sys.exit(main())
