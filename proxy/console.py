"""The publisher portal's Test console: its internal keys work only on calls it relays.

A console key belongs to one API and is marked in its key snapshot. The web tier relays each
console call with a proof beside the key: an HMAC of the key under the key pepper, which only
the web tier and the proxy hold. A browser that learnt the key cannot make the proof, so the
key is useless outside the console. The console may call an API still being designed
(CREATED): the gateway routes such an API for console keys only.
"""

from __future__ import annotations

import hashlib
import hmac

CONSOLE_PROOF_HEADER = "x-tollgate-console"
CONSOLE_STATES = frozenset({"CREATED"})  # routed for console keys only


def console_proof(pepper: str, key: str) -> str:
    return hmac.new(pepper.encode(), b"console:" + key.encode(), hashlib.sha256).hexdigest()


def proven(headers: dict[str, str], pepper: str, key: str) -> bool:
    sent = headers.get(CONSOLE_PROOF_HEADER, "")
    return bool(sent) and hmac.compare_digest(sent, console_proof(pepper, key))
