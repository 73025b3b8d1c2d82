"""Pictures as phones send them (with GPS and other metadata), and the check that what was
stored keeps none of it: for the tests of every form that takes a picture."""

import io
import struct

import pillow_heif
from PIL import Image, ImageCms, IptcImagePlugin

GPS = {1: "N", 2: (43.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}
# What the metadata of `jpeg_with_everything` says: none of it may be stored.
SECRETS = (b"PhoneMaker", b"Marie Dupont", b"rue des Lilas", b"Photoshop", b"8BIM", b"Exif")
# Keys under which Pillow shows a picture's metadata, in every format the pipeline writes.
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"}


def jpeg_with_gps() -> bytes:
    """A 3000 × 1500 JPEG with the phone's make and a GPS position."""
    image = Image.new("RGB", (3000, 1500), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def heic_with_gps() -> bytes:
    """An iPhone-style HEIC picture, turned a quarter (orientation 6), with GPS and XMP."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation
    exif[0x8825] = {1: "N", 2: (43.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}  # GPS
    heif = pillow_heif.from_pillow(Image.new("RGB", (3000, 1500), "green"))
    buffer = io.BytesIO()
    heif.save(buffer, quality=60, exif=exif.tobytes(), xmp=b"<x:xmpmeta>Marie Dupont</x:xmpmeta>")
    data = buffer.getvalue()
    assert data[4:12] == b"ftypheic"
    return data


def assert_stripped_jpeg(field_file, size) -> None:
    with field_file.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == size
        assert not stored.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & stored.info.keys()
    for secret in (b"PhoneMaker", b"Marie Dupont"):
        assert secret not in data
    # A fresh name: the phone's one can hold a date or a person's name.
    assert "IMG_0001" not in field_file.name


def _iptc_segment(caption: bytes) -> bytes:
    """A JPEG APP13 segment as Photoshop writes it, holding an IPTC caption (2:120)."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption
    record += b"\x00" * (len(record) % 2)
    resource = b"8BIM" + struct.pack(">HHI", 0x0404, 0, len(record)) + record
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_everything(size: tuple[int, int] = (3000, 1500)) -> bytes:
    """A JPEG with every kind of metadata a phone or an editor writes: EXIF with the
    phone's make and a GPS position, XMP, an IPTC caption, an ICC profile and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(
        buffer,
        format="JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Marie Dupont</x:xmpmeta>',
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        comment=b"Taken at 12 rue des Lilas",
    )
    data = buffer.getvalue()
    data = data[:2] + _iptc_segment(b"Marie Dupont, 12 rue des Lilas") + data[2:]
    with Image.open(io.BytesIO(data)) as original:  # the test file does carry all of it
        assert original.getexif().get_ifd(0x8825) == GPS
        assert METADATA_KEYS - {"XML:com.adobe.xmp"} <= original.info.keys()
        assert IptcImagePlugin.getiptcinfo(original)
    return data


def assert_no_metadata(data: bytes) -> None:
    """The stored picture holds its pixels and nothing else: no EXIF (so no GPS), XMP,
    IPTC, ICC profile or comment, in Pillow's reading and in the bytes themselves."""
    with Image.open(io.BytesIO(data)) as stored:
        stored.load()
        assert not stored.getexif()
        assert not METADATA_KEYS & stored.info.keys()
        assert IptcImagePlugin.getiptcinfo(stored) is None
        if stored.format == "JPEG":
            # Only the JFIF header Pillow writes: no APP1 (EXIF, XMP), APP2 (ICC), APP13
            # (IPTC) or COM segment.
            assert [marker for marker, _content in stored.applist] == ["APP0"]
    for secret in SECRETS:
        assert secret not in data
