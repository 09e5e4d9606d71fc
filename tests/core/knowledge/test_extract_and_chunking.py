"""Documents become text, and text becomes overlapping chunks."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from core.knowledge.chunking import split
from core.knowledge.extract import UnreadableDocument, media_type_of, ready_chunks, text_of


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose content stream draws `text` in Helvetica."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_each_type_yields_its_text():
    html = b"<html><head><style>p{}</style></head><body><p>Refunds</p><script>x()</script>"
    assert text_of(html + b"<p>in 30 days</p></body></html>", "html").split() == [
        "Refunds",
        "in",
        "30",
        "days",
    ]
    assert text_of("# Title\n\nBody \u00e9".encode(), "markdown") == "# Title\n\nBody \u00e9"
    assert "Parcels ship daily" in text_of(pdf_with_text("Parcels ship daily"), "pdf")
    jsonl = b'{"text": "first"}\n\n{"text": "second", "source": "x"}\n'
    assert ready_chunks(jsonl) == ["first", "second"]


@pytest.mark.parametrize(
    ("source", "media_type", "problem"),
    [
        (b"\xff\xfe\x00bad", "text", "not UTF-8"),
        (b"not a pdf", "pdf", "PDF cannot be read"),
        (b'{"text": "ok"}\n[1]\n', "jsonl", 'Line 2 has no "text"'),
        (b"{oops\n", "jsonl", "Line 1 is not JSON"),
    ],
)
def test_unreadable_documents_say_why(source, media_type, problem):
    with pytest.raises(UnreadableDocument, match=problem):
        ready_chunks(source) if media_type == "jsonl" else text_of(source, media_type)


def test_the_media_type_comes_from_the_name_or_the_caller():
    assert media_type_of("Guide.MD") == "markdown"
    assert media_type_of("notes", "text") == "text"
    with pytest.raises(UnreadableDocument):
        media_type_of("slides.pptx")


def test_chunks_overlap_and_cover_the_text():
    sentences = [f"Sentence number {i} talks about topic {i}." for i in range(60)]
    text = " ".join(sentences)
    chunks = split(text, size=200, overlap=50)

    assert all(len(chunk) <= 200 for chunk in chunks)
    assert len(chunks) > len(text) // 200
    for sentence in sentences:
        assert any(sentence in chunk for chunk in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.split()[0] in before  # each chunk starts inside the previous one


def test_short_or_empty_text():
    assert split("  \n\n ") == []
    assert split("One line.") == ["One line."]
