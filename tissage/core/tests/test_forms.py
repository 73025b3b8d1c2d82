"""Fields shared by the apps' forms."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tissage.core.forms import EmailAddressField, ModelChoicesField, PersonNameField
from tissage.core.tests.factories import CommuneFactory
from tissage.territories.models import Commune


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["1" * 400, str(2**63), "-1", "1.0", "²", "٣", " "])
def test_ids_no_row_can_have_are_an_invalid_choice_before_any_query(bad, django_assert_num_queries):
    commune = CommuneFactory()
    field = ModelChoicesField(queryset=Commune.objects.all())
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        field.clean([str(commune.pk), bad])
    assert refused.value.code == "invalid_pk_value"


@pytest.mark.django_db
def test_ids_of_rows_are_chosen():
    first, second = CommuneFactory(), CommuneFactory()
    field = ModelChoicesField(queryset=Commune.objects.all())
    assert set(field.clean([str(first.pk), str(second.pk)])) == {first, second}


@pytest.mark.parametrize(
    "name", ["Ana\nBcc: x@example.org", "A\rna", "Ana\u202e", "A\u200bna", "\x07"]
)
def test_a_person_s_name_is_one_line_of_visible_text(name):
    with pytest.raises(ValidationError) as refused:
        PersonNameField().clean(name)
    assert [error.code for error in refused.value.error_list] == ["control_character"]


def test_names_in_every_script_are_welcome():
    assert PersonNameField().clean("  Zoë N’Diaye-Łukasz 王 ") == "Zoë N’Diaye-Łukasz 王"


@pytest.mark.parametrize(
    "address",
    [
        "camille@example.org\u200f",  # a right-to-left mark pasted after it
        "camille\u200b@example.org",  # a zero-width space
        "cam\u00adille@example.org",  # a soft hyphen
        "camille@exa\u200emple.org",
        "camille@" + "a" * 64 + ".org",  # a label IDNA cannot encode
    ],
)
def test_an_address_with_invisible_characters_is_a_typing_error(address):
    with pytest.raises(ValidationError) as refused:
        EmailAddressField().clean(address)
    assert [error.code for error in refused.value.error_list] == ["invalid"]


def test_addresses_are_normalised_and_accented_domains_kept():
    assert EmailAddressField().clean(" zoe@exa\u0301mple.fr ") == "zoe@exámple.fr"


@pytest.mark.parametrize(
    "choices, value",
    [
        ([("", "Toutes les communes"), ("30189", "Nîmes"), ("30007", "Alès & co")], "30189"),
        ([("", "Tous"), ("Gard", [("30189", "Nîmes"), ("30007", "Alès")])], "30007"),
        ([("1", "Un"), ("2", "<b>Deux</b>")], ""),
    ],
)
def test_a_list_select_writes_the_same_html_as_djangos_select(choices, value):
    """`ListSelect` inlines the options Django writes through a template each: the same
    elements, attributes, groups, selection and escaping."""
    from django import forms

    from tissage.core.forms import ListSelect

    attrs = {"id": "id_commune", "aria-describedby": "aide", "required": True}
    expected = forms.Select(attrs=attrs, choices=choices).render("commune", value)
    written = ListSelect(attrs=attrs, choices=choices).render("commune", value)
    # The same HTML, but for the blank lines Django's option template leaves after each.
    assert " ".join(written.split()) == " ".join(expected.split())
    flat = [c for c in choices if not isinstance(c[1], list)] + [
        option for c in choices if isinstance(c[1], list) for option in c[1]
    ]
    assert written.count("<option") == len(flat)
    assert "<b>" not in written  # labels escaped
    if value:
        assert f'value="{value}" selected' in written


def _filters(data=None, *, choices=(("", "Tous"), ("a", "Alès")), label="Commune"):
    from django import forms

    from tissage.core.forms import ListSelect

    class Filters(forms.Form):
        commune = forms.ChoiceField(label=label, required=False, widget=ListSelect)
        start = forms.DateField(required=False, help_text="jj/mm/aaaa")

    form = Filters(data)
    form.fields["commune"].choices = list(choices)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "data", [None, {"commune": "a"}, {"commune": "z"}, {"start": "demain"}, {"commune": "<b>"}]
)
def test_kept_filter_fields_are_the_fields_as_rendered_one_by_one(data):
    """`rendered_fields` (core.cards) keeps a filter form's fields as rendered: the same
    HTML as the field template for each, kept or made, errors and escaping included."""
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from tissage.core.cards import rendered_fields

    cache.clear()
    expected = "".join(
        render_to_string("core/form_field.html", {"field": field}) for field in _filters(data)
    )
    made = rendered_fields(_filters(data))
    kept = rendered_fields(_filters(data))
    assert made.strip() == expected.strip()
    assert kept == made
    assert "<b>" not in made


@pytest.mark.parametrize(
    ("first", "then", "shown"),
    [
        ({}, {"choices": (("", "Tous"), ("a", "Alès"), ("n", "Nîmes"))}, ">Nîmes</option>"),
        ({}, {"choices": (("", "Tous"), ("a", "Alès-en-Cévennes"))}, ">Alès-en-Cévennes<"),
        ({}, {"label": "Ville"}, ">Ville"),
        ({}, {"data": {"commune": "a"}}, 'value="a" selected'),
        ({"data": {"commune": "a"}}, {"data": {"commune": "z"}}, "field-error"),
        ({}, {"data": {"start": "2026-12-05"}}, 'value="2026-12-05"'),
    ],
)
def test_kept_filter_fields_show_every_change(first, then, shown):
    """A filter form's state is its key: new choices, a renamed one, another label, the
    chosen value, an error each give their own HTML, never the kept one."""
    from django.core.cache import cache

    from tissage.core.cards import rendered_fields

    cache.clear()
    before = rendered_fields(_filters(**first))
    after = rendered_fields(_filters(**then))
    assert shown not in before
    assert shown in after


def test_kept_filter_fields_follow_the_language():
    from django.core.cache import cache
    from django.utils import translation

    from tissage.core.cards import rendered_fields

    cache.clear()
    with translation.override("fr"):
        french = rendered_fields(_filters({"commune": "z"}))
    with translation.override("en"):
        english = rendered_fields(_filters({"commune": "z"}))
    assert "Sélectionnez un choix valide" in french
    assert "Select a valid choice" in english


@pytest.mark.parametrize("data", [None, {"commune": "a"}, {"commune": "a", "start": "2026-12-05"}])
def test_a_kept_form_is_the_form_as_rendered_with_its_errors_summary(data):
    """`{% kept_form %}` keeps `core/form_fields.html` (the errors' summary, hidden and
    visible fields) per state: a form-wide error has its own key, never the kept HTML."""
    from django import forms
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from tissage.core.cards import rendered_fields

    class Dated(forms.Form):
        commune = forms.CharField(required=False)
        start = forms.DateField(required=False)

        def clean(self):
            if self.cleaned_data.get("start"):
                raise forms.ValidationError("Trop tard pour cette date.")
            return self.cleaned_data

    def form():
        made = Dated(data)
        made.is_valid()
        return made

    cache.clear()
    expected = render_to_string("core/form_fields.html", {"form": form()})
    assert rendered_fields(Dated({"commune": "a"}), "core/form_fields.html")  # kept first
    made = rendered_fields(form(), "core/form_fields.html")
    assert made == expected
    assert ("Trop tard pour cette date." in made) == bool(data and data.get("start"))


def test_a_kept_form_keeps_a_blank_form_and_never_what_a_visitor_typed():
    """`{% kept_form %}` (core.cards.rendered_form) keeps a public page's blank form; a
    submitted one, holding what a visitor typed, is rendered each time and never cached."""
    from django import forms
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from tissage.core.cards import FORM_TEMPLATE, card_key, form_state, rendered_form

    class Registration(forms.Form):
        name = forms.CharField()
        email = forms.EmailField()

    cache.clear()
    blank, typed = Registration(), Registration({"name": "Léa", "email": "lea@"})
    typed.is_valid()

    assert rendered_form(blank) == render_to_string(FORM_TEMPLATE, {"form": Registration()})
    assert rendered_form(typed) == render_to_string(FORM_TEMPLATE, {"form": typed})
    assert cache.get(card_key(FORM_TEMPLATE, form_state(blank))) is not None
    assert cache.get(card_key(FORM_TEMPLATE, form_state(typed))) is None
    assert 'value="lea@"' in rendered_form(typed)
