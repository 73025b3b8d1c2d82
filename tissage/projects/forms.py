from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import ModelChoicesField
from tissage.core.photos import PhotoField
from tissage.territories.models import Commune

from .models import NewsPost, Project


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "description",
            "status",
            "call_to_action",
            "call_to_action_url",
            "cover",
            "cover_alt",
            "communes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "communes": forms.CheckboxSelectMultiple,
        }
        field_classes = {"cover": PhotoField, "communes": ModelChoicesField}

    def __init__(self, *args: object, organisation: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["communes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Commune.objects.filter(
            pk__in=organisation.communes.values("pk")  # type: ignore[attr-defined]
        ).only("id", "name", "department")
        field.help_text = _("Among the communes covered by the organisation.")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("cover") and not data.get("cover_alt") and "cover" in self.changed_data:
            self.add_error("cover_alt", _("Describe the picture in a few words."))
        return data


class NewsPostForm(forms.ModelForm):
    class Meta:
        model = NewsPost
        fields = ["title", "body", "image", "image_alt"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        field_classes = {"image": PhotoField}
