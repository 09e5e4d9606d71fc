"""Splitting text into overlapping chunks: windows of about `size` characters that end on a
paragraph, sentence or word boundary, each starting `overlap` characters before the previous
one ended, so a passage cut in two is still found whole in one of them."""

from __future__ import annotations

import re

SPACES = re.compile(r"[ \t\f\v]+")
BLANK_LINES = re.compile(r"\n\s*\n+")
BOUNDARIES = ("\n\n", ". ", "\n", " ")


def normalise(text: str) -> str:
    text = SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return BLANK_LINES.sub("\n\n", text).strip()


def split(text: str, size: int = 800, overlap: int = 120) -> list[str]:
    text = normalise(text)
    if not text:
        return []
    overlap = min(overlap, size // 2)
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = _cut(text, start, size)
        chunks.append(text[start:end].strip())
        if end >= len(text):
            break
        start = _next_start(text, end, overlap, start)
    return [chunk for chunk in chunks if chunk]


def _cut(text: str, start: int, size: int) -> int:
    end = start + size
    if end >= len(text):
        return len(text)
    for boundary in BOUNDARIES:
        at = text.rfind(boundary, start + size // 2, end)
        if at != -1:
            return at + len(boundary)
    return end


def _next_start(text: str, end: int, overlap: int, previous: int) -> int:
    start = max(end - overlap, previous + 1)
    space = text.find(" ", start, end)
    return space + 1 if space != -1 and overlap else start
