"""The report's files, opened with real readers: the ODS with python-calamine, the PDF with
pypdf."""

import datetime
import io

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from tissage.core import pdf
from tissage.core.tests.factories import OrganisationMembershipFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PERIOD = "?du=2026-01-01&au=2026-06-30"


@pytest.fixture
def project(client):
    project = ProjectFactory(title="Haies du Val")
    client.force_login(OrganisationMembershipFactory(organisation=project.organisation).user)
    return project


def test_the_spreadsheet_has_a_sheet_per_table(client, fake_figures, project):
    answer = client.get(f"/tableau-de-bord/rapports/projets/{project.slug}/ods/{PERIOD}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert f"rapport-{project.slug}-2026-01-01-2026-06-30.ods" in answer["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert book.sheet_names == [
        "Key figures",
        "By month",
        "By commune",
        "Communes not reached",
        "By way of taking part",
        "Funnel",
        "Impact",
        "Actions",
    ]

    def rows(name: str) -> list[list]:
        return book.get_sheet_by_name(name).to_python()

    keys = {row[0]: row[1] for row in rows("Key figures")}
    assert keys["Report on"] == "Haies du Val: mobilisation report"
    assert keys["Start of the period"] == datetime.date(2026, 1, 1)
    assert keys["People who took part"] == 137
    assert keys["Hours given"] == 513.5
    # April's 3 newcomers: the text "< 5", never the number.
    assert rows("By month")[2] == [datetime.date(2026, 4, 1), 40, "< 5", 37]
    hamlet = rows("By commune")[-1]
    assert hamlet[1:] == ["Hameau-du-Bout", "< 5", "< 5", 80, ""]
    assert rows("Communes not reached")[1][1] == "Les Oubliés"
    assert rows("By way of taking part")[3] == ["by email", "< 5", "< 5"]
    funnel = dict(rows("Funnel")[1:])
    assert funnel["Registrations"] == 198
    assert funnel["On the waiting list"] == "< 5"
    assert rows("Impact")[1] == ["trees planted", 4300, ""]
    assert rows("Actions")[2][3:] == ["< 5", "< 5"]


def test_the_pdf_has_a_page_per_section_and_the_figures(client, fake_figures, project):
    answer = client.get(f"/tableau-de-bord/rapports/projets/{project.slug}/pdf/{PERIOD}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 6
    assert "Haies du Val: mobilisation report" in pages[0]
    assert project.organisation.name in pages[0]
    assert "1 January 2026" in pages[0] and "30 June 2026" in pages[0]
    assert "137" in pages[0] and "4300" in pages[0] and "513.5" in pages[0]
    assert pages[1].startswith("People month by month")
    assert "April 2026 40 < 5 37" in pages[1]
    assert pages[2].startswith("By commune") and "Les Oubliés" in pages[2]
    assert pages[3].startswith("How people take part")
    assert "On the waiting list < 5" in pages[4]
    assert "Plantation de haies" in pages[5]
    # No page carries the site's header or footer.
    assert not any("Search the site" in page for page in pages)


def test_without_weasyprint_the_pdf_link_says_so(client, fake_figures, project, monkeypatch):
    def missing() -> None:
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    answer = client.get(f"/tableau-de-bord/rapports/projets/{project.slug}/pdf/{PERIOD}")
    assert answer.status_code == 503
    page = answer.content.decode()
    assert "The PDF cannot be made on this server" in page
    assert (
        f"/tableau-de-bord/rapports/projets/{project.slug}/?du=2026-01-01&amp;au=2026-06-30" in page
    )


def test_the_fetcher_reads_static_and_public_files_and_never_the_network(settings, tmp_path):
    settings.SITE_URL = "https://tissage.example"
    fetcher = pdf.local_fetcher()
    css = fetcher.fetch("https://tissage.example/static/dashboard/report.css")
    assert b"@page { size: A4" in css.read()
    css.close()
    (tmp_path / "logo.png").write_bytes(b"png")
    settings.MEDIA_ROOT = tmp_path
    assert pdf.media_bytes("logo.png") == b"png"
    assert pdf.media_bytes("private/secret.pdf") is None
    assert pdf.media_bytes("../etc/passwd") is None
    assert pdf.static_bytes("../../settings.py") is None
    for url in (
        "https://elsewhere.example/static/dashboard/report.css",
        "https://tissage.example/compte/",
        "https://tissage.example/media/private/x.pdf",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
