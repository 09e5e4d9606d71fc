"""Usernames that cannot impersonate: NFKC-normalised, checked by Django's username validator,
and compared by their confusable skeleton (Unicode Technical Standard 39), so `аdmin` with a
Cyrillic а, `ADMIN1` and `admin1` are one name. The confusable data is the
`confusable-homoglyphs` package's copy of Unicode's confusables.txt."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache

from confusable_homoglyphs import confusables
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

MAX_LENGTH = 150
validate_characters = UnicodeUsernameValidator()
_MARK = "\u200e"  # the data wraps right-to-left characters in left-to-right marks


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username)


@cache
def _representatives() -> dict[str, str]:
    """Each character → one member of its confusable class (the class's smallest string)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for char, homoglyphs in confusables.confusables_data.items():
        source = char.replace(_MARK, "")
        for homoglyph in homoglyphs:
            target = homoglyph["c"].replace(_MARK, "")
            graph[source].add(target)
            graph[target].add(source)
    chosen: dict[str, str] = {}
    for start in graph:
        if start in chosen:
            continue
        members, frontier = {start}, [start]
        while frontier:
            for neighbour in graph[frontier.pop()] - members:
                members.add(neighbour)
                frontier.append(neighbour)
        smallest = min(members)
        chosen.update(dict.fromkeys(members, smallest))
    return {char: rep for char, rep in chosen.items() if len(char) == 1}


def _map(text: str) -> str:
    table = _representatives()
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in text))


def skeleton(username: str) -> str:
    """Equal for names a reader cannot tell apart: `аdmin1` (Cyrillic а), `ADMIN1`, `adminl`."""
    folded = unicodedata.normalize("NFD", normalise(username).casefold())
    return _map(folded).casefold()


def check(username: str) -> str:
    """The normalised username, or ValidationError saying what is wrong with it."""
    name = normalise(username)
    if not name or len(name) > MAX_LENGTH:
        raise ValidationError(f"Use 1 to {MAX_LENGTH} characters.", code="length")
    validate_characters(name)
    if confusables.is_dangerous(name):
        raise ValidationError(
            "This name mixes scripts with look-alike letters; use one script.", code="confusable"
        )
    return name
