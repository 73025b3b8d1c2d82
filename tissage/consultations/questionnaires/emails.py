"""What questionnaires send: the link a guest opens to make the answer count."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from ..models import Response
from .tokens import RESPONSE_CONFIRM


def response_confirmation_send(*, response: Response, base_url: str) -> OutgoingEmail:
    questionnaire = response.questionnaire
    confirm_url = base_url + reverse(
        "consultations:questionnaire_confirm",
        kwargs={"token": RESPONSE_CONFIRM.make(response.pk, response.email)},
    )
    return email_send(
        to=response.email,
        template="emails/consultations/questionnaires/confirm",
        context={"questionnaire": questionnaire, "confirm_url": confirm_url},
        reason=_(
            "You receive this email because this address was given with an answer to "
            "“%(title)s” on %(platform)s. If it was not you, ignore it: the answer will "
            "not count."
        )
        % {"title": questionnaire.title, "platform": settings.PLATFORM_NAME},
    )
