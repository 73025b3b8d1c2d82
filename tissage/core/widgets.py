"""Form widgets shared by several apps."""

from django import forms


class MultiplePhotoInput(forms.ClearableFileInput):
    """One file input that takes several pictures at once (phones offer the camera)."""

    allow_multiple_selected = True
