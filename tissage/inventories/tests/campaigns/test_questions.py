"""A campaign's questions: every kind, keys, and what stays once items answered."""

from __future__ import annotations

import pytest
from django.utils import translation

from tissage.inventories.campaigns import questions, services
from tissage.inventories.models import CampaignField, Contribution
from tissage.inventories.tests.helpers import queries_for, submit

pytestmark = pytest.mark.django_db


# Questions -------------------------------------------------------------------------------


def fields_url(campaign, suffix=""):
    return f"/inventaires/{campaign.slug}/parametres/questions/{suffix}"


def question(**changes):
    data = {"label": "Accès", "kind": "text", "help_text": "", "choices": "", "key": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "choices", "stored"),
    [
        ("text", "", []),
        ("long_text", "", []),
        ("number", "", []),
        ("yes_no", "", []),
        ("choice", "public\nprivé\n\n", ["public", "privé"]),
        ("multiple_choice", " eau \n pierre ", ["eau", "pierre"]),
        ("date", "", []),
        ("period", "", []),
    ],
)
def test_questions_of_every_kind_are_added(signed_in, campaign, kind, choices, stored):
    response = signed_in.post(
        fields_url(campaign, "ajouter/"),
        question(label="Accès au site", kind=kind, choices=choices, required="on"),
    )
    assert response.status_code == 302
    added = campaign.fields.get(label="Accès au site")
    assert added.kind == kind
    assert added.choices == stored
    assert added.required is True
    assert added.key == "acces_au_site"
    assert added.position == 9
    added.form_field()  # a form field can be made from it


