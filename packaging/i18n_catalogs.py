"""Maintain the gettext catalogs: extract the messages, update ``i18n/vi``, compile ``.mo`` files.

    python packaging/i18n_catalogs.py update    # extract + merge into i18n/vi/LC_MESSAGES/kehoach.po
    python packaging/i18n_catalogs.py compile   # write kehoach.mo next to each .po
    python packaging/i18n_catalogs.py check     # exit 1 if a message is missing, fuzzy or the .mo is stale

Source strings are English; the Vietnamese catalog must translate every one of them.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kehoach_desktop"
CATALOG_DIR = ROOT / "i18n"
DOMAIN = "kehoach"
LANGUAGES = ("vi",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    catalog = Catalog(project="Kế hoạch Desktop", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(f"kehoach_desktop/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def po_path(language: str) -> Path:
    return CATALOG_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(problems(catalog, template))} to translate")


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for language in LANGUAGES:
        path = po_path(language).with_suffix(".mo")
        path.write_bytes(compiled(read_catalog(language)))
        print(f"wrote {path.relative_to(ROOT)}")


def problems(catalog: Catalog, template: Catalog) -> list[str]:
    """Every source message that the catalog lacks, leaves untranslated or marks fuzzy."""
    found = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            found.append(f"missing: {key!r}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {key!r}")
        elif not (entry.string if isinstance(entry.string, str | None) else all(entry.string)):
            found.append(f"untranslated: {key!r}")
    return found


def check() -> int:
    template = extract()
    status = 0
    for language in LANGUAGES:
        catalog = read_catalog(language)
        issues = problems(catalog, template)
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            issues.append(f"{mo.relative_to(ROOT)} is stale: run `python packaging/i18n_catalogs.py compile`")
        for issue in issues:
            print(f"{language}: {issue}")
        status |= bool(issues)
    return status


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"usage: {sys.argv[0]} update|compile|check")
