"""Canonical, unambiguous encoding of the fields bound into keys, AAD and signatures.

Every field is a type tag, a 4-byte big-endian length and the bytes, so no
two different field lists encode alike ("ab","c" differs from "a","bc").
"""

from __future__ import annotations

import struct

Field = bytes | str | int


def encode_fields(*fields: Field) -> bytes:
    out = bytearray()
    for value in fields:
        if isinstance(value, bool):
            raise TypeError("booleans are not encodable fields")
        if isinstance(value, bytes):
            tag, raw = b"b", value
        elif isinstance(value, str):
            tag, raw = b"s", value.encode("utf-8")
        elif isinstance(value, int):
            tag, raw = b"i", value.to_bytes(8, "big", signed=True)
        else:
            raise TypeError(f"unsupported field type {type(value).__name__}")
        out += tag + struct.pack(">I", len(raw)) + raw
    return bytes(out)
