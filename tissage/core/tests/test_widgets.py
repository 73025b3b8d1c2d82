"""The shared widgets: what the browser is given, and what the form reads back."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tissage.core.widgets import MultiplePhotoInput


def test_the_photo_input_asks_the_browser_for_several_files():
    html = MultiplePhotoInput(attrs={"accept": "image/jpeg"}).render("photos", None)

    assert 'type="file"' in html
    assert "multiple" in html
    assert 'accept="image/jpeg"' in html


def test_the_photo_input_reads_back_every_file_sent():
    first = SimpleUploadedFile("a.jpg", b"a", content_type="image/jpeg")
    second = SimpleUploadedFile("b.jpg", b"b", content_type="image/jpeg")
    files = MultiValueDict({"photos": [first, second]})

    assert MultiplePhotoInput().value_from_datadict({}, files, "photos") == [first, second]
