"""Forms of registering: the action page's form, and the facilitators' forms of the
registrants' list (registering someone on their behalf, moving, a message)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tissage.actions.form_fields import RoleField
from tissage.actions.models import Action, Role
from tissage.core.forms import EmailAddressField, PersonNameField
from tissage.core.kept_pages import hole


def role_label(role: Role, *, places: dict[int, int], waiting_list: bool) -> str:
    """A role as the registration form offers it, with its places left."""
    left = places.get(role.pk, 0)
    if left <= 0:
        if waiting_list:
            return _("%(role)s — full: waiting list") % {"role": role.name}
        return _("%(role)s — full") % {"role": role.name}
    return ngettext("%(role)s — %(left)d place left", "%(role)s — %(left)d places left", left) % {
        "role": role.name,
        "left": left,
    }


def _label_hole(role: Role) -> str:
    return hole(f"label-{role.pk}")


class RegistrationForm(forms.Form):
    """At most five fields: name, email (guests), phone (optional), role, companions."""

    name = PersonNameField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Give your name.")},
    )
    email = EmailAddressField(
        label=_("Your email address"),
        help_text=_("For the confirmation, the calendar file and the link to cancel."),
        error_messages={
            "required": _("Give your email address."),
            "invalid": _("Check the email address: it looks incomplete."),
        },
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("Only the organisers see it, to reach you on the day."),
    )
    role = RoleField(
        label=_("What would you like to do?"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose a role.")},
    )
    companions = forms.IntegerField(
        label=_("People coming with you"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages={
            "min_value": _("Between 0 and 20 people."),
            "max_value": _("Between 0 and 20 people."),
            "invalid": _("Type a number, 0 if you come alone."),
        },
    )

    def __init__(
        self,
        *args: Any,
        action: Action,
        roles: list[Role],
        places: dict[int, int],
        signed_in: bool,
        label_holes: bool = False,
        **kwargs: Any,
    ) -> None:
        """`roles`: the action's roles, and `places` the places left in each, as the view
        read them (`lookups.get_action_and_roles`). `label_holes`: each role's label is a
        hole of a kept page (`core.kept_pages`), filled with `role_label` for each
        request."""
        super().__init__(*args, **kwargs)
        self.roles = roles
        field = self.fields["role"]
        assert isinstance(field, RoleField)
        field.roles = roles
        if label_holes:
            field.label_from_instance = _label_hole  # type: ignore[method-assign,assignment]
        else:
            field.label_from_instance = partial(  # type: ignore[method-assign]
                role_label, places=places, waiting_list=action.waiting_list
            )
        if len(roles) == 1:
            field.initial = roles[0].pk
        if signed_in:
            del self.fields["name"], self.fields["email"]
        self.places = places

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, companions = data.get("role"), data.get("companions")
        if role is not None and companions is not None:
            left = self.places.get(role.pk, 0)
            if 0 < left < 1 + companions:
                # Some places remain, not enough for the whole group: say how many.
                self.add_error(
                    "companions",
                    ngettext(
                        "Only %(left)d place remains for this role: come with fewer "
                        "people, or choose another role.",
                        "Only %(left)d places remain for this role: come with fewer "
                        "people, or choose another role.",
                        left,
                    )
                    % {"left": left},
                )
        return data


class AssistedRegistrationForm(forms.Form):
    """A facilitator registers someone (on the phone, at a stall); email optional."""

    name = PersonNameField(
        label=_("Name"), max_length=120, error_messages={"required": _("Give the person's name.")}
    )
    email = EmailAddressField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("Without an address, the person gets no email: tell them yourself."),
        error_messages={"invalid": _("Check the email address: it looks incomplete.")},
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("Choose one of the roles offered."),
        },
    )
    companions = forms.IntegerField(
        label=_("People coming with them"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages={
            "required": _("Type a number, 0 if they come alone."),
            "min_value": _("Between 0 and 20 people."),
            "max_value": _("Between 0 and 20 people."),
            "invalid": _("Type a number, 0 if they come alone."),
        },
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = action.roles.all()  # type: ignore[attr-defined]


class RegistrationChangeForm(forms.Form):
    """One of the buttons of a registrant's row."""

    do = forms.ChoiceField(
        choices=[("move", "move"), ("promote", "promote"), ("cancel", "cancel")],
        error_messages={"invalid_choice": _("Unknown request: reload the page.")},
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the roles of the action.")},
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = action.roles.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("do") == "move" and data.get("role") is None and not self.errors:
            self.add_error("role", _("Choose the new role."))
        return data


class MessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        error_messages={"required": _("Give the message a subject.")},
    )
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        error_messages={"required": _("Write the message.")},
        help_text=_("The link to the action and the link to cancel are added below."),
    )
    role = forms.ModelChoiceField(
        label=_("To"),
        queryset=Role.objects.none(),
        required=False,
        empty_label=_("Every role"),
        error_messages={"invalid_choice": _("Choose one of the roles of the action.")},
    )
    include_waiting = forms.BooleanField(
        label=_("Also write to the people on the waiting list"), required=False
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = action.roles.all()  # type: ignore[attr-defined]
