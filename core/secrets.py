"""Provider-credential encryption and API-key hashing, configured from settings."""

from functools import cache

from django.conf import settings

from proxy.crypto import KeyRing, key_digest


@cache
def key_ring() -> KeyRing:
    return KeyRing(settings.TOLLGATE_FERNET_KEYS, settings.SECRET_KEY)


def encrypt_credential(plaintext: str) -> str:
    return key_ring().encrypt(plaintext) if plaintext else ""


def hash_key(key: str) -> str:
    return key_digest(settings.TOLLGATE_KEY_PEPPER, key)
