"""The engagement pages' input: the follow button."""

from __future__ import annotations

from django import forms


class FollowForm(forms.Form):
    """`follow`: "1" to follow, "0" to stop; absent, the button toggles. The button
    says which it wants, so that a second click on a page not refreshed does not undo
    the first."""

    follow = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
