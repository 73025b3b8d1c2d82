"""What every feed shares (core/feeds.py): a version's ETag, and answers that skip the
rendering when the reader's copy is current."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.http import http_date

from tissage.core.feeds import FeedLink, Version, conditional_answer

WHEN = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)


def test_a_version_s_etag_follows_its_parts_and_the_language():
    version = Version(parts=("news", 1, "Haies", 3), last_modified=WHEN)
    with translation.override("fr"):
        french = version.etag
        assert french == Version(parts=("news", 1, "Haies", 3), last_modified=None).etag
        assert french != Version(parts=("news", 1, "Haies", 4), last_modified=WHEN).etag
    with translation.override("en"):
        assert version.etag != french
    assert french.startswith('"') and french.endswith('"')


def test_a_current_copy_is_answered_304_without_rendering():
    version = Version(parts=("x",), last_modified=WHEN)
    rendered: list[bool] = []

    def render() -> HttpResponse:
        rendered.append(True)
        return HttpResponse("feed")

    with translation.override("fr"):
        etag = version.etag
        request = RequestFactory().get("/", headers={"if-none-match": etag})
        response = conditional_answer(request, version, render)
        assert response.status_code == 304
        assert not rendered
        assert response["ETag"] == etag
        assert response["Last-Modified"] == http_date(WHEN.timestamp())
        assert response["Cache-Control"] == "public, max-age=900"
        assert "Cookie" in response["Vary"]

        older = http_date((WHEN - datetime.timedelta(seconds=1)).timestamp())
        request = RequestFactory().get("/", headers={"if-modified-since": older})
        fresh = conditional_answer(request, version, render, private=True)
        assert fresh.status_code == 200
        assert rendered == [True]
        assert fresh["Cache-Control"] == "private, max-age=900"


def test_an_empty_feed_has_no_date():
    def render() -> HttpResponse:
        response = HttpResponse("feed")
        response["Last-Modified"] = http_date(timezone.now().timestamp())
        return response

    response = conditional_answer(
        RequestFactory().get("/"), Version(parts=(), last_modified=None), render
    )
    assert response.status_code == 200
    assert "Last-Modified" not in response


def test_a_feed_link_says_its_format():
    atom = FeedLink("Actualités", "/a.atom", "atom")
    ical = FeedLink("Agenda", "/a.ics", "ical")
    assert (atom.mime_type, atom.format) == ("application/atom+xml", "Atom")
    assert (ical.mime_type, ical.format) == ("text/calendar", "iCal")


def test_a_public_answer_is_made_once_per_version_and_address():
    made: list[str] = []

    def render() -> HttpResponse:
        made.append("made")
        return HttpResponse(f"feed {len(made)}", content_type="application/atom+xml")

    version = Version(parts=("kept",), last_modified=WHEN)
    first = conditional_answer(RequestFactory().get("/a.atom"), version, render)
    again = conditional_answer(RequestFactory().get("/a.atom"), version, render)
    assert (first.content, again.content) == (b"feed 1", b"feed 1")
    assert again["Content-Type"] == "application/atom+xml"
    # A made-up query string is the same feed: no new copy.
    busted = conditional_answer(RequestFactory().get("/a.atom?x=1"), version, render)
    assert busted.content == b"feed 1"
    # Another feed with the same version, a new version, a private answer: made anew.
    other = conditional_answer(RequestFactory().get("/b.atom"), version, render)
    newer = Version(parts=("kept", 2), last_modified=WHEN)
    changed = conditional_answer(RequestFactory().get("/a.atom"), newer, render)
    private = conditional_answer(RequestFactory().get("/a.atom"), version, render, private=True)
    assert (other.content, changed.content, private.content) == (b"feed 2", b"feed 3", b"feed 4")
