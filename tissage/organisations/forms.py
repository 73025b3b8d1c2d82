from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tissage.core.images import reencode_image

from .models import Organisation, OrganisationMembership


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website", "contact_email", "logo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return reencode_image(logo, max_side=512)
        return logo


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person"),
        error_messages={
            "required": _("Enter the person's email address."),
            "invalid": _("This email address is not valid. Check it, e.g. name@example.fr."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganisationMembership.Role.choices,
        initial=OrganisationMembership.Role.FACILITATOR,
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationMembership.Role.choices)
