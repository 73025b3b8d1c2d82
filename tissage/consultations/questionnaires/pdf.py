"""The paper questionnaire as a PDF, made on the server by WeasyPrint from the same HTML
as the printable page (consultations may not import the dashboard's report module).

WeasyPrint never goes to the network: the print stylesheet is read from the app's static
files and given to it, and any address the page names is refused. Where WeasyPrint or
Pango cannot load, `PdfUnavailable` is raised and the view offers the printable page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders

STYLESHEET = "consultations/paper.css"


class PdfUnavailable(Exception):
    """WeasyPrint or one of the system libraries it needs cannot load."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: a missing libpango
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def _no_network(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"Not fetched (no network for the paper questionnaire): {url}")


def pdf_from_html(html: str) -> bytes:
    weasyprint = _weasyprint()
    found = finders.find(STYLESHEET)
    stylesheets = []
    if isinstance(found, str):
        with open(found, encoding="utf-8") as file:
            stylesheets.append(weasyprint.CSS(string=file.read()))
    document = weasyprint.HTML(string=html, base_url="http://localhost/", url_fetcher=_no_network)
    return bytes(document.write_pdf(stylesheets=stylesheets))
