"""Bytes to text. Plain text, JSONL and CSV must be UTF-8 (a bad byte is reported with
its line); web pages declare their charset, or lie about it, so they are decoded
leniently: byte-order mark, UTF-8, the declared charset, UTF-8 with stray Windows-1252
bytes repaired (mixed-encoding pages), then a statistical guess (charset_normalizer).
Mojibake that survives decoding is repaired later by ftfy (``records.normalise``)."""
from __future__ import annotations

import codecs
import re

import charset_normalizer

from dyads.errors import InputError

SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _cp1252_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejects as Windows-1252 (mixed-encoding pages)."""
    return exc.object[exc.start:exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("dyads-cp1252", _cp1252_fallback)


def check_text_bytes(data: bytes, origin: str) -> None:
    """Raise for an empty or binary input (NUL bytes near the start, no UTF-16/32 mark)."""
    if not data.strip():
        raise InputError("empty file", origin, kind="empty")
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith(tuple(bom for bom, _ in _BOMS[1:])):
        raise InputError("binary file (contains NUL bytes), not text", origin, kind="binary")


def decode_utf8(data: bytes, origin: str) -> str:
    """Strict UTF-8 (a BOM is allowed); the error names the byte and line."""
    check_text_bytes(data, origin)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"invalid UTF-8 at byte {exc.start} (line {line})", origin, kind="encoding") from None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # Browsers read a declared Latin-1 as Windows-1252 (the WHATWG encoding standard).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def decode_page(data: bytes, origin: str, charset: str | None = None) -> str:
    """A web page's text: BOM, then UTF-8 (valid UTF-8 with non-ASCII bytes is UTF-8 whatever
    the page declares), then the charset given (HTTP header) or declared (meta tag), then
    UTF-8 with stray Windows-1252 bytes repaired, then a statistical guess."""
    check_text_bytes(data, origin)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    for codec in dict.fromkeys(filter(None, ("utf-8", _codec(charset), declared_charset(data)))):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="dyads-cp1252")
    best = charset_normalizer.from_bytes(data[: 4 * SNIFF_BYTES]).best()
    if best is None or best.encoding is None:
        raise InputError("cannot tell the text encoding (not UTF-8, none declared, no good guess)", origin, kind="encoding")
    return data.decode(best.encoding, errors="replace")


def _mostly_utf8(data: bytes) -> bool:
    """Whether undecodable bytes are strays in UTF-8 text: at least as many characters
    decode as valid multi-byte UTF-8 as there are bad sequences (each becomes one U+FFFD)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good >= bad
