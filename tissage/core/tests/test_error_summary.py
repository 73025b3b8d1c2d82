"""Every form drawn by core/form_fields.html opens, when sent back with errors, on a
summary that links to each field to correct (issue #14)."""

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _Plain(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email")


class _Form(_Plain):
    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("Something is wrong with the whole form.")


def test_the_summary_links_to_each_field_with_an_error():
    form = _Form({"name": "", "email": "not an address"})
    form.is_valid()

    with translation.override("en"):
        html = render_to_string("core/form_fields.html", {"form": form})

    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Something is wrong with the whole form." in summary
    assert '<a href="#id_name">Name</a>' in summary
    assert '<a href="#id_email">Email</a>' in summary
    assert 'role="alert"' in html


def test_a_form_without_errors_has_no_summary():
    form = _Plain({"name": "Jeanne", "email": "jeanne@example.org"})

    html = render_to_string("core/form_fields.html", {"form": form})

    assert "error-summary" not in html
