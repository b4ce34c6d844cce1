"""Maintain the gettext catalogs: extract the messages, update ``i18n/vi``, compile ``.mo`` files.

    python packaging/i18n_catalogs.py update    # extract + merge into i18n/vi/LC_MESSAGES/kehoach.po
    python packaging/i18n_catalogs.py compile   # write kehoach.mo next to each .po
    python packaging/i18n_catalogs.py check     # exit 1 if a message is missing or fuzzy, the .mo is stale,
                                                # the header unfilled, or a word breaks docs/glossary.md

Source strings are English; the Vietnamese catalog must translate every one of them, in the words of
``docs/glossary.md``: its table lists, for each concept, the wrong variants that ``check`` looks for
in the Vietnamese catalog, the English source strings, the Excel workbook's headers and labels and
the Vietnamese text that the PDF reports and workbooks write from the code.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
GLOSSARY = ROOT / "docs" / "glossary.md"
GUIDE = ROOT / "resources" / "guide"  # the user's guide: <language>/*.md, "vi" and "en"
# Where the Vietnamese that the code writes itself lives (PDF reports, workbooks, plans): in the string
# literals of any module, so every module is read (docstrings and the LEGACY_* tables of old words aside).
DOCUMENT_SOURCES = ("**/*.py",)
HEADER_PLACEHOLDERS = ("PROJECT", "FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "ORGANIZATION", "FIRST AUTHOR",
                       "LL@li.org")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


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


def package_version() -> str:
    text = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    return match[1] if match else "0"


def fill_header(catalog: Catalog) -> None:
    """The catalog's header names the project, its version and who keeps the words (no template placeholders)."""
    catalog.project = "Kế hoạch Desktop"
    catalog.version = package_version()
    catalog.copyright_holder = "Kế hoạch Desktop"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Kế hoạch Desktop (tiếng Việt theo docs/glossary.md)"
    catalog.language_team = "Tiếng Việt"
    catalog.revision_date = catalog.creation_date
    catalog.header_comment = ("# Vietnamese translations of Kế hoạch Desktop.\n"
                              "# The words follow docs/glossary.md; `python packaging/i18n_catalogs.py check` "
                              "keeps them so.")


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        fill_header(catalog)
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


def header_problems(language: str) -> list[str]:
    """Template placeholders left in the catalog's header (PROJECT VERSION, FULL NAME <EMAIL@ADDRESS>…)."""
    text = po_path(language).read_text(encoding="utf-8")
    header = text.split('\n\n', 1)[0]
    return [f"the header still says {word!r}: run `python packaging/i18n_catalogs.py update`"
            for word in HEADER_PLACEHOLDERS if word in header]


@dataclass(frozen=True)
class Variant:
    """A wrong variant of a glossary term: words (any case), ``re:`` a regular expression, ``=`` a whole text."""

    written: str
    term: str

    def found_in(self, text: str) -> bool:
        if self.written.startswith("re:"):
            return re.search(self.written[3:], text) is not None
        if self.written.startswith("="):
            return text == self.written[1:]
        return re.search(rf"(?<!\w){re.escape(self.written)}(?!\w)", text, re.IGNORECASE) is not None


