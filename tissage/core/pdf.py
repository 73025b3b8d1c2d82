"""A printable page as a PDF, made on the server by WeasyPrint from the same HTML: the
dashboard's funders' reports, the consultations' paper questionnaire.

WeasyPrint never goes to the network: `LocalFiles` answers the page's static files from
STATIC_ROOT (or the finders, before `collectstatic`) and its public media from the
storage; any other address (another site, a private file) is refused and left out of the
PDF. WeasyPrint needs Pango at run time: where it cannot load, `pdf_from_html` raises
`PdfUnavailable` and the view says so in a page instead of failing.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.utils._os import safe_join

from tissage.core.files import StorageUnavailable, is_private, public_name

# Where the page's relative addresses point while WeasyPrint reads it: the site itself
# when its address is set, so that links in the PDF work once printed or sent.
_FALLBACK_BASE = "http://localhost"


class PdfUnavailable(Exception):
    """WeasyPrint or one of the system libraries it needs (Pango) cannot load."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: a missing libpango
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def base_url() -> str:
    return (settings.SITE_URL or _FALLBACK_BASE) + "/"


def static_bytes(name: str) -> bytes | None:
    """A static file by its name under STATIC_URL (hashed or not): the collected copy,
    else the one the finders know (tests, development)."""
    if not name or ".." in name.split("/"):
        return None
    if settings.STATIC_ROOT:
        try:
            path = safe_join(str(settings.STATIC_ROOT), name)
        except SuspiciousFileOperation:
            return None
        try:
            with open(path, "rb") as file:
                return file.read()
        except OSError:
            pass
    found = finders.find(name)
    if isinstance(found, str):
        with open(found, "rb") as file:
            return file.read()
    return None


def media_bytes(name: str) -> bytes | None:
    """A public uploaded file; a private one is never put into a PDF."""
    if not name or is_private(name) or ".." in name.split("/"):
        return None
    try:
        with default_storage.open(name) as file:
            return bytes(file.read())
    except (OSError, ValueError, StorageUnavailable):
        return None


def local_fetcher() -> Any:
    weasyprint = _weasyprint()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url()))

    class LocalFiles(weasyprint.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            stored = public_name(url)
            if stored is not None:
                # A public file on the object store: read through the storage, as on disk.
                data = media_bytes(stored)
                if data is None:
                    raise ValueError(f"Not a public file: {url}")
                content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
                return weasyprint.urls.URLFetcherResponse(
                    url, data, {"Content-Type": content_type}, 200
                )
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                raise ValueError(f"Not fetched (no network for PDFs): {url}")
            path = unquote(parts.path)
            data = None
            if path.startswith(settings.STATIC_URL):
                data = static_bytes(path.removeprefix(settings.STATIC_URL))
            elif path.startswith(settings.MEDIA_URL):
                data = media_bytes(path.removeprefix(settings.MEDIA_URL))
            if data is None:
                raise ValueError(f"Not a static or public file: {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, data, {"Content-Type": content_type}, 200
            )

    return LocalFiles()


def pdf_from_html(html: str) -> bytes:
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=local_fetcher())
    return bytes(document.write_pdf())
