"""Bad input is refused with a BuilderError that says what is wrong."""

import pytest

from lessons.builder import BuilderError, build_document, build_lesson, content_hash, decode_upload


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("   \n\t \n", "is empty"),
        ("text with a \x00 NUL", "binary"),
        ("\x01\x02\x03\x04\x05 abc \x06\x07\x08", "binary"),
        ("{{main|Something}} [[File:x.jpg|thumb]] {{sfn|A|2000}}", "no paragraphs remain"),
        ("0 Comments\n\n  • 1000 / 1000\n", "no paragraphs remain"),
    ],
)
def test_build_document_refuses_unusable_text(text, message):
    with pytest.raises(BuilderError, match=message):
        build_document(text=text, name="doc.txt")


def test_builder_error_is_a_value_error():
    assert issubclass(BuilderError, ValueError)


def test_build_lesson_needs_documents_with_distinct_names():
    with pytest.raises(BuilderError, match="No documents"):
        build_lesson(documents=[])
    with pytest.raises(BuilderError, match="different name"):
        build_lesson(documents=[("a", "Some text here."), ("a", "Other text here.")])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n ", "is empty"),
        (b"abc\x00def", "NUL bytes"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_decode_upload_refuses_what_is_not_text(data, message):
    with pytest.raises(BuilderError, match=message):
        decode_upload(data=data, name="upload.txt")


def test_decode_upload_refuses_more_than_two_megabytes():
    with pytest.raises(BuilderError, match="larger than 2 MB"):
        decode_upload(data=b"a" * (2 * 1024 * 1024 + 1), name="big.txt")


def test_decode_upload_accepts_utf8_with_or_without_bom_and_utf16_with_bom():
    assert decode_upload(data="Café – 1936".encode(), name="a.txt") == "Café – 1936"
    assert decode_upload(data="\ufeffCafé".encode(), name="a.txt") == "Café"
    assert decode_upload(data="Café".encode("utf-16"), name="a.txt") == "Café"


def test_content_hash_recognises_the_same_text_however_it_arrives():
    text = "Line one\nLine two\n"
    assert content_hash(text) == content_hash(text.encode())
    assert content_hash(text) == content_hash(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert content_hash(text) != content_hash(text + ".")
    assert len(content_hash(text)) == 64