def glossary_variants(path: Path = GLOSSARY) -> tuple[list[Variant], list[Variant]]:
    """The wrong Vietnamese and English variants of the table under "## Terms" of the glossary."""
    vietnamese: list[Variant] = []
    english: list[Variant] = []
    section = path.read_text(encoding="utf-8").split("## Terms", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    head = [cell.strip() for cell in rows[0].strip("|").split("|")]
    for line in rows[2:]:
        cells = dict(zip(head, (cell.strip() for cell in line.strip("|").split("|")), strict=False))
        term = cells["Vietnamese"]
        vietnamese += [Variant(v, term) for v in re.findall(r"`([^`]+)`", cells["wrong Vietnamese"])]
        english += [Variant(v, cells["English"]) for v in re.findall(r"`([^`]+)`", cells["wrong English"])]
    return vietnamese, english


def variant_problems(texts: Iterable[tuple[str, str]], variants: list[Variant]) -> list[str]:
    """One line per text and wrong variant: where, the variant, the text, the glossary's word(s) for it."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for where, text in texts:
        for variant in variants:
            if variant.found_in(text):
                terms = found.setdefault((where, text, variant.written), [])
                if variant.term not in terms:
                    terms.append(variant.term)
    return [f"{where}: {written!r} in {text!r}; the glossary's word: {' or '.join(terms)}"
            for (where, text, written), terms in found.items()]


def catalog_texts(catalog: Catalog) -> Iterator[tuple[str, str]]:
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            for string in strings:
                yield f"catalog {key!r}", string or ""


def english_texts(template: Catalog) -> Iterator[tuple[str, str]]:
    for message in template:
        if message.id:
            for text in [message.id] if isinstance(message.id, str) else message.id:
                yield f"{message.locations[0][0]}:{message.locations[0][1]}", text


def workbook_texts(english: bool = False) -> Iterator[tuple[str, str]]:
    """What the progress workbook writes: sheet names, title lines, column titles, drop-down labels
    (``english``: the English names of its sheets, columns and labels, which the importer reads too)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from kehoach_desktop.exchange.excel_format import CHOICES, SHEETS

    for spec in SHEETS.values():
        yield f"workbook sheet {spec.key}", spec.english if english else spec.title
        if not english:
            yield f"workbook sheet {spec.key}", spec.heading
        for column in spec.columns:
            yield f"workbook column {spec.key}.{column.key}", column.english if english else column.title
    for key, choices in CHOICES.items():
        for choice in choices:
            yield f"workbook list {key}", choice.english if english else choice.vietnamese


def _literals(tree: ast.AST) -> Iterator[ast.Constant]:
    """String literals of a module, without docstrings and without the ``LEGACY_*`` tables of old words."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            skipped.add(id(body[0].value))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id.startswith("LEGACY_") for t in targets):
            skipped.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node


def document_texts(package: Path = PACKAGE) -> Iterator[tuple[str, str]]:
    """The Vietnamese written from the code into PDF reports, workbooks and plans (string literals of the code)."""
    for pattern in DOCUMENT_SOURCES:
        for path in sorted(package.glob(pattern)):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in _literals(tree):
                yield f"{path.relative_to(package.parent)}:{node.lineno}", node.value


def guide_texts(language: str, guide: Path = GUIDE) -> Iterator[tuple[str, str]]:
    """The lines of the user's guide in one language (none while the project has no guide)."""
    for path in sorted((guide / language).glob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(guide.parent.parent)}:{number}", line


def glossary_problems(catalog: Catalog, template: Catalog) -> list[str]:
    vietnamese, english = glossary_variants()
    return [*variant_problems(catalog_texts(catalog), vietnamese),
            *variant_problems(english_texts(template), english),
            *variant_problems(workbook_texts(), vietnamese),
            *variant_problems(workbook_texts(english=True), english),
            *variant_problems(document_texts(), vietnamese),
            *variant_problems(guide_texts("vi"), vietnamese),
            *variant_problems(guide_texts("en"), english)]


def check() -> int:
    template = extract()
    status = 0
    for language in LANGUAGES:
        catalog = read_catalog(language)
        issues = problems(catalog, template) + header_problems(language) + glossary_problems(catalog, template)
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            issues.append(f"{mo.relative_to(ROOT)} is stale: run `python packaging/i18n_catalogs.py compile`")
        for issue in issues:
            print(f"{language}: {issue}")
        if issues:
            print(f"{language}: {len(issues)} problem(s). A wrong word: change the translation (or the English "
                  f"source string) to the glossary's word; a word the glossary should allow: edit "
                  f"{GLOSSARY.relative_to(ROOT)}.")
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
