"""What a production process refuses to start without: the rule lives with the proxy (which
checks it too, without Django) in proxy/production.py; settings read it from here."""

from proxy.public import (
    DEV_SECRET_KEY,
    GENERATE_FERNET,
    GENERATE_SECRET,
    MIN_SECRET_LENGTH,
    fernet_key_problems,
    refusals,
)

__all__ = [
    "DEV_SECRET_KEY",
    "GENERATE_FERNET",
    "GENERATE_SECRET",
    "MIN_SECRET_LENGTH",
    "fernet_key_problems",
    "refusals",
]