def test_keys_are_made_from_labels_and_kept_unique(campaign):
    first = questions.field_add(campaign=campaign, label="Matériaux du gros œuvre", kind="text")
    second = questions.field_add(campaign=campaign, label="Matériaux du gros-œuvre", kind="text")
    odd = questions.field_add(campaign=campaign, label="1er étage ?", kind="text")
    reserved = questions.field_add(campaign=campaign, label="Title", kind="text")
    nothing = questions.field_add(campaign=campaign, label="?!", kind="text")
    assert first.key == "materiaux_du_gros_oeuvre"
    assert second.key == "materiaux_du_gros_oeuvre_2"
    assert odd.key == "er_etage"
    assert reserved.key == "title_2"
    assert nothing.key == "question"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"label": ""}, "label", "Write the question."),
        ({"label": "x" * 201}, "label", "at most 200 characters"),
        ({"kind": "colour"}, "kind", "Choose a kind of answer"),
        ({"kind": "choice", "choices": ""}, "choices", "Give at least two choices"),
        ({"kind": "multiple_choice", "choices": "seul"}, "choices", "Give at least two choices"),
        ({"kind": "choice", "choices": "oui\nOui"}, "choices", "“Oui” is given twice."),
        ({"kind": "choice", "choices": "a\n" + "b" * 121}, "choices", "under 120 characters"),
        ({"kind": "text", "choices": "a\nb"}, "choices", "Choices are only for"),
        ({"key": "etat"}, "key", "already uses the key “etat”"),
        ({"key": "État"}, "key", "lowercase letters without accents"),
        ({"key": "1er"}, "key", "starting with a letter"),
        ({"key": "a__b"}, "key", "single underscores"),
        ({"key": "latitude"}, "key", "a column every item has"),
        ({"merimee_field": "XXXX"}, "merimee_field", "Choose a Mérimée field"),
        ({"merimee_field": "SCLE"}, "merimee_field", "“Siècle ou époque” is already mapped"),
    ],
)
def test_bad_questions_are_refused(signed_in, campaign, changes, field, message):
    response = signed_in.post(fields_url(campaign, "ajouter/"), question(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert campaign.fields.count() == 9


def test_all_problems_are_shown_at_once(campaign):
    with pytest.raises(services.SetupRefused) as refusal:
        questions.field_add(campaign=campaign, label="", kind="choice", key="etat", choices="a")
    assert set(refusal.value.errors) == {"label", "choices", "key"}


def answered(campaign, **values):
    return submit(campaign, values=values, lon=4.36 + len(values) * 0.0001)


def test_a_key_stays_once_items_answered(signed_in, campaign):
    etat = campaign.fields.get(key="etat")
    answered(campaign, etat="bon état")
    response = signed_in.post(
        fields_url(campaign, f"{etat.pk}/"),
        question(label="État", kind="choice", choices="\n".join(etat.choices), key="etat_general"),
    )
    assert "its key stays “etat”" in response.context["form"].errors["key"][0]
    etat.refresh_from_db()
    assert (etat.key, etat.label) == ("etat", "État de conservation")


def test_a_key_can_change_while_nobody_answered(signed_in, campaign):
    etat = campaign.fields.get(key="etat")
    answered(campaign, etat=None)  # a stored null is no answer
    response = signed_in.post(
        fields_url(campaign, f"{etat.pk}/"),
        question(label="État", kind="choice", choices="\n".join(etat.choices), key="etat_general"),
    )
    assert response.status_code == 302
    etat.refresh_from_db()
    assert etat.key == "etat_general"


def test_an_empty_key_keeps_the_current_one(campaign):
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label="Lieu-dit", kind="text", help_text="", required=True,
        choices="", key="", merimee_field="LIEU",
    )  # fmt: skip
    lieu.refresh_from_db()
    assert (lieu.key, lieu.required) == ("lieu_dit", True)


def test_the_kind_stays_once_answered_except_between_texts(campaign):
    answered(campaign, lieu_dit="Les Aires", couverture="lauze")
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label=lieu.label, kind="long_text", help_text="", required=False,
        choices="", key="lieu_dit", merimee_field="LIEU",
    )  # fmt: skip
    assert CampaignField.objects.get(pk=lieu.pk).kind == "long_text"

    couverture = campaign.fields.get(key="couverture")
    with pytest.raises(services.SetupRefused) as refusal, translation.override("en"):
        questions.field_update(
            field=couverture, label=couverture.label, kind="multiple_choice", help_text="",
            required=False, choices=couverture.choices, key="couverture", merimee_field="COUV",
        )  # fmt: skip
    assert "as “single choice”" in refusal.value.errors["kind"][0]
    assert CampaignField.objects.get(pk=couverture.pk).kind == "choice"


def test_choices_that_answers_use_stay(signed_in, campaign):
    answered(campaign, materiaux=["calcaire", "bois"])
    answered(campaign, materiaux=["calcaire"], lieu_dit="x")
    materiaux = campaign.fields.get(key="materiaux")
    kept = [choice for choice in materiaux.choices if choice not in {"calcaire", "bois", "grès"}]

    response = signed_in.post(
        fields_url(campaign, f"{materiaux.pk}/"),
        question(
            label="Matériaux", kind="multiple_choice", choices="\n".join(kept), key="materiaux"
        ),
    )

    errors = response.context["form"].errors["choices"]
    assert any("“calcaire” is the answer of 2 items" in error for error in errors)
    assert any("“bois” is the answer of 1 item:" in error for error in errors)
    assert not any("grès" in error for error in errors)
    materiaux.refresh_from_db()
    assert "calcaire" in materiaux.choices and materiaux.label == "Matériaux du gros œuvre"

    # Unused choices go, new ones come.
    response = signed_in.post(
        fields_url(campaign, f"{materiaux.pk}/"),
        question(
            label="Matériaux",
            kind="multiple_choice",
            choices="calcaire\nbois\nterre crue",
            key="materiaux",
        ),
    )
    assert response.status_code == 302
    materiaux.refresh_from_db()
    assert materiaux.choices == ["calcaire", "bois", "terre crue"]


