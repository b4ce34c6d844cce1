"""Translations: ``_``, ``N_``, ``ngettext`` and ``pgettext`` over the gettext catalogs in ``i18n/``.

Source strings are English; Vietnamese is the default language and its catalog
must be complete (a test checks it). English needs no catalog entries. Where one
English word needs two Vietnamese ones ("Title:" of a signer and of a section),
``pgettext`` gives each use its context. The words themselves follow
``docs/glossary.md``.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

from kehoach_desktop.resources import i18n_dir

DOMAIN = "kehoach"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"
_vietnamese: _gettext.NullTranslations | None = None


def setup(language: str = DEFAULT_LANGUAGE, catalog_dir: Path | None = None) -> None:
    """Activate ``language``; an unknown language falls back to the English source strings."""
    global _translations, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    directory = catalog_dir or i18n_dir()
    _translations = _gettext.translation(DOMAIN, directory, languages=[language], fallback=True)
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, when shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` as meant in ``context`` (the same English word, another Vietnamese one)."""
    return _translations.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations.npgettext(context, singular, plural, n)


def in_vietnamese(message: str) -> str:
    """``message`` in Vietnamese whatever the interface language.

    For the fixed Vietnamese of documents and workbooks (a PDF report, the drop-down lists of
    a progress workbook): they use the interface's own words, so there is one vocabulary.
    """
    global _vietnamese
    if _vietnamese is None:
        _vietnamese = _gettext.translation(DOMAIN, i18n_dir(), languages=[DEFAULT_LANGUAGE], fallback=True)
    return _vietnamese.gettext(message)
