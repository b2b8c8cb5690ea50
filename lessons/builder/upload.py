"""Accept uploaded bytes as text, or refuse them with a reason an editor can act on."""

from __future__ import annotations

import hashlib
import unicodedata

from .errors import BuilderError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Signatures of formats that are not plain text, whatever the file is called.
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
}
ACCEPTED_FORMATS = (
    "MediaWiki wikitext, Markdown (with or without front matter), a saved HTML page, "
    "or plain text such as a transcript"
)
# Above this share of control characters, decoded "text" is really binary.
_CONTROL_SHARE = 0.1


def decode_upload(*, data: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Return the upload's text, or raise BuilderError saying why it cannot be used."""
    if not data or not data.strip():
        raise BuilderError(f"{name} is empty.")
    if len(data) > max_bytes:
        raise BuilderError(f"{name} is larger than {_size(max_bytes)}; split it or trim it.")
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise BuilderError(
                f"{name} looks like {kind}, which cannot be read. Upload {ACCEPTED_FORMATS}."
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise BuilderError(f"{name} starts like UTF-16 text but does not decode.") from error
    else:
        if b"\x00" in data:
            raise BuilderError(
                f"{name} contains NUL bytes, so it is binary, not text. Upload {ACCEPTED_FORMATS}."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BuilderError(
                f"{name} is not valid UTF-8 text (bad byte at position {error.start}); "
                "save it as UTF-8 and upload it again."
            ) from error
    check_text(text=text, name=name)
    return text


def check_text(*, text: str, name: str) -> None:
    """Raise BuilderError when `text` is empty or looks like binary data."""
    if not text or not text.strip():
        raise BuilderError(f"{name} is empty.")
    if "\x00" in text:
        raise BuilderError(
            f"{name} contains NUL characters, so it is binary, not text. Upload {ACCEPTED_FORMATS}."
        )
    controls = sum(
        1 for char in text if char not in "\n\r\t" and unicodedata.category(char) == "Cc"
    )
    if controls / len(text) > _CONTROL_SHARE:
        raise BuilderError(
            f"{name} is mostly control characters, so it is binary, not text. "
            f"Upload {ACCEPTED_FORMATS}."
        )


def content_hash(text: str | bytes) -> str:
    """Return the SHA-256 of the text as UTF-8 (no BOM, "\n" newlines), to spot a re-import."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return hashlib.sha256(text).hexdigest()
    normalised = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"
