"""Forms of membership: a name and a word to the coordinators when joining, how the list is
received, and a coordinator's decision about a member."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import PersonNameField

from ..models import CollectiveMembership


class JoinForm(forms.Form):
    """Joining: the name others will read, when the account has none yet, and a word to
    the coordinators of a moderated collective."""

    display_name = PersonNameField(
        label=_("Your name, as the members will read it"),
        max_length=80,
        help_text=_("Your first name and the initial of your name, for example."),
        error_messages={"required": _("Give the name the members will read.")},
    )
    message = forms.CharField(
        label=_("A word to the coordinators (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you are, why you would like to join."),
        error_messages={"max_length": _("At most 2,000 characters, please.")},
    )

    def __init__(self, *args: Any, needs_name: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_name:
            del self.fields["display_name"]


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
