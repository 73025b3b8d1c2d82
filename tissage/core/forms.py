"""Forms shared by several apps."""

from django import forms
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class TeamMemberAddForm(forms.Form):
    """Add someone to a team by email address, with one of the team's roles."""

    email = forms.EmailField(
        label=_("Email address of the person"),
        error_messages={
            "required": _("Enter the person's email address."),
            "invalid": _("This email address is not valid. Check it, e.g. name@example.fr."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(
        self, *args: object, roles: type[TextChoices], initial_role: str, **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles.choices
        role.initial = initial_role


class TeamMemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, roles: type[TextChoices], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles.choices
