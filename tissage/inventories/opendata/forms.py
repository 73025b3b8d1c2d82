"""Forms of the import pages: the file, then where each of its columns goes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Campaign, Contribution
from .imports import check, read
from .imports.mapping import IGNORE, mapping_problems, target_choices


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=_(
            "GeoJSON (a FeatureCollection of points) or CSV with longitude and latitude"
            " columns, 20 MB at most. Nothing is imported before you check the result."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.csv,.txt"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > read.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 20 MB: split it into several files and import each one.")
            )
        return upload


class ImportMappingForm(forms.Form):
    """One choice per column of the file, prefilled with the suggestion, and the options."""

    fallback = forms.ChoiceField(
        label=_("Category for rows whose category is not found"),
        help_text=_("Moderators can change the category of each item afterwards."),
    )
    status = forms.ChoiceField(
        label=_("Imported items are"),
        choices=[
            (Contribution.Status.VALIDATED, _("published at once")),
            (Contribution.Status.SUBMITTED, _("waiting in the moderation queue")),
        ],
    )
    source_name = forms.CharField(
        label=_("Credit when no column gives the contributor's name"),
        help_text=_("For example “Base Mérimée, ministère de la Culture”."),
        max_length=120,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        columns: list[dict[str, Any]],
        source_format: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.source_format = source_format
        self.column_names = [column["name"] for column in columns]
        targets = target_choices(campaign, source_format)
        # The columns first, in the file's order, then the options.
        column_fields: dict[str, forms.Field] = {}
        for index, column in enumerate(columns):
            samples = ", ".join(f"« {sample} »" for sample in column.get("samples", []))
            column_fields[f"column_{index}"] = forms.ChoiceField(
                label=column["name"],
                choices=targets,
                required=False,
                help_text=_("For example: %(samples)s") % {"samples": samples}
                if samples
                else _("Empty in every row."),
            )
        self.fields = {**column_fields, **self.fields}
        fallback = self.fields["fallback"]
        assert isinstance(fallback, forms.ChoiceField)
        fallback.choices = [
            *[(str(category.pk), category.name) for category in campaign.categories.all()],
            (check.FALLBACK_NEW, _("a new category “Autre”")),
            (check.FALLBACK_NONE, _("none: report these rows as errors")),
        ]

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.column_names))]

    def option_fields(self) -> list[forms.BoundField]:
        return [self["fallback"], self["status"], self["source_name"]]

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"column_{index}") or IGNORE
            for index, name in enumerate(self.column_names)
        }

    def options(self) -> check.ImportOptions:
        return check.ImportOptions(
            status=self.cleaned_data["status"],
            fallback=self.cleaned_data["fallback"],
            source_name=self.cleaned_data["source_name"].strip(),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for problem in mapping_problems(
                campaign=self.campaign, source_format=self.source_format, mapping=self.mapping()
            ):
                self.add_error(None, problem)
        return cleaned


def mapping_initial(mapping: dict[str, str], columns: list[dict[str, Any]], options: dict) -> dict:
    """The form's initial values from what the last check used."""
    initial: dict[str, Any] = {
        f"column_{index}": mapping.get(column["name"], IGNORE)
        for index, column in enumerate(columns)
    }
    initial.update({key: options.get(key, "") for key in ("fallback", "status", "source_name")})
    return initial
