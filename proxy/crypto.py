"""The provider-credential key ring, shared by the control plane and the proxy.

Credentials are Fernet tokens under a MultiFernet ring (newest key first, so keys rotate).
Without configured keys, one key is derived from the secret key so the embedded mode works
out of the box.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["InvalidToken", "KeyRing", "key_digest"]


class KeyRing:
    def __init__(self, fernet_keys: list[str], secret_key: str) -> None:
        keys = fernet_keys or [_derive_fernet_key(secret_key)]
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode()


def _derive_fernet_key(secret_key: str) -> str:
    digest = hashlib.sha256(b"tollgate-fernet:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def key_digest(pepper: str, key: str) -> str:
    """HMAC-SHA256 of an API key: what is stored and what the proxy looks keys up by."""
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()
