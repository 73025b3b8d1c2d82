"""Forms of the wiki: create a page, edit it (with the revision the edit started from)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

BODY_MAX = 200_000


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=BODY_MAX,
        strip=False,
        help_text=_(
            "Markdown: **bold**, *italics*, lists with -, links to other pages with "
            "[[Page name]] or [[Page name|text shown]]."
        ),
        widget=forms.Textarea(attrs={"rows": 18}),
    )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the page a title."))
        if "[" in title or "]" in title or "|" in title:
            raise forms.ValidationError(_("A title cannot contain [, ] or |."))
        return title


class EditForm(PageForm):
    # The revision this edit started from: a save based on an older one is a conflict.
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        help_text=_("A few words for the history, for example “added the market dates”."),
    )
