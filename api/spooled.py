"""Large response bodies written to a temporary file first, then sent in chunks.

The writer runs inside the request's database transaction; the file is kept in memory up
to a few megabytes and on disk beyond, so a body of any size is never held in memory, and
it is closed (deleted) once sent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, cast

from fastapi.responses import StreamingResponse

IN_MEMORY_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 256 * 1024


def spooled_response(
    write: Callable[[BinaryIO], Any], media_type: str, headers: dict[str, str] | None = None
) -> StreamingResponse:
    """A response whose body ``write(file)`` writes; errors raised by ``write`` propagate
    before anything is sent, so they still become the usual 4xx answers."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (closed after sending)
    try:
        # a binary file, though typeshed types SpooledTemporaryFile as IO[bytes] only
        write(cast(BinaryIO, spool))
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while block := spool.read(CHUNK_BYTES):
                yield block

    headers = {"Content-Length": str(size), **(headers or {})}
    return StreamingResponse(chunks(), media_type=media_type, headers=headers)
