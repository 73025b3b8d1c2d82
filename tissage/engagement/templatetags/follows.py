"""`{% is_following target as following %}`: whether the signed-in person follows it
(one query; none for an anonymous visitor). Used by `engagement/follow_button.html`."""

from __future__ import annotations

from django import template
from django.db import models

from tissage.engagement.services import is_following as following

register = template.Library()


@register.simple_tag(takes_context=True)
def is_following(context: template.Context, target: models.Model) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return following(user=user, target=target)
