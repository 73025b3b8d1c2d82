"""Forms shared by several apps."""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

# Line and paragraph breaks, control characters, and invisible format characters (a
# right-to-left override, a zero-width joiner…): neither a name, shown in pages and in
# the "From" of list mail where a line break would break the header, nor an address,
# which could then never be sent, may hold one.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _has_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(character) in _HIDDEN_CATEGORIES for character in text)


def validate_person_name(value: str) -> None:
    if _has_hidden_characters(value):
        raise ValidationError(
            _("A name is typed on one line, without invisible characters."),
            code="control_character",
        )


class PersonNameField(forms.CharField):
    """A person's name, as shown to others and in emails: one line of visible text."""

    default_validators = [validate_person_name]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)


class EmailAddressField(forms.EmailField):
    """An email address as a person types it, made sendable: Unicode normalised (NFC),
    no control or invisible character anywhere (a right-to-left mark pasted from a
    message passes Django's check, then the email can never be sent), and a domain that
    IDNA can encode (what mail servers are given). An invalid address gets the field's
    "invalid" message, like any other typing error."""

    def to_python(self, value: Any) -> str:
        text = unicodedata.normalize("NFC", super().to_python(value) or "")
        if _has_hidden_characters(text) or not _idna_encodable(text.rpartition("@")[2]):
            raise ValidationError(
                self.error_messages.get("invalid", validate_email.message), code="invalid"
            )
        return text


def _idna_encodable(domain: str) -> bool:
    try:
        domain.encode("idna")
    except UnicodeError:
        return False
    return True


# The largest id a database column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class ListSelect(forms.Select):
    """Django's `Select`, its options written inline: the same HTML, without a template
    included per option and another per option's attributes (a filter of 50 communes
    rendered 100 templates; issue #20). For the public filters' long lists."""

    template_name = "core/forms/select.html"


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id (communes, items, photos), each id checked as a whole
    number within the database's range before any query: a 400-digit id is an invalid
    choice like any other, not an OverflowError (SQLite) or a DataError (PostgreSQL).

    For a ModelForm's many-to-many field, in `Meta.field_classes`."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk).strip()
            if not (text.isdecimal() and text.isascii() and int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]


class TeamMemberAddForm(forms.Form):
    """Add someone to a team by email address, with one of the team's roles."""

    email = EmailAddressField(
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
