"""Provider-credential encryption and API-key hashing, configured from settings."""

import secrets
import string
from functools import cache

from django.conf import settings

from proxy.public import KeyRing, key_digest

TOKEN_ALPHABET = string.ascii_letters + string.digits


@cache
def key_ring() -> KeyRing:
    return KeyRing(settings.TOLLGATE_FERNET_KEYS, settings.SECRET_KEY)


def encrypt_credential(plaintext: str) -> str:
    return key_ring().encrypt(plaintext) if plaintext else ""


def decrypt_credential(token: str) -> str:
    return key_ring().decrypt(token) if token else ""


def random_text(length: int) -> str:
    """Letters and digits from the OS's secure random source (key and token material)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


def hash_key(key: str) -> str:
    return key_digest(settings.TOLLGATE_KEY_PEPPER, key)
