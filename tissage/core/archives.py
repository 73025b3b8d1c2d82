"""ZIP archives written as they are sent: the photos of a campaign, a person's data, the
package of an OpenDocument spreadsheet.

Built on `stream-zip`, which writes each member as its bytes come (nothing but the
current chunk and the list of names is held) and, unlike `zipstream-ng`, lets us choose
for each member how it is framed:

- a member given as `bytes` with `compress=False` is *stored* with its size and CRC in its
  header and no data descriptor. An OpenDocument package needs that for its `mimetype`
  entry: LibreOffice 24.8.2 and later refuse a stored entry followed by a data
  descriptor ("the file is corrupt"), which is how `zipstream-ng` writes every entry;
- other members are deflated as they stream, and use ZIP64 only when their size or
  their place in the archive needs it (and the archive's directory likewise), so the
  small archives we make every day open with the oldest tools and LibreOffice;
- each member carries the date we give it (the date of the export, say), not the time
  the bytes happened to be written.
"""

from __future__ import annotations

import datetime
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.utils import timezone
from stream_zip import NO_COMPRESSION_32, ZIP_AUTO, Method, stream_zip

CHUNK_SIZE = 256 * 1024
# What a member's bytes become on disk once extracted: a plain file anyone may read.
FILE_MODE = stat.S_IFREG | 0o644
# Deflate's level: zlib's default, as `zipfile` uses; higher levels cost time for little.
DEFLATE_LEVEL = 6
# Deflate at level 0 writes the bytes as they are, in stored blocks, while streaming;
# for data that is compressed already (JPEG, PNG, WebP) recompressing gains nothing.
AS_IS_LEVEL = 0
# The ZIP format cannot date a file before 1980.
_EARLIEST = datetime.datetime(1980, 1, 1)


@dataclass(frozen=True)
class Member:
    """One file of the archive.

    `content` is `bytes`, or an iterable of `bytes` read only when the archive reaches
    this member (a generator that opens a file, a spreadsheet being written). `size`, when
    the content is an iterable whose length is known beforehand, lets a file larger than
    4 GiB get its ZIP64 header. `compress=False` keeps the bytes as they are: stored, for
    `bytes` (meant for small members near the start, such as ODF's `mimetype`: a stored
    member has no ZIP64 form here); in deflate's stored blocks for a stream. `modified_at`
    is local time, naive or aware; the time of writing if not given.
    """

    name: str
    content: bytes | Iterable[bytes]
    size: int | None = None
    compress: bool = True
    modified_at: datetime.datetime | None = None


def zip_stream(members: Iterable[Member]) -> Iterator[bytes]:
    """The archive, in chunks of up to 64 KiB; the first ones come as soon as the first
    member's header is written. `members` is read one at a time, as the archive goes."""
    now = _dos_time(None)
    return iter(
        stream_zip(
            (_entry(member, now) for member in members),
            # No "UT" extra field: ODF forbids any in the `mimetype` header, and the DOS
            # date is what every unzip tool shows.
            extended_timestamps=False,
        )
    )


def file_chunks(handle: IO[bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The bytes of an open file, a chunk at a time; the file is closed at the end, or
    when the archive is abandoned half-way (a download cancelled). Open the file just
    before yielding its `Member` (a file that cannot be opened is then left out), not
    for all members at once."""
    with handle:
        while chunk := handle.read(size):
            yield chunk


def _entry(
    member: Member, now: datetime.datetime
) -> tuple[str, datetime.datetime, int, Method, Iterable[bytes]]:
    method: Method
    content = member.content
    if isinstance(content, bytes):
        size = len(content)
        method = NO_COMPRESSION_32 if not member.compress else ZIP_AUTO(size, level=DEFLATE_LEVEL)
        chunks: Iterable[bytes] = (content,)
    else:
        size = member.size or 0
        level = DEFLATE_LEVEL if member.compress else AS_IS_LEVEL
        method = ZIP_AUTO(size, level=level)
        chunks = content
    moment = now if member.modified_at is None else _dos_time(member.modified_at)
    return member.name, moment, FILE_MODE, method, chunks


def _dos_time(moment: datetime.datetime | None) -> datetime.datetime:
    local = timezone.localtime(moment) if moment is None or timezone.is_aware(moment) else moment
    return max(local.replace(tzinfo=None), _EARLIEST)
