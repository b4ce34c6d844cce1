"""argparse's own words (usage, headings, errors) in the interface's language.

argparse looks its messages up with ``gettext`` at the moment it prints them, through the names ``_``
and ``ngettext`` of its module; :func:`translate_argparse` points them at the application's catalog, so
that ``kehoach --help`` and a usage error read in Vietnamese like the rest of the command line.
The messages are listed here so that the catalog extraction finds them.
"""

from __future__ import annotations

import argparse

from kehoach_desktop import i18n
from kehoach_desktop.i18n import N_

# the messages a user can meet (argparse's internal errors, raised at programming mistakes, are left out)
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def translate_argparse() -> None:
    """Make argparse print its messages through the application's catalog (call after ``i18n.setup``)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
