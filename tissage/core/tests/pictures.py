"""Pictures as phones send them (with GPS and other metadata), and the check that what was
stored keeps none of it: for the tests of every form that takes a picture."""

import io

import pillow_heif
from PIL import Image


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
