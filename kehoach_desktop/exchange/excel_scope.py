"""What a progress workbook was sent with, sealed: which records, for which unit, from which workspace and plan.

The hidden ``_meta`` sheet lists the ids exported in each sheet, and a workbook exported for one
unit may only change those records (issue 18). A unit can edit a hidden sheet, so the list is
sealed: ``scope_check`` in ``_meta`` is an HMAC-SHA256 of the workspace, the plan, the unit filter
and the ids, keyed by a secret only the exporting workspace holds (derived from its signing key).
An edited list, unit or seal does not match; a workbook without a seal is refused the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence

SCOPE_CHECK = "scope_check"  # the _meta key of the seal
_SCOPED_KEYS = ("workspace_id", "plan_id", "unit_filter_code")


def scope_key(signing_private_key: bytes) -> bytes:
    """The workspace's secret for sealing workbooks (never the signing key itself)."""
    return hashlib.sha256(b"kehoach-desktop excel scope\x00" + signing_private_key).digest()


def _message(meta: Mapping[str, str], ids: Mapping[str, Sequence[str]]) -> bytes:
    return json.dumps([[meta.get(k, "") for k in _SCOPED_KEYS], {k: list(v) for k, v in sorted(ids.items())}],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(key: bytes, meta: Mapping[str, str], ids: Mapping[str, Sequence[str]]) -> str:
    return hmac.new(key, _message(meta, ids), hashlib.sha256).hexdigest()


def is_sealed(key: bytes, meta: Mapping[str, str], ids: Mapping[str, Sequence[str]]) -> bool:
    """True when ``meta``'s seal matches what it says was sent (``ids`` as read back from the workbook)."""
    found = meta.get(SCOPE_CHECK, "")
    sent = {k: v for k, v in ids.items() if v}
    return bool(found) and hmac.compare_digest(found, seal(key, meta, sent))
