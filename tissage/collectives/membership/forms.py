"""Forms of membership: a word to the coordinators when joining, how the list is
received, and a coordinator's decision about a member."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CollectiveMembership


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("A word to the coordinators (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you are, why you would like to join."),
        error_messages={"max_length": _("At most 2,000 characters, please.")},
    )


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want to receive the messages of the list?"),
        choices=CollectiveMembership.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the options."),
            "invalid_choice": _("Choose one of the options."),
        },
    )


class MemberActionForm(forms.Form):
    APPROVE, REFUSE, COORDINATOR, MEMBER, REMOVE = (
        "approve",
        "refuse",
        "coordinator",
        "member",
        "remove",
    )
    action = forms.ChoiceField(
        choices=[
            (APPROVE, _("Approve")),
            (REFUSE, _("Refuse")),
            (COORDINATOR, _("Make coordinator")),
            (MEMBER, _("Make member")),
            (REMOVE, _("Remove from the collective")),
        ]
    )
