"""The streaming ZIP, read back with Python's `zipfile` (CRCs checked by `testzip()`) and
by looking at the bytes where the format's readers look (local headers)."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
from collections.abc import Iterator

from django.utils import timezone

from tissage.core.archives import Member, file_chunks, zip_stream

DATA_DESCRIPTOR = 0x08
ZIP64_EXTRA = 0x0001


def unzip(chunks: Iterator[bytes]) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None, "every member's CRC checks"
    return archive


def local_header(data: bytes, info: zipfile.ZipInfo) -> dict[str, object]:
    """The member's local header, as a streaming reader (or LibreOffice) sees it."""
    at = info.header_offset
    (
        signature,
        _version,
        flags,
        method,
        _time,
        _date,
        crc,
        compressed,
        size,
        name_len,
        extra_len,
    ) = struct.unpack("<4sHHHHHIIIHH", data[at : at + 30])
    assert signature == b"PK\x03\x04"
    extra = data[at + 30 + name_len : at + 30 + name_len + extra_len]
    return {
        "flags": flags,
        "method": method,
        "crc": crc,
        "sizes": (compressed, size),
        "extra_ids": _extra_ids(extra),
        "content_at": at + 30 + name_len + extra_len,
    }


def _extra_ids(extra: bytes) -> list[int]:
    ids, at = [], 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack("<HH", extra[at : at + 4])
        ids.append(kind)
        at += 4 + length
    return ids


def test_members_come_back_whole_in_order_with_their_dates():
    moment = datetime.datetime(2026, 6, 1, 9, 30, 12)
    archive = unzip(
        zip_stream(
            [
                Member("CREDITS.txt", "Photos de l’inventaire\r\n".encode(), modified_at=moment),
                Member("1-1-lavoir.jpg", iter([b"\xff\xd8" * 1000, b"end"]), compress=False),
                Member("dossier/é à.txt", (b"x" for _ in range(3)), modified_at=moment),
            ]
        )
    )
    assert archive.namelist() == ["CREDITS.txt", "1-1-lavoir.jpg", "dossier/é à.txt"]
    assert archive.read("CREDITS.txt") == "Photos de l’inventaire\r\n".encode()
    assert archive.read("1-1-lavoir.jpg") == b"\xff\xd8" * 1000 + b"end"
    assert archive.read("dossier/é à.txt") == b"xxx"
    assert archive.getinfo("CREDITS.txt").date_time == (2026, 6, 1, 9, 30, 12)


def test_an_aware_date_is_written_in_local_time_and_no_date_means_now(settings):
    settings.TIME_ZONE = "Europe/Paris"
    utc = datetime.datetime(2026, 6, 1, 7, 0, tzinfo=datetime.UTC)
    archive = unzip(zip_stream([Member("a", b"1", modified_at=utc), Member("b", b"2")]))
    assert archive.getinfo("a").date_time == (2026, 6, 1, 9, 0, 0)
    now = timezone.localtime().replace(tzinfo=None)
    written = datetime.datetime(*archive.getinfo("b").date_time)
    assert abs(written - now) < datetime.timedelta(seconds=5)


def test_bytes_kept_as_they_are_are_stored_with_their_size_and_no_data_descriptor():
    """What an OpenDocument `mimetype` needs: stored, sizes and CRC in the local header,
    no data descriptor (LibreOffice 24.8.2+ refuses a stored entry with one), no extra
    field, so that its text sits at byte 38 for the format to be sniffed."""
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    data = b"".join(
        zip_stream([Member("mimetype", mimetype, compress=False), Member("c.xml", b"<a/>")])
    )
    archive = unzip(iter([data]))
    first = archive.infolist()[0]
    header = local_header(data, first)
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert header["method"] == 0
    assert not header["flags"] & DATA_DESCRIPTOR  # type: ignore[operator]
    assert header["sizes"] == (len(mimetype), len(mimetype))
    assert header["extra_ids"] == []
    assert data[30:38] == b"mimetype" and data[38 : 38 + len(mimetype)] == mimetype


def test_a_stream_kept_as_it_is_is_not_compressed_again():
    photo = bytes(range(256)) * 4000  # 1 MB that deflate would shrink
    archive = unzip(zip_stream([Member("p.jpg", iter([photo]), size=len(photo), compress=False)]))
    info = archive.getinfo("p.jpg")
    assert archive.read("p.jpg") == photo
    assert info.compress_size >= info.file_size  # written as it is, not recompressed


def test_streamed_members_use_zip64_only_when_their_size_needs_it():
    small = b"x" * 1000
    data = b"".join(
        zip_stream(
            [
                Member("small.txt", iter([small]), size=len(small)),
                Member("unknown-size.txt", iter([small])),
                # A declared size over 4 GiB gets ZIP64 headers; the bytes are few here,
                # which the format allows, so that the test stays fast.
                Member("huge.bin", iter([small]), size=5 * 2**30),
            ]
        )
    )
    archive = unzip(iter([data]))
    headers = {info.filename: local_header(data, info) for info in archive.infolist()}
    assert ZIP64_EXTRA not in headers["small.txt"]["extra_ids"]  # type: ignore[operator]
    assert ZIP64_EXTRA not in headers["unknown-size.txt"]["extra_ids"]  # type: ignore[operator]
    assert ZIP64_EXTRA in headers["huge.bin"]["extra_ids"]  # type: ignore[operator]
    assert archive.read("huge.bin") == small


def test_more_than_65535_members_get_a_zip64_directory():
    """A campaign of 100,000 photos: the classic directory counts 65,535 entries at most."""
    count = 70_000
    data = b"".join(zip_stream(Member(f"{n}.jpg", (b"%d" % n,)) for n in range(count)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.infolist()) == count
    assert archive.read("69999.jpg") == b"69999"
    assert b"PK\x06\x06" in data[-200:]  # the ZIP64 end of central directory record


def test_the_archive_streams_before_the_last_member_is_read():
    opened: list[str] = []

    def photo(name: str) -> Iterator[bytes]:
        opened.append(name)
        yield name.encode() * 100_000

    def members() -> Iterator[Member]:
        for n in range(5):
            yield Member(f"{n}.jpg", photo(f"{n}.jpg"), compress=False)

    chunks = zip_stream(members())
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04")
    assert "4.jpg" not in opened
    rest = b"".join(chunks)
    assert opened == [f"{n}.jpg" for n in range(5)]
    assert unzip(iter([first + rest])).read("4.jpg") == b"4.jpg" * 100_000


class Handle(io.BytesIO):
    pass


def test_file_chunks_reads_a_file_and_closes_it():
    handle = Handle(b"a" * 10 + b"b" * 5)
    assert list(file_chunks(handle, size=10)) == [b"a" * 10, b"b" * 5]
    assert handle.closed


def test_a_cancelled_download_closes_the_file_being_read():
    handle = Handle(b"a" * 1_000_000)
    chunks = zip_stream([Member("a.bin", file_chunks(handle, size=1000), compress=False)])
    next(chunks), next(chunks)  # the header, then the first 64 KiB of the file
    assert not handle.closed
    chunks.close()  # what Django does when the client goes away
    assert handle.closed
