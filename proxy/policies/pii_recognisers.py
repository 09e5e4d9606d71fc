"""Built-in PII recognisers: a regex finds candidates, a check (Luhn, IBAN mod 97, a valid
address) drops look-alikes. Order matters: an earlier recogniser's span wins an overlap (a
card number is not also a phone number)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Recogniser:
    entity: str  # also the placeholder's name, e.g. EMAIL -> [EMAIL_1]
    pattern: re.Pattern[str]
    valid: Callable[[str], bool] = lambda _value: True


def luhn(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def phone(value: str) -> bool:
    return 8 <= sum(c.isdigit() for c in value) <= 15


SECRET = (
    r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"
    r"|AKIA[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{36,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
BUILTIN: tuple[Recogniser, ...] = (
    Recogniser("SECRET", re.compile(SECRET)),
    Recogniser(
        "EMAIL", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
    ),
    Recogniser("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"), iban),
    Recogniser("CREDIT_CARD", re.compile(r"\b\d(?:[ -]?\d){12,18}\b"), luhn),
    Recogniser("US_SSN", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")),
    Recogniser(
        "IP_ADDRESS",
        re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"),
        ip_address,
    ),
    Recogniser("IP_ADDRESS", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), ip_address),
    Recogniser(
        "PHONE", re.compile(r"(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?!\w)"), phone
    ),
)
ENTITIES = {
    "secret": "SECRET",
    "email": "EMAIL",
    "iban": "IBAN",
    "credit_card": "CREDIT_CARD",
    "us_ssn": "US_SSN",
    "ip_address": "IP_ADDRESS",
    "phone": "PHONE",
}


def find(text: str, recognisers: tuple[Recogniser, ...]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, entity) spans, in text order."""
    spans: list[tuple[int, int, str]] = []
    for recogniser in recognisers:
        for match in recogniser.pattern.finditer(text):
            start, end = match.span()
            if not recogniser.valid(match.group()):
                continue
            if any(start < e and s < end for s, e, _ in spans):
                continue
            spans.append((start, end, recogniser.entity))
    spans.sort()
    return spans
