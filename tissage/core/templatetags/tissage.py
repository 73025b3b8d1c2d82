import logging
import re
from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tissage.core.cards import rendered_fields, rendered_form
from tissage.core.emails import site_url
from tissage.core.icons import UnknownIcon, icon_svg
from tissage.core.layout import site_footer, site_header
from tissage.core.markdown import fold_quotes, render_markdown

logger = logging.getLogger(__name__)

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="markdown_lines")
def markdown_lines_filter(text: str) -> SafeString:
    """Markdown where every new line is a line break: messages, written like emails."""
    return render_markdown(text, line_breaks=True)


@register.filter(name="fold_quotes")
def fold_quotes_filter(html: str) -> SafeString:
    """After `markdown`: quotes folded, for the messages of a discussion."""
    return fold_quotes(html, _("Quoted text"))


@register.simple_tag(takes_context=True, name="site_header")
def site_header_tag(context: template.Context) -> SafeString:
    """The base layout's header: kept for anonymous visitors (core.layout)."""
    return site_header(context)


@register.simple_tag(name="site_footer")
def site_footer_tag() -> SafeString:
    """The base layout's footer, kept (core.layout)."""
    return site_footer()


@register.simple_tag
def kept_fields(form: Any) -> SafeString:
    """The form's fields as `core/form_field.html` renders them, kept per state
    (core.cards.rendered_fields): for the public filter forms."""
    return rendered_fields(form)


@register.simple_tag
def kept_form(form: Any) -> SafeString:
    """`{% include "core/form_fields.html" %}` (the errors' summary, then every field),
    kept per state while the form is blank (core.cards.rendered_form): for a public
    page's form."""
    return rendered_form(form)


@register.simple_tag
def page_numbers(page: Page, around: int = 2) -> list[int | None]:
    """The page numbers a pager links to: the first, the last and `around` either side of
    the current one, in order; None stands for the pages skipped between them."""
    last = page.paginator.num_pages
    shown = sorted(
        {1, last} | set(range(max(1, page.number - around), min(last, page.number + around) + 1))
    )
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], path: str) -> str:
    """`path` (a page's or a public file's) as a full address, for what is read outside
    the site: link previews, a shared link. The platform's address (TISSAGE_SITE_URL)
    when set, else the request's; "" for no path."""
    if not path:
        return ""
    if path.startswith(("https://", "http://")):
        return path
    return site_url(context.get("request")) + path


@register.simple_tag(takes_context=True)
def oembed_link(context: dict[str, Any], path: str, title: str) -> SafeString:
    """oEmbed discovery for a public page (`path`, or its full address), in its head:
    where a CMS given the page's address asks what to embed (core.widgets, `/oembed/`)."""
    base = site_url(context.get("request"))
    url = path if path.startswith(("https://", "http://")) else base + path
    query = urlencode({"url": url, "format": "json"})
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        f"{base}{reverse('core:oembed')}?{query}",
        title,
    )


class IconNode(template.Node):
    def __init__(self, name: template.base.FilterExpression, css_class: str) -> None:
        self.name = name
        self.css_class = css_class

    def render(self, context: template.Context) -> str:
        name = str(self.name.resolve(context))
        try:
            return icon_svg(name, self.css_class)
        except UnknownIcon:
            if settings.DEBUG:
                raise
            # A name from data that we have no icon for: the label beside it is enough.
            logger.exception("Icon %r missing", name)
            return ""


@register.tag
def icon(parser: template.base.Parser, token: template.base.Token) -> IconNode:
    """`{% icon "map-pin" %}` or `{% icon "map-pin" "card-icon" %}`: the icon's SVG inlined,
    `aria-hidden` (put a text label beside it). A name written in the template is checked
    when the template is read, so a wrong one fails every test that renders the page."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('Usage: {% icon "name" ["class"] %}')
    css_class = ""
    if len(bits) == 3:
        if bits[2][0] not in "\"'" or bits[2][-1] != bits[2][0]:
            raise template.TemplateSyntaxError("The icon's class must be a quoted string.")
        css_class = bits[2][1:-1]
    name = bits[1]
    if name[0] in "\"'" and name[-1] == name[0]:
        try:
            icon_svg(name[1:-1])
        except UnknownIcon as error:
            raise template.TemplateSyntaxError(str(error)) from error
    return IconNode(parser.compile_filter(name), css_class)


# htmx (15 KB compressed) only on a page that asks the server for something through it.
# `hx-headers`, on every page's body, needs no htmx by itself.
HTMX_REQUEST = re.compile(r"\s(?:data-)?hx-(?:get|post|put|patch|delete|boost)=")
HTMX_PLACE = "<!-- htmx -->"


class HtmxWhenUsedNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        page = self.nodelist.render(context)
        script = ""
        if HTMX_REQUEST.search(page):
            script = format_html('<script src="{}" defer></script>', static("vendor/htmx.min.js"))
        return page.replace(HTMX_PLACE, script, 1)


@register.tag
def htmx_when_used(parser: template.base.Parser, token: template.base.Token) -> HtmxWhenUsedNode:
    """`{% htmx_when_used %}…{% htmx_script %}…{% endhtmx_when_used %}` (base.html): the
    page is rendered first, then htmx's <script> is written where `{% htmx_script %}`
    stands (the head) only if an element of the page has an hx-get, hx-post, hx-put,
    hx-patch, hx-delete or hx-boost attribute. A page without one works the same and
    spares a phone htmx's bytes (issue #20). Fragments for htmx's swaps do not extend
    base.html: the page they land in has htmx already."""
    nodelist = parser.parse(("endhtmx_when_used",))
    parser.delete_first_token()
    return HtmxWhenUsedNode(nodelist)


@register.simple_tag
def htmx_script() -> SafeString:
    """Where `{% htmx_when_used %}` writes htmx's <script>, if the page needs it."""
    return SafeString(HTMX_PLACE)
