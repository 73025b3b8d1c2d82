"""iCalendar (RFC 5545) files of actions: one event per action, times in the
platform's time zone (Europe/Paris) with its VTIMEZONE, and a link back."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vGeo

from tissage.actions.models import Action


def action_url(action: Action, base_url: str) -> str:
    return base_url + reverse("actions:detail", kwargs={"slug": action.slug})


def _event(action: Action, base_url: str) -> Event:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    event = Event()
    host = urlsplit(base_url).hostname or "tissage.invalid"
    event.add("uid", f"action-{action.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", action.starts_at.astimezone(zone).replace(microsecond=0))
    event.add("dtend", action.ends_at.astimezone(zone).replace(microsecond=0))
    event.add("summary", action.title)
    place = ", ".join(part for part in (action.meeting_point, action.address) if part)
    if place:
        event.add("location", place)
    if action.latitude is not None and action.longitude is not None:
        event.add("geo", vGeo((action.latitude, action.longitude)))
    url = action_url(action, base_url)
    event.add("url", url)
    lines = [action.description.strip(), action.what_to_bring.strip(), url]
    event.add("description", "\n\n".join(line for line in lines if line))
    event.add("status", "CANCELLED" if action.status == Action.Status.CANCELLED else "CONFIRMED")
    event.add("sequence", int(action.updated_at.timestamp()) if action.updated_at else 0)
    return event


def calendar_of(actions: Iterable[Action], *, base_url: str, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Tissage//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for action in actions:
        calendar.add_component(_event(action, base_url))
    # The events' times refer to the platform's VTIMEZONE: it goes before them, where
    # `add_missing_timezones` would put it (a line of its own: text values are escaped).
    head, first_event, rest = calendar.to_ical().partition(b"\r\nBEGIN:VEVENT\r\n")
    if not first_event:
        return head  # no event, no time zone
    return head + b"\r\n" + _platform_timezone(settings.TIME_ZONE) + first_event[2:] + rest


@functools.cache
def _platform_timezone(name: str) -> bytes:
    """The VTIMEZONE block of the zone `name`, built and written once per process:
    icalendar takes about 15 ms to derive it from the zone's rules and 6 ms to write it
    (`add_missing_timezones`), which every confirmation email and feed used to pay. It
    depends on the zone's name only (configuration, not state)."""
    return bytes(Timezone.from_tzid(name).to_ical())
