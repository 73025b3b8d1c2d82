from django import forms
from django.core.files.uploadedfile import UploadedFile

from tissage.core.images import reencode_image

from .models import Organisation


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
