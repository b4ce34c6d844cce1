"""Translations: ``_``, ``N_`` and ``ngettext`` over the gettext catalogs in ``i18n/``.

Source strings are English; Vietnamese is the default language and its catalog
must be complete (a test checks it). English needs no catalog entries.
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
