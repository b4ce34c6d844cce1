"""The signing tokens to offer: those found on this computer, the library the workspace remembers tried first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kehoach_desktop.exchange.pdf.tokens import (
    PROBE_TIMEOUT,
    Choice,
    FoundToken,
    LibraryProbe,
    TokenCertificate,
    candidate_libraries,
    choices,
    discover,
    found_tokens,
    library_folder,
)
from kehoach_desktop.services.reports import get_token_settings
from kehoach_desktop.storage.uow import UnitOfWorkFactory

__all__ = ["Choice", "FoundToken", "LibraryProbe", "TokenCertificate", "TokenSearch", "find_tokens",
           "library_folder"]


@dataclass(frozen=True)
class TokenSearch:
    choices: tuple[Choice, ...]  # one per certificate (or per token whose certificates need the PIN)
    probes: tuple[LibraryProbe, ...]  # every library tried, with why it could not be used
    chosen_problems: tuple[str, ...]  # the problems of the libraries the user chose (the others stay quiet)


def find_tokens(*, uow_factory: UnitOfWorkFactory | None, chosen: Sequence[str] = (),
                timeout: float = PROBE_TIMEOUT) -> TokenSearch:
    """Probe every library present (slow: run it off the GUI thread); ``chosen`` were browsed to by the user."""
    remembered = get_token_settings(uow_factory=uow_factory) if uow_factory is not None else None
    first = [*chosen, *([remembered.library] if remembered else [])]
    probes = discover(candidate_libraries(extra=first), timeout=timeout)
    chosen_problems = tuple(
        probe.problem for probe in probes if probe.problem and probe.library in chosen)
    return TokenSearch(tuple(choices(found_tokens(probes))), tuple(probes), chosen_problems)
