"""The one photo pipeline: only real pictures, upright, resized, with no metadata; and its
form fields."""

import io
import struct
import zlib

import pillow_heif
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from tissage.core import photos
from tissage.core.photos import (
    PhotoField,
    PhotosField,
    photo_prepare,
    photo_reencode,
    validate_photo,
)

GPS = {1: "N", 2: (43.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Marie Dupont</rdf:RDF></x:xmpmeta>'


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = GPS
    return exif


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def jpeg_with_gps(size=(3000, 1500), orientation: int = 1) -> bytes:
    return encode(
        Image.effect_noise(size, 40).convert("RGB"),
        "JPEG",
        exif=exif_with_gps(orientation),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        comment=b"Taken at 12 rue des Lilas",
        xmp=XMP,
    )


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header announces a huge 1-bit picture, as a decompression bomb does."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)


def read_back(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = read_back(data)
    assert not image.getexif()
    for key in ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp"):
        assert key not in image.info
    for secret in (b"PhoneMaker", b"Exif", b"Marie Dupont", b"rue des Lilas"):
        assert secret not in data


def refusal_code(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ValidationError) as refusal:
        photo_prepare(upload(data, name))
    return refusal.value.code


def test_jpeg_loses_exif_gps_xmp_icc_and_comment_and_is_resized():
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:  # the test file does carry all of it
        assert original.getexif().get_ifd(0x8825)
        assert {"exif", "icc_profile", "comment", "xmp"} <= original.info.keys()

    prepared = photo_prepare(upload(data, "IMG_2024-05-01 Marie.jpg"))

    image_data = prepared.image.read()
    assert_no_metadata(image_data)
    assert read_back(image_data).format == "JPEG"
    assert read_back(image_data).size == (2048, 1024) == (prepared.width, prepared.height)
    assert prepared.image.name.endswith(".jpg")
    assert "Marie" not in prepared.image.name
    thumbnail_data = prepared.thumbnail.read()
    assert_no_metadata(thumbnail_data)
    assert read_back(thumbnail_data).size == (400, 200)
    assert read_back(thumbnail_data).format == "WEBP"


def test_orientation_is_applied():
    image = Image.new("RGB", (300, 100), "red")
    image.paste("blue", (150, 0, 300, 100))  # left half red, right half blue
    data = encode(image, "JPEG", exif=exif_with_gps(orientation=6))

    prepared = photo_prepare(upload(data))

    upright = read_back(prepared.image.read())
    assert upright.size == (100, 300) == (prepared.width, prepared.height)
    # Orientation 6 turns the picture a quarter clockwise: its left (red) half comes on top.
    red, _green, blue = upright.getpixel((50, 20))
    assert red > 200 and blue < 60
    assert not upright.getexif()


def test_small_photo_is_not_enlarged():
    prepared = photo_prepare(upload(encode(Image.new("RGB", (320, 240), "green"), "JPEG")))

    assert read_back(prepared.image.read()).size == (320, 240)
    assert read_back(prepared.thumbnail.read()).size == (320, 240)


def test_png_with_transparency_stays_png_with_its_alpha():
    image = Image.new("RGBA", (2400, 1200), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 1200, 1200))
    data = encode(image, "PNG", exif=exif_with_gps())

    prepared = photo_prepare(upload(data, "plan.png"))

    image_data = prepared.image.read()
    stored = read_back(image_data)
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (2048, 1024))
    assert stored.getpixel((10, 10))[3] == 0
    assert stored.getpixel((2000, 10))[3] == 255
    assert prepared.image.name.endswith(".png")
    assert_no_metadata(image_data)
    thumbnail = read_back(prepared.thumbnail.read())
    assert thumbnail.mode == "RGBA"
    assert thumbnail.getpixel((10, 10))[3] == 0


def test_16_bit_greyscale_png_keeps_its_shades():
    gradient = Image.linear_gradient("L").resize((300, 200)).convert("I")
    data = encode(gradient.point(lambda value: value * 256).convert("I;16"), "PNG")

    stored = read_back(photo_prepare(upload(data, "scan.png")).image.read())

    assert stored.mode == "L"
    assert stored.getpixel((5, 0)) < 10
    assert 100 < stored.getpixel((5, 100)) < 160
    assert stored.getpixel((5, 199)) > 245


def test_webp_stays_webp():
    data = encode(Image.new("RGB", (800, 600), "blue"), "WEBP", exif=exif_with_gps().tobytes())

    prepared = photo_prepare(upload(data, "photo.webp"))

    image_data = prepared.image.read()
    assert read_back(image_data).format == "WEBP"
    assert prepared.image.name.endswith(".webp")
    assert_no_metadata(image_data)


def test_heic_becomes_a_jpeg_without_metadata():
    image = Image.new("RGB", (300, 100), "red")
    heif = pillow_heif.from_pillow(image)
    buffer = io.BytesIO()
    heif.save(buffer, quality=80, exif=exif_with_gps(orientation=6).tobytes(), xmp=XMP)
    data = buffer.getvalue()
    assert data[4:12] == b"ftypheic"

    prepared = photo_prepare(upload(data, "IMG_0001.HEIC"))

    image_data = prepared.image.read()
    assert read_back(image_data).format == "JPEG"
    assert read_back(image_data).size == (100, 300)
    assert prepared.image.name.endswith(".jpg")
    assert_no_metadata(image_data)


def test_heif_support_does_not_leak_into_other_uploads():
    # Pillow is left as it was: HEIF is read only where this module reads it.
    assert "HEIF" not in Image.OPEN


def test_heic_is_refused_with_a_clear_message_where_it_cannot_be_read(monkeypatch):
    monkeypatch.setattr(photos, "HeifImageFile", None)
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100

    with pytest.raises(ValidationError) as refusal:
        photo_prepare(upload(data, "IMG_0001.HEIC"))

    assert refusal.value.code == "format"
    assert "JPEG" in str(refusal.value.message)


def test_file_over_15_mb_is_refused_before_decoding(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("the file should not be decoded")

    monkeypatch.setattr(photos, "_open", no_decoding)
    data = jpeg_with_gps((64, 64)) + b"\x00" * (16 * 1024 * 1024)

    with pytest.raises(ValidationError) as refusal:
        photo_prepare(upload(data))

    assert refusal.value.code == "too_large"
    assert refusal.value.params == {"size": 17}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("document.jpg", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF"),
        ("animation.jpg", encode(Image.new("P", (10, 10)), "GIF")),
        ("photo.jpg", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1avif" + b"\x00" * 64),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_photos_are_refused(name, data):
    assert refusal_code(data, name) == "format"


def test_truncated_jpeg_is_refused():
    data = jpeg_with_gps((600, 400))

    assert refusal_code(data[: len(data) // 2]) == "invalid"


def test_corrupt_heic_is_refused():
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100

    assert refusal_code(data, "IMG_0001.HEIC") == "invalid"


def test_photo_over_40_megapixels_is_refused():
    data = encode(Image.new("1", (8000, 6000)), "PNG")
    assert len(data) < 100_000

    with pytest.raises(ValidationError) as refusal:
        photo_prepare(upload(data, "scan.png"))

    assert refusal.value.code == "pixels"
    assert refusal.value.params == {"millions": 48}


@pytest.mark.parametrize(
    "side",
    [
        10_000,  # Pillow only warns about it: the warning must become a refusal
        20_000,  # Pillow raises DecompressionBombError
    ],
)
def test_decompression_bomb_is_refused(side):
    assert refusal_code(png_claiming(side, side), "bomb.png") == "pixels"


def test_validate_photo_accepts_a_photo_and_leaves_the_file_where_it_was():
    photo = upload(jpeg_with_gps((600, 400)))
    photo.seek(5)

    validate_photo(photo)

    assert photo.tell() == 5


def test_validate_photo_refuses_too_many_pixels_and_leaves_the_file_open():
    """From 40 to 89 million pixels (Pillow's own bomb limit), the picture is opened before
    it is refused: closing it closed the upload too, and seeking it back was a 500."""
    data = encode(Image.new("1", (8000, 6250)), "PNG")  # 50 million pixels, 6 kB
    photo = upload(data, "scan.png")
    photo.seek(5)

    with pytest.raises(ValidationError) as refusal:
        validate_photo(photo)

    assert refusal.value.code == "pixels"
    assert refusal.value.params == {"millions": 50}
    assert not photo.closed
    assert photo.tell() == 5


def test_a_form_field_with_validate_photo_refuses_50_million_pixels_with_a_message():
    class PhotoForm(forms.Form):
        photo = forms.FileField(validators=[validate_photo])

    form = PhotoForm(
        files={"photo": upload(encode(Image.new("1", (8000, 6250)), "PNG"), "scan.png")}
    )

    assert not form.is_valid()
    assert form.errors.as_data()["photo"][0].code == "pixels"


def test_a_file_larger_than_it_claims_is_refused_before_decoding():
    data = jpeg_with_gps((64, 64)) + b"\x00" * (16 * 1024 * 1024)
    liar = File(io.BytesIO(data), name="photo.jpg")
    liar.size = 1000

    with pytest.raises(ValidationError) as refusal:
        photo_prepare(liar)

    assert refusal.value.code == "too_large"


def test_validate_photo_works_as_a_form_field_validator():
    class PhotoForm(forms.Form):
        photo = forms.FileField(validators=[validate_photo])

    good = PhotoForm(files={"photo": upload(jpeg_with_gps((600, 400)))})
    bad = PhotoForm(files={"photo": upload(b"%PDF-1.4\n%%EOF", "document.jpg")})

    assert good.is_valid()
    assert not bad.is_valid()
    assert bad.errors.as_data()["photo"][0].code == "format"


def test_photo_reencode_gives_the_picture_alone_at_the_size_asked():
    picture = photo_reencode(upload(jpeg_with_gps(), "IMG_2024-05-01 Marie.jpg"), max_side=512)

    data = picture.read()
    assert_no_metadata(data)
    assert read_back(data).size == (512, 256)
    assert picture.name.endswith(".jpg")
    assert "Marie" not in picture.name


def test_photo_reencode_refuses_like_photo_prepare():
    with pytest.raises(ValidationError) as refusal:
        photo_reencode(upload(b"%PDF-1.4\n%%EOF", "document.jpg"))

    assert refusal.value.code == "format"


class PictureForm(forms.Form):
    picture = PhotoField(max_side=1000, required=False)


def test_photo_field_cleans_to_the_re_encoded_picture():
    form = PictureForm(files={"picture": upload(jpeg_with_gps(), "photo.jpg")})

    assert form.is_valid()
    data = form.cleaned_data["picture"].read()
    assert_no_metadata(data)
    assert read_back(data).size == (1000, 500)


def test_photo_field_refuses_with_the_pipeline_messages():
    form = PictureForm(files={"picture": upload(png_claiming(20_000, 20_000), "bomb.png")})

    assert not form.is_valid()
    assert form.errors.as_data()["picture"][0].code == "pixels"


def test_photo_field_offers_the_formats_it_takes_and_may_be_left_empty():
    form = PictureForm(data={})

    assert 'accept="image/jpeg,image/png,image/webp,image/heic"' in str(form["picture"])
    assert form.is_valid()
    assert form.cleaned_data["picture"] is None


class AlbumForm(forms.Form):
    photos = PhotosField(max_count=2, error_messages={"required": "Une photo au moins."})


def album(*files: SimpleUploadedFile) -> AlbumForm:
    form = AlbumForm(data={})
    form.files.setlist("photos", list(files))  # type: ignore[attr-defined]
    return form


def test_photos_field_cleans_to_prepared_photos():
    small = encode(Image.new("RGB", (320, 240), "green"), "JPEG")
    form = album(upload(small), upload(small))

    assert form.is_valid()
    prepared = form.cleaned_data["photos"]
    assert [(p.width, p.height) for p in prepared] == [(320, 240), (320, 240)]
    assert read_back(prepared[0].thumbnail.read()).format == "WEBP"
    assert 'accept="image/jpeg,image/png,image/webp,image/heic"' in str(form["photos"])
    assert "multiple" in str(form["photos"])


def test_photos_field_names_each_refused_file():
    small = encode(Image.new("RGB", (32, 24), "green"), "JPEG")
    form = album(upload(small, "good.jpg"), upload(b"%PDF-1.4\n%%EOF", "scan.jpg"))

    assert not form.is_valid()
    [error] = form.errors["photos"]
    assert error.startswith("scan.jpg : ")


def test_photos_field_refuses_too_many_and_none_when_required():
    small = encode(Image.new("RGB", (32, 24), "green"), "JPEG")
    too_many = album(*(upload(small) for _ in range(3)))
    none = album()

    assert not too_many.is_valid()
    assert too_many.errors.as_data()["photos"][0].code == "too_many"
    assert too_many.errors["photos"] == ["Envoyez 2 photos au plus."]
    assert not none.is_valid()
    assert none.errors["photos"] == ["Une photo au moins."]
