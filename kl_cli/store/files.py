"""Reading with a bound: never more than the limit and one byte, however the file grows while it
is read (the caller says what over the limit means)."""

from __future__ import annotations

from collections.abc import Callable


def read_bounded(read: Callable[[int], bytes], limit: int, chunk: int = 1 << 20) -> bytes:
    """At most `limit + 1` bytes from `read` (os.read on a descriptor, a stream's read): more
    than `limit` returned means the input is over the limit."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        data = read(min(remaining, chunk))
        if not data:
            break
        chunks.append(data)
        remaining -= len(data)
    return b"".join(chunks)
