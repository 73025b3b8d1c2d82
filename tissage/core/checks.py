"""Checks of the configuration: `tissage check` warns, `tissage check --deploy` fails, and
every command that sends email refuses to start (`tissage/cli.py`).

Every email links back to the platform: a sign-in link, a list's unsubscribe header
(RFC 2369 and 8058 want absolute addresses, RFC 8058 HTTPS), a reminder. Those sent
outside a request (list copies, digests, reminders, notices to senders) know the
platform's address only from TISSAGE_SITE_URL, so it is required to run outside DEBUG.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# The commands that send email without a request to take an address from: they refuse to
# start without TISSAGE_SITE_URL (serve and worker too, which send everything else).
EMAILING_COMMANDS = {"serve", "worker", "mail_in", "fetch_mail", "send_digests", "send_reminders"}


def site_url_problem() -> tuple[str, str] | None:
    """What is wrong with TISSAGE_SITE_URL, in French and in English, or None."""
    value = settings.SITE_URL
    if not value:
        if settings.DEBUG:
            return None
        return (
            "TISSAGE_SITE_URL n'est pas défini : donnez l'adresse du site, par exemple "
            "https://tissage.example.org ; les liens des emails en ont besoin.",
            "TISSAGE_SITE_URL is not set: set it to the site's address, for example "
            "https://tissage.example.org; the links in emails need it.",
        )
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        return (
            f"TISSAGE_SITE_URL doit être l'adresse du site, comme https://tissage.example.org "
            f"(reçu « {value} »).",
            f"TISSAGE_SITE_URL must be the site's address, like https://tissage.example.org "
            f'(got "{value}").',
        )
    return None


@register()
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A warning only: developer commands (makemigrations, migrate) need no address; the
    commands that send email refuse to start without it, and `check --deploy` fails."""
    problem = site_url_problem()
    if problem is not None:
        return [Warning(problem[1], id="tissage.W001")]
    if not settings.SITE_URL:
        return [
            Warning(
                "TISSAGE_SITE_URL is not set: emails sent outside a request (list copies, "
                "digests, reminders) cannot be built.",
                hint="Set TISSAGE_SITE_URL, e.g. http://127.0.0.1:8000.",
                id="tissage.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_https_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Links in emails use HTTPS in production: a one-click unsubscribe (RFC 8058) must,
    and a site served over HTTPS would redirect every plain-HTTP link anyway."""
    problem = site_url_problem()
    if problem is None and not settings.SITE_URL:  # DEBUG: a production check all the same
        problem = ("", "TISSAGE_SITE_URL is not set: the links in emails need it.")
    if problem is not None:
        return [Error(problem[1], id="tissage.E001")]
    if urlsplit(settings.SITE_URL).scheme == "https":
        return []
    message = (
        "TISSAGE_SITE_URL does not start with https://: links in emails and the lists' "
        "one-click unsubscribe (RFC 8058) need HTTPS."
    )
    if settings.HTTPS:
        return [Error(message, id="tissage.E002")]
    return [Warning(message, id="tissage.W002")]
