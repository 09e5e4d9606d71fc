"""Text out of an uploaded document: plain text, Markdown, HTML, PDF, or JSON lines of chunks
already cut by the uploader."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import PurePath

import orjson

MEDIA_TYPES = ("text", "markdown", "html", "pdf", "jsonl")
BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


class UnreadableDocument(ValueError):
    """The upload cannot be read as its media type (the message says why)."""


def media_type_of(filename: str, declared: str = "") -> str:
    if declared:
        if declared not in MEDIA_TYPES:
            raise UnreadableDocument(f"Unknown document type {declared!r}.")
        return declared
    media_type = BY_SUFFIX.get(PurePath(filename).suffix.lower())
    if media_type is None:
        raise UnreadableDocument(
            "Unknown file type: upload .txt, .md, .html, .pdf or .jsonl, or say which type it is."
        )
    return media_type


def text_of(source: bytes, media_type: str) -> str:
    if media_type == "pdf":
        return _pdf_text(source)
    text = _decode(source)
    return _html_text(text) if media_type == "html" else text


def ready_chunks(source: bytes) -> list[str]:
    """JSON lines: one object per line with a "text" (other keys are ignored)."""
    chunks = []
    for number, line in enumerate(_decode(source).splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise UnreadableDocument(f"Line {number} is not JSON.") from None
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise UnreadableDocument(f'Line {number} has no "text".')
        chunks.append(text.strip())
    return chunks


def _decode(source: bytes) -> str:
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableDocument("The document is not UTF-8 text.") from None


def _pdf_text(source: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(source))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UnreadableDocument(f"The PDF cannot be read ({type(exc).__name__}).") from None


class _TextOf(HTMLParser):
    SKIPPED = frozenset({"script", "style", "head", "template", "noscript"})
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
