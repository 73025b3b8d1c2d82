"""The questionnaires' part of the consultation page (`consultations/questionnaires/
_part.html`): one query for the questionnaires with their number of questions."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from tissage.consultations import access
from tissage.consultations.models import Consultation

register = template.Library()


@register.inclusion_tag("consultations/questionnaires/_part_body.html", takes_context=True)
def consultation_questionnaires(
    context: dict[str, Any], consultation: Consultation, rights: access.ConsultationRights
) -> dict[str, Any]:
    request = context["request"]
    questionnaires = access.questionnaires_seen(consultation, rights).annotate(
        question_count=Count("questions")
    )
    items = []
    for questionnaire in questionnaires:
        questionnaire.consultation = consultation
        items.append(
            {
                "questionnaire": questionnaire,
                "rights": access.questionnaire_rights(request.user, questionnaire, rights),
            }
        )
    return {"items": items, "rights": rights, "consultation": consultation}
