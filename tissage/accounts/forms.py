from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import EmailAddressField, PersonNameField
from tissage.territories.forms import CommuneField, CommuneInput

from .models import User


class EmailForm(forms.Form):
    email = EmailAddressField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("This email address is not valid. Check it, e.g. name@example.fr."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by email"),
        help_text=_("Six digits."),
        max_length=20,
        error_messages={"required": _("Enter the six-digit code from the email.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code is made of six digits, e.g. 123456."))
        return code


class PasswordSignInForm(EmailForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.ModelForm):
    # Typed, not chosen in a list: a list of every commune weighed the page down and was
    # hard to use on a phone (issue #13). A name or an INSEE code, with suggestions while
    # typing and a link to the communes of each department; a name several communes share
    # is answered with the choices.
    home_commune = CommuneField(
        label=_("Home commune"),
        required=False,
        widget=CommuneInput(),
        help_text=_(
            "Its name or INSEE code, e.g. Nîmes or 30189. Leave empty if you prefer not to say."
        ),
    )

    class Meta:
        model = User
        fields = ["display_name", "home_commune", "language"]
        field_classes = {"display_name": PersonNameField}


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
