"""The form of a result that a page carries: compact where a kind's JSON grows fast.

A saliency figure holds a triangle of values (each output token × every earlier token) per
method: 100 tokens make 3,700 numbers per array, 97 KB as JSON text with three arrays. The
page gets what its explorable reads — `share` and `signed` — as half-precision floats in
base64 (2.7 characters a value, 3 significant digits, which is more than the explorable
prints), and not `norm`, which no explorable reads (the static fallback is rendered on the
server from the full record).
The data folder keeps every array at full stored precision.

A packed array is {"f16": base64 of little-endian float16 values, "rows": [row lengths]};
static/js/lib/data.js expands it back into rows when the page loads. Which fields a kind packs
is the kind's `page_form` (kinds/saliency.py).
"""

from __future__ import annotations

import base64
import struct
from typing import Any

HALF_MAX = 65504.0  # the largest finite float16


def pack_rows(rows: list[list[float]]) -> dict[str, Any] | list[list[float]]:
    """Rows of floats as packed half precision; unchanged if a value would overflow it (or is
    NaN). struct's "e" rounds to nearest-even like numpy's float16: the bytes are the same."""
    flat = [float(v) for row in rows for v in row]
    if not all(abs(v) <= HALF_MAX for v in flat):
        return rows
    data = struct.pack(f"<{len(flat)}e", *flat)
    return {"f16": base64.b64encode(data).decode("ascii"), "rows": [len(row) for row in rows]}


def unpack(value: Any) -> Any:
    """The inverse of pack_rows, applied wherever a packed array occurs in `value`."""
    if isinstance(value, dict):
        if set(value) == {"f16", "rows"}:
            raw = base64.b64decode(value["f16"])
            flat = list(struct.unpack(f"<{len(raw) // 2}e", raw))
            rows, start = [], 0
            for length in value["rows"]:
                rows.append(flat[start : start + length])
                start += length
            return rows
        return {key: unpack(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unpack(item) for item in value]
    return value
