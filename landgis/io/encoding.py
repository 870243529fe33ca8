"""Text encodings of Chinese GIS files: UTF-8, or GBK / GB18030 from older Windows tools.

A shapefile's ``.cpg`` names the encoding of its ``.dbf``. Without it GDAL assumes
ISO-8859-1 and Chinese names come out as mojibake, so the raw bytes of the text fields
decide instead: valid UTF-8 containing multibyte characters is UTF-8, anything else that
is not ASCII is GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs
import struct
from pathlib import Path

UTF8 = "UTF-8"
GB18030 = "GB18030"

# What .cpg files say, normalised to Python codec names pyogrio understands.
_CPG_NAMES = {
    "65001": UTF8,
    "utf8": UTF8,
    "utf-8": UTF8,
    "936": "GBK",
    "cp936": "GBK",
    "gbk": "GBK",
    "gb2312": GB18030,
    "gb18030": GB18030,
    "54936": GB18030,
    "ansi936": "GBK",
}

_SAMPLE_BYTES = 16 * 1024 * 1024


def decodes(chunks: list[bytes] | bytes, codec: str) -> bool:
    """Whether every chunk decodes with ``codec``; a multibyte character cut off at the end
    of a chunk (a field name truncated to the DBF's 10 bytes) is forgiven."""
    for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
        try:
            chunk.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.reason != "unexpected end of data" or exc.end != len(chunk):
                return False
        except LookupError:
            return False
    return True


def bytes_encoding(chunks: list[bytes] | bytes) -> str | None:
    """UTF-8 or GB18030 for text bytes (one chunk or several: field names, values); None
    when they are plain ASCII (any encoding will do)."""
    chunks = [chunks] if isinstance(chunks, bytes) else chunks
    if all(chunk.isascii() for chunk in chunks):
        return None
    return UTF8 if decodes(chunks, "utf-8") else GB18030


def decode_text(raw: bytes) -> tuple[str, str]:
    """Text of a CSV-like file and its encoding: a BOM, else UTF-8, else GB18030."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8
    for bom, name in ((codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):
            return raw.decode("utf-16"), name
    encoding = bytes_encoding(raw) or UTF8
    return raw.decode("utf-8" if encoding == UTF8 else "gb18030", errors="replace"), encoding


def normalise_codepage(text: str) -> str | None:
    """A Python codec name for a .cpg's content (``65001``, ``GBK``, ``ANSI 936`` …)."""
    key = "".join(text.split()).lower()
    if key in _CPG_NAMES:
        return _CPG_NAMES[key]
    if key.isdigit():
        key = f"cp{key}"
    try:
        return codecs.lookup(key).name.upper()
    except LookupError:
        return None


def dbf_text_chunks(path: Path, limit: int = _SAMPLE_BYTES) -> list[bytes]:
    """The raw bytes of a .dbf's field names and non-blank character values (up to
    ``limit`` bytes in all)."""
    with Path(path).open("rb") as dbf:
        header = dbf.read(32)
        if len(header) < 32:
            return []
        records, header_length, record_length = struct.unpack("<IHH", header[4:12])
        descriptors = dbf.read(max(header_length - 32, 0))
        raw: list[bytes] = []
        for start in range(0, len(descriptors) - 31, 32):
            if descriptors[start] == 0x0D:
                break
            raw.append(descriptors[start : start + 32])
        chunks = [d[:11].split(b"\x00", 1)[0] for d in raw]
        fields: list[tuple[str, int, int]] = []  # (type, offset in record, length)
        for clipper in (False, True):  # Clipper stores long character lengths in 2 bytes
            fields, offset = [], 1  # after the deletion flag
            for d in raw:
                kind = chr(d[11])
                length = d[16] + (d[17] << 8 if clipper and kind == "C" else 0)
                fields.append((kind, offset, length))
                offset += length
            if offset == record_length:
                break
        text_fields = [(o, n) for kind, o, n in fields if kind == "C"]
        if not text_fields or record_length <= 0:
            return chunks
        dbf.seek(header_length)
        size = 0
        for _ in range(records):
            record = dbf.read(record_length)
            if len(record) < record_length or size > limit:
                break
            for field_offset, length in text_fields:
                value = record[field_offset : field_offset + length].strip(b" \x00")
                if value:
                    chunks.append(value)
                    size += len(value)
    return chunks


def _sibling(path: Path, suffix: str) -> Path | None:
    """``path`` with another suffix, matched case-insensitively (``.CPG``, ``.Dbf`` …)."""
    exact = path.with_suffix(suffix)
    if exact.exists():
        return exact
    for candidate in path.parent.glob(f"{path.stem}.*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None


def shapefile_encoding(shp: Path) -> tuple[str | None, str, bool]:
    """The encoding of a shapefile's attributes: ``(codec, how it was known, whether a
    .cpg contradicted the bytes)``. ``how`` is ``cpg``, ``detected`` or ``ascii`` (the
    codec is then None: any will do)."""
    dbf = _sibling(Path(shp), ".dbf")
    chunks = dbf_text_chunks(dbf) if dbf is not None else []
    detected = bytes_encoding(chunks)
    cpg = _sibling(Path(shp), ".cpg")
    if cpg is not None:
        declared = normalise_codepage(cpg.read_text(encoding="ascii", errors="ignore"))
        if declared is not None:
            if detected is not None and not decodes(chunks, declared):
                return detected, "detected", True
            return declared, "cpg", False
    if detected is None:
        return None, "ascii", False
    return detected, "detected", False
