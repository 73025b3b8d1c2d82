"""The participatory map's part on the consultation page: `{% map_part consultation %}`
(with the `rights` of the page's context), in two queries."""

from __future__ import annotations

from typing import Any

from django import template

from .. import access
from ..map.data import map_kinds, placed
from ..models import Consultation

register = template.Library()


@register.inclusion_tag("consultations/map/_part_body.html", takes_context=True)
def map_part(context: template.Context, consultation: Consultation) -> dict[str, Any]:
    rights = context.get("rights")
    if not isinstance(rights, access.ConsultationRights):
        rights = access.consultation_rights(context["request"].user, consultation)
    return {
        "consultation": consultation,
        "kinds": list(map_kinds(consultation).values_list("name", flat=True)),
        "count": placed(consultation).count(),
        "may_place": rights.can_take_part or rights.must_sign_in,
    }
