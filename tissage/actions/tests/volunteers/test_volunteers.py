"""Forces vives: one's availability page, the facilitators' list and invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.actions.models import VolunteerInvitation, VolunteerProfile
from tissage.actions.tests.helpers import STAFF_DRAFT_ACTION, make_action
from tissage.core.tests.factories import (
    ROLES,
    CommuneFactory,
    ProjectMembershipFactory,
    UserFactory,
    user_with_role,
)
from tissage.core.tests.matrices import FORBIDDEN, LOGIN, NOT_FOUND, OK, STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, committed):
    """Emails leave at the end of each request, as after a real commit."""
    return committed(client)


@pytest.fixture(autouse=True)
def english(settings):
    # The assertions read the English wording, whatever the French catalogue holds.
    settings.LANGUAGE_CODE = "en"


def volunteer(*communes, opted_in=True, skills=("chainsaw",), name="Louise", **fields):
    user = UserFactory(display_name=name, language="en", **fields)
    profile = VolunteerProfile.objects.create(user=user, opted_in=opted_in, skills=list(skills))
    profile.communes.set(communes)
    return profile


def facilitator_of(action):
    from tissage.projects.models import ProjectMembership

    return ProjectMembershipFactory(
        project=action.project, role=ProjectMembership.Role.FACILITATOR
    ).user


# Availability ---------------------------------------------------------------------------


def test_availability_needs_signing_in(client):
    response = client.get(reverse("actions:availability"))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


def test_availability_saves_consent_skills_and_communes(client):
    pessac = CommuneFactory(name="Pessac", insee_code="33318")
    talence = CommuneFactory(name="Talence", insee_code="33522")
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("actions:availability")).content.decode()
    assert "Your email address is never shown" in page

    response = client.post(
        reverse("actions:availability"),
        {
            "opted_in": "on",
            "common_skills": ["chainsaw", "trailer"],
            "other_skills": "apiculture, Soudure ,apiculture",
            "communes": "Pessac, 33522",
            "note": "Le week-end",
        },
    )

    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=user)
    assert profile.opted_in
    assert profile.skills == ["chainsaw", "trailer", "apiculture", "Soudure"]
    assert set(profile.communes.all()) == {pessac, talence}
    assert profile.note == "Le week-end"
    page = client.get(reverse("actions:availability")).content.decode()
    assert "apiculture, Soudure" in page
    assert "Pessac (33318), Talence (33522)" in page


def test_availability_unknown_commune_is_a_clear_error_and_saves_nothing(client):
    CommuneFactory(name="Pessac", insee_code="33318")
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("actions:availability"),
        {"opted_in": "on", "common_skills": ["chainsaw"], "communes": "Pessac, Pesac, 99999"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Pesac" in page and "99999" in page
    assert not VolunteerProfile.objects.exists()


def test_availability_rejects_an_unknown_skill_and_too_long_ones(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("actions:availability"),
        {"common_skills": ["flying"], "other_skills": "x" * 61},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"common_skills", "other_skills"}
    assert not VolunteerProfile.objects.exists()


# The facilitators' list ----------------------------------------------------------------


def test_list_shows_opted_in_people_near_the_commune_without_email(client):
    crest = CommuneFactory(name="Crest")
    elsewhere = CommuneFactory(name="Die")
    action = make_action(commune=crest)
    near = volunteer(crest, name="Louise", email="louise@example.org")
    far = volunteer(elsewhere, name="Marc")
    volunteer(crest, name="Secrète", opted_in=False)
    volunteer(crest, name="Partie", is_active=False)
    client.force_login(facilitator_of(action))

    page = client.get(reverse("actions:volunteers", args=[action.slug])).content.decode()

    assert "Louise" in page and "tronçonneuse" not in page  # English test locale
    assert "chainsaw" in page
    assert "Marc" not in page
    assert "Secrète" not in page and "Partie" not in page
    assert near.user.email not in page and "@example" not in page
    everyone = client.get(reverse("actions:volunteers", args=[action.slug]), {"lieu": "any"})
    assert far.user.public_name in everyone.content.decode()


def test_list_filters_by_skill_common_or_free(client):
    action = make_action()  # no commune: everyone, wherever they are
    volunteer(name="Louise", skills=["chainsaw"])
    volunteer(name="Marc", skills=["Apiculture"])
    client.force_login(facilitator_of(action))
    url = reverse("actions:volunteers", args=[action.slug])

    assert "Marc" in client.get(url).content.decode()
    page = client.get(url, {"competence": "chainsaw"}).content.decode()
    assert "Louise" in page and "Marc" not in page
    page = client.get(url, {"competence": "Apiculture"}).content.decode()
    assert "Marc" in page and "Louise" not in page


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow(client, django_assert_max_num_queries, count):
    crest = CommuneFactory()
    action = make_action(commune=crest)
    for number in range(count):
        volunteer(crest, CommuneFactory(), name=f"Personne {number}")
    VolunteerInvitation.objects.create(action=action, user=VolunteerProfile.objects.first().user)
    client.force_login(facilitator_of(action))

    with django_assert_max_num_queries(10):
        response = client.get(reverse("actions:volunteers", args=[action.slug]))

    assert len(response.context["rows"]) == count


# Invitations ----------------------------------------------------------------------------


def test_invite_sends_one_email_once(client):
    crest = CommuneFactory(name="Crest")
    action = make_action(commune=crest)
    profile = volunteer(crest, name="Louise", email="louise@example.org")
    facilitator = facilitator_of(action)
    facilitator.display_name = "Camille"
    facilitator.save(update_fields=["display_name"])
    client.force_login(facilitator)
    url = reverse("actions:invite_volunteer", args=[action.slug])

    response = client.post(url, {"user": profile.user.pk, "competence": "chainsaw"})

    assert response.status_code == 302
    assert response["Location"].endswith("/forces-vives/?competence=chainsaw")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["louise@example.org"]
    assert "Camille" in message.body and action.title in message.body
    assert f"/actions/{action.slug}/" in message.body
    assert "/actions/mes-disponibilites/" in message.body
    invitation = VolunteerInvitation.objects.get()
    assert (invitation.user, invitation.invited_by) == (profile.user, facilitator)

    again = client.post(url, {"user": profile.user.pk}, follow=True)

    assert "already invited" in again.content.decode()
    assert len(mail.outbox) == 1
    assert VolunteerInvitation.objects.count() == 1
    page = client.get(reverse("actions:volunteers", args=[action.slug])).content.decode()
    assert "Invite Louise" not in page and "Invited" in page


def test_invite_refuses_who_did_not_opt_in_and_closed_actions(client):
    action = make_action()
    hidden = volunteer(name="Secrète", opted_in=False)
    client.force_login(facilitator_of(action))
    url = reverse("actions:invite_volunteer", args=[action.slug])

    page = client.post(url, {"user": hidden.user.pk}, follow=True).content.decode()
    assert "no longer wishes to be invited" in page
    page = client.post(url, {"user": "nobody"}, follow=True).content.decode()
    assert "was not found" in page

    draft = make_action(status="draft")
    shown = volunteer(name="Louise")
    client.force_login(facilitator_of(draft))
    page = client.post(
        reverse("actions:invite_volunteer", args=[draft.slug]), {"user": shown.user.pk}, follow=True
    ).content.decode()
    assert "not open" in page
    assert not VolunteerInvitation.objects.exists()
    assert not mail.outbox


# Permissions ----------------------------------------------------------------------------


def _answer(response, expected, ok_status):
    match expected:
        case "ok":
            assert response.status_code == ok_status
        case "login":
            assert response.status_code == 302
            assert response["Location"].startswith("/compte/connexion/?next=")
        case "forbidden":
            assert response.status_code == 403
        case "not_found":
            assert response.status_code == 404


@pytest.mark.parametrize("situation", ["published", "draft_action"])
@pytest.mark.parametrize("page", ["list", "invite"])
@pytest.mark.parametrize("role", ROLES)
def test_volunteer_pages_by_role(client, role, page, situation):
    action = make_action(status="draft" if situation == "draft_action" else "published")
    table = dict(STAFF if situation == "published" else STAFF_DRAFT_ACTION)
    profile = volunteer(name="Louise", email="louise@example.org")
    user = user_with_role(role, action.project)
    if user is not None:
        client.force_login(user)

    if page == "list":
        response = client.get(reverse("actions:volunteers", args=[action.slug]))
        _answer(response, table[role], 200)
        if table[role] == OK:
            assert "Louise" in response.content.decode()
    else:
        response = client.post(
            reverse("actions:invite_volunteer", args=[action.slug]), {"user": profile.user.pk}
        )
        _answer(response, table[role], 302)
        # A draft action is not open for registration: nobody is invited to it.
        invited = table[role] == OK and situation == "published"
        assert VolunteerInvitation.objects.exists() == invited
        assert bool(mail.outbox) == invited


def test_expected_answers_are_known():
    assert {expected for _role, expected in STAFF_DRAFT_ACTION} <= {
        OK,
        LOGIN,
        FORBIDDEN,
        NOT_FOUND,
    }