def test_an_answered_question_cannot_be_deleted(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    page = signed_in.get(fields_url(campaign, f"{lieu.pk}/supprimer/"))
    assert "1 item answered it" in page.content.decode()

    response = signed_in.post(fields_url(campaign, f"{lieu.pk}/supprimer/"), follow=True)
    assert "1 item answered it" in response.content.decode()
    assert CampaignField.objects.filter(pk=lieu.pk).exists()


def test_an_unanswered_question_is_deleted_after_confirmation(signed_in, campaign):
    answered(campaign, lieu_dit=None)
    lieu = campaign.fields.get(key="lieu_dit")
    assert signed_in.get(fields_url(campaign, f"{lieu.pk}/supprimer/")).status_code == 200
    response = signed_in.post(fields_url(campaign, f"{lieu.pk}/supprimer/"))
    assert response.status_code == 302
    assert not CampaignField.objects.filter(pk=lieu.pk).exists()


def test_usage_counts_answers_per_question_in_one_query(campaign, django_assert_num_queries):
    answered(campaign, lieu_dit="a", etat="bon état")
    answered(campaign, lieu_dit="b", etat=None)
    answered(campaign, materiaux=[], appellation="")
    answered(campaign, materiaux=["bois"], remarquable="", couverture="lauze")
    # False and 0 are answers; a key named like a lookup is still a key.
    answered(campaign, ouvert=False, hauteur=0, contains="x", exact=None)
    keys = ["lieu_dit", "etat", "materiaux", "appellation", "remarquable", "absent"]
    keys += ["ouvert", "hauteur", "contains", "exact"]
    with django_assert_num_queries(1):
        usage = questions.field_usage(campaign, keys)
    assert usage == {
        "lieu_dit": 2,
        "etat": 1,
        "materiaux": 1,
        "appellation": 0,
        "remarquable": 0,
        "absent": 0,
        "ouvert": 1,
        "hauteur": 1,
        "contains": 1,
        "exact": 0,
    }


def test_questions_move_up_and_down(signed_in, campaign):
    keys = lambda: list(campaign.fields.values_list("key", flat=True))  # noqa: E731
    assert keys()[:2] == ["appellation", "lieu_dit"]
    lieu = campaign.fields.get(key="lieu_dit")
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "up"})
    assert keys()[:2] == ["lieu_dit", "appellation"]
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "down"})
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "down"})
    assert keys()[:3] == ["appellation", "siecle", "lieu_dit"]


def test_the_questions_page_shows_answers_and_hides_delete_for_answered(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    response = signed_in.get(fields_url(campaign))
    rows = {field.key: count for field, count in response.context["rows"]}
    assert rows["lieu_dit"] == 1 and rows["etat"] == 0
    html = response.content.decode()
    lieu = campaign.fields.get(key="lieu_dit")
    etat = campaign.fields.get(key="etat")
    assert f"/questions/{lieu.pk}/supprimer/" not in html
    assert f"/questions/{etat.pk}/supprimer/" in html


def test_the_edit_form_warns_what_stays_once_answered(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    response = signed_in.get(fields_url(campaign, f"{lieu.pk}/"))
    assert response.context["answered"] == 1
    assert "1 item already answered this question" in response.content.decode()
    assert response.context["form"]["key"].value() == "lieu_dit"


def test_the_questions_page_makes_the_same_queries_for_more_rows(signed_in, campaign):
    few = queries_for(signed_in, fields_url(campaign))
    for number in range(25):
        questions.field_add(campaign=campaign, label=f"Question {number}", kind="text")
    for number in range(5):
        answered(campaign, lieu_dit=f"Lieu {number}")
    many = queries_for(signed_in, fields_url(campaign))
    assert few == many <= 10


def test_contributions_keep_their_values_key_after_label_change(campaign):
    item = answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label="Quartier", kind="text", help_text="", required=False,
        choices="", key="lieu_dit", merimee_field="LIEU",
    )  # fmt: skip
    assert Contribution.objects.get(pk=item.pk).values["lieu_dit"] == "Les Aires"
