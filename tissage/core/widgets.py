"""Widgets: small pages that other websites show in an `<iframe>` (a commune's agenda, a
campaign's map, an action's register button), and what they share.

- `@widget_view` makes a view a widget: the only pages other sites may frame
  (`frame-ancestors *`, no `X-Frame-Options`; every other page keeps `DENY` /
  `'none'`), answered as to an anonymous visitor (a widget shows what anyone may see,
  whoever looks at it), in the language of `?lang=` (French by default, never a
  cookie), and setting **no cookie** (no session, no CSRF token, no language), so that
  nothing needs third-party cookies and browsers that block them change nothing.
- `Theme`: the colour of `?couleur=` (a hex colour; anything else is ignored), with
  the text colour on it and a link colour chosen so that both stay at WCAG AA
  (`core.design.contrast_ratio`).
- `Embed` and `oembed_for`: what an oEmbed consumer gets for one of the platform's
  pages, asked of each app through the `embeds` hook of its `AppConfig`
  (`core.registry`), never by importing the apps.
- `widget_snippet`: the `<iframe …>` code facilitators copy.

Templates: `core/widgets/base.html` (each widget extends it; `core/widget.css`, a few
custom properties set by a `<style>` carrying the CSP nonce, links opening on the
platform with `<base target="_top">`), `core/widgets/unavailable.html` (a 404 inside the
frame), `core/widgets/embed.html` (the facilitators' "Embed on a website" page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from . import registry
from .design import contrast_ratio
from .emails import site_url

View = Callable[..., HttpResponse]

DEFAULT_COLOUR = "#1d5b3a"  # the platform's green (assets/css/tissage.css, --green)
WHITE = "#ffffff"
BLACK = "#000000"
# The text of links on the widget's white background, when the chosen colour is too
# light for it: the platform's ink.
INK = "#221d17"
AA_TEXT = 4.5
COLOUR_PARAMETER = "couleur"
LANGUAGE_PARAMETER = "lang"
_HEX = re.compile(r"#?(?P<hex>[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def widget_csp() -> dict[str, list[Any]]:
    """What a widget's answer may load: its own stylesheet and its theme's `<style>` (by
    nonce), its one script from our static files (`core/widget-embed.js`, for WordPress
    hosts), pictures from where the pages' come from (the object store's too); no form, no
    font. Anyone may frame it."""
    return {
        "default-src": [CSP.NONE],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.NONCE],
        "img-src": list(settings.SECURE_CSP["img-src"]),
        "base-uri": [CSP.NONE],
        "form-action": [CSP.NONE],
        "frame-ancestors": ["*"],
    }


# Host pages ask again at most this often; a shared cache may keep the copy (a widget is
# the same for everyone: it is answered as to an anonymous visitor).
WIDGET_MAX_AGE = 300


def colour_parse(value: str | None) -> str | None:
    """`#rrggbb` (lower case) from "1d5b3a", "#1D5B3A" or "#abc"; None for anything else."""
    match = _HEX.fullmatch((value or "").strip())
    if match is None:
        return None
    digits = match["hex"].lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits}"


@dataclass(frozen=True)
class Theme:
    """A widget's colours: `colour` for buttons and the top band, `on_colour` for the text
    on it (white or black, whichever contrasts more: always at least 4.58:1), `link` for
    links on the white page (the colour itself when it reaches 4.5:1 on white, else the
    platform's ink)."""

    colour: str
    on_colour: str
    link: str

    @classmethod
    def of(cls, colour: str | None) -> Theme:
        colour = colour or DEFAULT_COLOUR
        on_colour = max((WHITE, BLACK), key=lambda text: contrast_ratio(text, colour))
        link = colour if contrast_ratio(colour, WHITE) >= AA_TEXT else INK
        return cls(colour, on_colour, link)

    @property
    def css(self) -> str:
        """The custom properties of `core/widget.css` (validated colours only)."""
        return (
            f":root{{--widget-colour:{self.colour};--widget-on-colour:{self.on_colour};"
            f"--widget-link:{self.link}}}"
        )


def widget_language(request: HttpRequest) -> str:
    """`?lang=` when it names one of the platform's languages, else the default (French).
    Neither a cookie nor the browser's Accept-Language: the snippet says the host site's
    language, and a widget in English inside a French page would read oddly."""
    asked = request.GET.get(LANGUAGE_PARAMETER, "")
    codes = {code for code, _name in settings.LANGUAGES}
    return asked if asked in codes else settings.LANGUAGE_CODE


def widget_view(view: View) -> View:
    """Make `view` a widget (see the module's docstring). The view renders a template
    extending `core/widgets/base.html` with `widget_render`; a 404 it raises (hidden,
    unknown) answers a small frameable "not available" page, still a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # What anyone may see, whoever looks: the session is never read, so never saved.
        request.user = AnonymousUser()
        language = widget_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = widget_render(request, "core/widgets/unavailable.html", {}, status=404)
        # Nothing of the request may set a cookie: not the CSRF token (no form here) …
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        # … nor anything the view would have set itself.
        response.cookies.clear()
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
        response._csp_config = widget_csp()  # type: ignore[attr-defined]
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE}"
        return response

    return cast(View, wrapped)


def widget_render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a widget's template with its theme and the platform's address."""
    theme = Theme.of(colour_parse(request.GET.get(COLOUR_PARAMETER)))
    return render(
        request,
        template,
        {"theme": theme, "platform_url": site_url(request) + "/", **context},
        status=status,
    )


# --- The facilitators' page: colour, preview, code -----------------------------------


@dataclass(frozen=True)
class Embed:
    """A widget's frame: its title, its address (a path) and its usual size. What an app
    embeds for one of its pages (oEmbed), and what an "Embed on a website" page offers."""

    title: str
    path: str
    width: int
    height: int


@dataclass(frozen=True)
class WidgetChoice:
    """One widget offered on an "Embed on a website" page: its name, and its frame."""

    label: str
    frame: Embed


class EmbedForm(forms.Form):
    """The colour and the language of the widgets (a GET form: no JavaScript needed)."""

    couleur = forms.CharField(
        label=_("Colour"),
        required=False,
        initial=DEFAULT_COLOUR,
        max_length=7,
        help_text=_("A colour code, e.g. #1d5b3a (that of your website)."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    lang = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def clean_couleur(self) -> str:
        value = self.cleaned_data["couleur"]
        if not value:
            return DEFAULT_COLOUR
        colour = colour_parse(value)
        if colour is None:
            raise forms.ValidationError(
                _("Write a colour as # followed by six digits or letters from a to f.")
            )
        return colour


def widget_url(request: HttpRequest, path: str, *, colour: str, language: str) -> str:
    """The widget's full address with its colour and language (defaults left out)."""
    query = {}
    if colour != DEFAULT_COLOUR:
        query[COLOUR_PARAMETER] = colour.lstrip("#")
    if language != settings.LANGUAGE_CODE:
        query[LANGUAGE_PARAMETER] = language
    return site_url(request) + path + ("?" + urlencode(query) if query else "")


def widget_snippet(url: str, *, title: str, width: int, height: int) -> str:
    """The `<iframe>` code to paste in another website (no script needed there), as
    plain text: templates escape it wherever they show it."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" loading="lazy" style="max-width:100%;border:0"></iframe>'
    )


@dataclass(frozen=True)
class EmbedCode:
    choice: WidgetChoice
    url: str
    snippet: str


def embed_page(
    request: HttpRequest,
    *,
    subject: str,
    back_url: str,
    choices: list[WidgetChoice],
    available: bool = True,
) -> HttpResponse:
    """The "Embed on a website" page of something: the colour form, then for each
    widget a preview (the widget itself, in a frame) and its code. A bad colour is said
    next to the field (status 400), and the code keeps the default."""
    form = EmbedForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    colour = data.get("couleur") or DEFAULT_COLOUR
    language = data.get("lang") or settings.LANGUAGE_CODE
    codes = []
    for choice in choices:
        frame = choice.frame
        url = widget_url(request, frame.path, colour=colour, language=language)
        snippet = widget_snippet(url, title=frame.title, width=frame.width, height=frame.height)
        codes.append(EmbedCode(choice, url, snippet))
    return render(
        request,
        "core/widgets/embed.html",
        {
            "form": form,
            "subject": subject,
            "back_url": back_url,
            "codes": codes,
            "available": available,
            "colour": colour,
        },
        status=200 if valid else 400,
    )


# --- oEmbed ---------------------------------------------------------------------------


class OEmbedForm(forms.Form):
    """The oEmbed query (https://oembed.com/, 2.2): `url`, and optionally `format`,
    `maxwidth`, `maxheight`."""

    url = forms.CharField(max_length=2000)
    format = forms.CharField(required=False, max_length=20)
    maxwidth = forms.IntegerField(required=False, min_value=1, max_value=10000)
    maxheight = forms.IntegerField(required=False, min_value=1, max_value=10000)


class NotEmbeddable(Exception):
    """The address is not one of the platform's embeddable pages, or not public."""


def our_path(url: str, request: HttpRequest) -> str:
    """The path of `url` if it is an address of this platform (its own host, or that of
    TISSAGE_SITE_URL), else NotEmbeddable."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        raise NotEmbeddable from None
    if parts.scheme not in {"http", "https"} or not hostname:
        raise NotEmbeddable
    ours = {request.get_host().lower()}
    if settings.SITE_URL:
        ours.add(urlsplit(settings.SITE_URL).netloc.lower())
    netloc = hostname.lower() + (f":{port}" if port else "")
    if netloc not in ours:
        raise NotEmbeddable
    return parts.path or "/"


def embed_for(request: HttpRequest, url: str) -> Embed:
    """What to embed for one of our pages, asked of the app that declares its URL name in
    its `embeds`; NotEmbeddable when none does or the page is not public (the app's
    lookup raises 404)."""
    try:
        match = resolve(our_path(url, request))
    except Resolver404:
        raise NotEmbeddable from None
    embedder = registry.embeds().get(match.view_name)
    if embedder is None:
        raise NotEmbeddable
    try:
        return embedder(request, **match.kwargs)
    except Http404:
        raise NotEmbeddable from None


def fitted(width: int, height: int, maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The frame's size within the consumer's maximums (each side on its own: a widget
    reflows to its width and scrolls within its height)."""
    return (
        min(width, maxwidth) if maxwidth else width,
        min(height, maxheight) if maxheight else height,
    )


def oembed_for(
    request: HttpRequest, embed: Embed, *, maxwidth: int | None, maxheight: int | None
) -> dict[str, Any]:
    """The oEmbed 1.0 answer (type rich) for `embed`."""
    width, height = fitted(embed.width, embed.height, maxwidth, maxheight)
    url = site_url(request) + embed.path
    return {
        "version": "1.0",
        "type": "rich",
        "title": embed.title,
        "provider_name": settings.PLATFORM_NAME,
        "provider_url": site_url(request) + "/",
        "cache_age": 3600,
        "width": width,
        "height": height,
        "html": widget_snippet(url, title=embed.title, width=width, height=height),
    }
