"""What every feed of the platform shares (issue #18): the Atom feeds' base on Django's
syndication framework, answers that cost a reader nothing when nothing changed (`ETag`,
`Last-Modified`, `304`), and the links to a page's feeds, shown in its "S'abonner" block
(`core/subscribe.html`) and in its head (`core/feed_links.html`).

A feed is a public document: the same for every reader, who polls it without a session.
Each app's feed view looks what it names up *for an anonymous visitor* through its own
`lookups.py`, whoever asks, so that a shared cache may keep it and a draft never reaches
one (docs/decisions.md, "Feeds").
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.utils.translation import get_language

from tissage.core.emails import site_url

# The most entries a feed holds: readers keep what they have already read.
FEED_SIZE = 50
# Readers poll every few minutes to every few hours; a proxy may keep a copy this long.
FEED_MAX_AGE = 900
# How long the app keeps a public feed's rendered answer (Django's cache, keyed by the
# feed's version: a change makes a new key, so this only bounds what an unchanged feed
# costs in memory; the locmem cache also drops the oldest entries beyond 300).
FEED_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class FeedLink:
    """One feed of a page: its title, its address and its format."""

    title: str
    url: str
    kind: Literal["atom", "ical"]

    @property
    def mime_type(self) -> str:
        return "application/atom+xml" if self.kind == "atom" else "text/calendar"

    @property
    def format(self) -> str:
        return "Atom" if self.kind == "atom" else "iCal"


@dataclass(frozen=True)
class Version:
    """What a feed's content depends on, read in one cheap query before anything is
    rendered: `parts` make the ETag (with the language, which changes the words of the
    feed), `last_modified` its date (None when it holds nothing yet)."""

    parts: tuple[Any, ...]
    last_modified: datetime.datetime | None

    @property
    def etag(self) -> str:
        key = repr((self.parts, get_language())).encode()
        return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'


def conditional_answer(
    request: HttpRequest,
    version: Version,
    render: Callable[[], HttpResponseBase],
    *,
    private: bool = False,
) -> HttpResponseBase:
    """`render()`'s answer with the version's `ETag` and `Last-Modified`, or `304 Not
    Modified` without rendering when the reader's copy is that version (`If-None-Match`,
    else `If-Modified-Since`, as `django.views.decorators.http.condition` decides: the
    same function, without looking the feed's object up a second time).

    A public answer is rendered once per version and kept in Django's cache
    (`_rendered_once`): a reader without a copy then costs about what a `304` costs.

    `private`: the answer depends on who asks (a signed-in person's calendar feed), so
    neither the app's cache nor shared caches keep it."""
    last_modified = int(version.last_modified.timestamp()) if version.last_modified else None
    response = get_conditional_response(
        request, etag=version.etag, last_modified=last_modified
    ) or (render() if private else _rendered_once(request, version, render))
    response.headers["ETag"] = version.etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    else:
        # Nothing in it yet: no date to compare with (the syndication framework would say
        # "now", which `If-Modified-Since` could never match).
        response.headers.pop("Last-Modified", None)
    response.headers["Cache-Control"] = (
        f"{'private' if private else 'public'}, max-age={FEED_MAX_AGE}"
    )
    # The words of a feed follow the language cookie (the language switch).
    patch_vary_headers(response, ("Cookie",))
    return response


def _rendered_once(
    request: HttpRequest, version: Version, render: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """`render()`'s answer, kept under the feed's address and version: the same for
    every reader (a public feed), so the next reader gets the kept bytes until the
    version changes. The path is in the key besides the version (two empty feeds may
    share one), and the platform's address (the links in the body); not the query string,
    which no feed reads: made-up ones must not fill the cache."""
    kept_as = repr((version.etag, request.path, site_url(request)))
    key = "feed:" + hashlib.sha256(kept_as.encode()).hexdigest()
    response = cache.get(key)
    if response is None:
        response = render()
        if response.status_code == 200 and not response.streaming:
            cache.set(key, response, FEED_CACHE_SECONDS)
    return response


# Characters XML 1.0 cannot carry (the XML writer refuses them): an imported
# spreadsheet's vertical tab must not turn a feed into an error page.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom 1.0 with the characters XML cannot carry dropped from people's text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{name: _xml_safe(value) for name, value in kwargs.items()})

    def add_item(self, **kwargs: Any) -> None:  # type: ignore[override]
        super().add_item(**{name: _xml_safe(value) for name, value in kwargs.items()})


class AtomFeed(Feed):  # type: ignore[type-arg]
    """An Atom 1.0 feed of one object (a project, a campaign, a collective), built for
    one request: every link absolute on the platform's address (`TISSAGE_SITE_URL`),
    the feed's own address as its id, titles as text (never escaped twice).

    Subclasses give `title`, `subtitle`, `link` (the page, a path), `feed_path`,
    `author_name` and the `item_*` methods; `items` must read in a fixed number of
    queries whatever the number of entries."""

    feed_type = XmlSafeAtom1Feed
    feed_path = ""

    def __init__(self, obj: Any, *, base_url: str) -> None:
        self.obj = obj
        self.base_url = base_url

    def absolute(self, path: str) -> str:
        if path.startswith(("https://", "http://")):
            return path
        return self.base_url + path

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return self.obj

    def feed_url(self, obj: Any) -> str:
        return self.absolute(self.feed_path)

    def feed_guid(self, obj: Any) -> str:
        return self.absolute(self.feed_path)

    def item_title(self, item: Any) -> str:
        # Django escapes titles for RSS; Atom's <title> is text, escaped once by the XML.
        return str(item)

    def item_guid(self, item: Any) -> str:
        return self.item_link(item)

    def item_link(self, item: Any) -> str:
        return self.absolute(item.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {"item": kwargs.get("item"), "obj": kwargs.get("obj"), "feed": self}


def atom_answer(request: HttpRequest, feed: AtomFeed, version: Version) -> HttpResponseBase:
    """The feed, or 304 when the reader has this version."""
    return conditional_answer(request, version, lambda: feed(request))
