from typing import Any

from django import forms

from tissage.core.photos import PhotoField

from .models import Organisation


class LogoField(PhotoField):
    """A logo is shown small: 512 px is plenty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_side=512, **kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website", "contact_email", "logo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        field_classes = {"logo": LogoField}
