"""The collective's own flows: creating one, joining (open, moderated, anonymous),
leaving, roles, how a member receives the list, meetings, query counts, personal data."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tissage.accounts.services import account_data, account_delete, account_export
from tissage.actions.models import Action
from tissage.actions.services import RoleInput, action_create
from tissage.collectives.collective import services as services_core
from tissage.collectives.lists import services
from tissage.collectives.models import (
    Attachment,
    Collective,
    CollectiveMembership,
    Initiative,
    InitiativeMember,
    Message,
    Thread,
    WikiPage,
    WikiRevision,
)
from tissage.collectives.personal_data import former_member
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)
from tissage.collectives.wiki import services as wiki
from tissage.core.tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    UserFactory,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (emails) as the test's transaction never commits."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


def _staff_client(client, organisation):
    staff = OrganisationMembershipFactory(organisation=organisation).user
    client.force_login(staff)
    return staff


def _create_data(**changes):
    return {"name": "Les Jardins", "admission": "open", "archive_visibility": "public", **changes}


# --- Creating ------------------------------------------------------------------------


def test_staff_creates_a_collective_with_project_coordinator_and_hub(client):
    organisation = OrganisationFactory()
    commune = CommuneFactory()
    organisation.communes.add(commune)
    staff = _staff_client(client, organisation)
    response = client.post(
        reverse("collectives:create", args=[organisation.slug]),
        _create_data(description="**Bienvenue**", communes=[commune.pk], admission="moderated"),
    )
    collective = Collective.objects.get(name="Les Jardins")
    assert response.status_code == 302
    assert response["Location"] == collective.get_absolute_url()
    assert collective.slug == "les-jardins"
    assert collective.admission == "moderated"
    assert list(collective.communes.all()) == [commune]
    membership = collective.memberships.get()
    assert membership.user == staff and membership.is_coordinator and membership.trusted
    assert collective.project is not None
    assert collective.project.status == Project.Status.PUBLISHED
    assert collective.project.organisation == organisation
    hub = WikiPage.objects.get(collective=collective, is_hub=True)
    assert hub.title == wiki.HUB_TITLE and hub.current is not None and hub.current.body
    page = client.get(collective.get_absolute_url()).content.decode()
    assert "<strong>Bienvenue</strong>" in page
    assert hub.get_absolute_url() in page
    assert commune.name in page


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"slug": "nouveau"}, "slug"),
        ({"slug": "desabonnement"}, "slug"),
        ({"slug": "déjà-pris"}, "slug"),
        ({"admission": "secret"}, "admission"),
    ],
)
def test_create_refuses_bad_input(client, data, field):
    organisation = OrganisationFactory()
    CollectiveFactory(slug="deja-pris")
    _staff_client(client, organisation)
    before = Collective.objects.count()
    response = client.post(
        reverse("collectives:create", args=[organisation.slug]), _create_data(**data)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Collective.objects.count() == before
    assert Project.objects.count() == 0


def test_slug_made_from_a_reserved_name_is_changed():
    organisation = OrganisationFactory()
    creator = UserFactory()
    collective = services_core.collective_create(
        organisation=organisation,
        creator=creator,
        name="Nouveau",
        description="",
        communes=[],
        admission="open",
        archive_visibility="public",
        hold_first_posts=False,
    )
    assert collective.slug not in services_core.RESERVED_SLUGS
    again = services_core.collective_create(
        organisation=organisation,
        creator=creator,
        name="Nouveau",
        description="",
        communes=[],
        admission="open",
        archive_visibility="public",
        hold_first_posts=False,
    )
    assert again.slug != collective.slug


def test_settings_change_the_collective_but_not_its_address(client):
    collective = CollectiveFactory(slug="la-clac")
    client, _user = client_for_role("coordinator", collective)
    response = client.post(
        reverse("collectives:settings", args=[collective.slug]),
        {
            "name": "La CLAC",
            "slug": "autre",
            "admission": "moderated",
            "archive_visibility": "members",
        },
    )
    assert response.status_code == 302
    collective.refresh_from_db()
    assert (collective.name, collective.slug) == ("La CLAC", "la-clac")
    assert collective.admission == "moderated" and collective.archive_visibility == "members"
    response = client.post(
        reverse("collectives:settings", args=[collective.slug]),
        {"name": "", "admission": "open", "archive_visibility": "public"},
    )
    assert response.status_code == 400
    collective.refresh_from_db()
    assert collective.name == "La CLAC"


# --- Joining -------------------------------------------------------------------------


def test_anonymous_join_goes_to_sign_in_and_back():
    collective = CollectiveFactory()
    client, _user = client_for_role("anonymous", collective)
    response = client.post(reverse("collectives:join", args=[collective.slug]))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:sign_in") + "?next=" + quote(collective.get_absolute_url())
    )
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:join", args=[collective.slug]) in page


def test_open_join_makes_an_active_member_and_sends_the_welcome(on_commit):
    collective = CollectiveFactory(admission="open")
    client, user = client_for_role("outsider", collective)
    url = reverse("collectives:join", args=[collective.slug])
    on_commit(client.post, url)
    on_commit(client.post, url)  # a double click
    membership = CollectiveMembership.objects.get(collective=collective, user=user)
    assert membership.status == "active" and membership.role == "member"
    assert len(mail.outbox) == 1
    welcome = mail.outbox[0]
    assert welcome.to == [user.email]
    assert collective.list_address in welcome.body
    assert reverse("collectives:delivery", args=[collective.slug]) in welcome.body
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:leave", args=[collective.slug]) in page
    assert reverse("collectives:delivery", args=[collective.slug]) in page


def test_join_service_is_idempotent():
    collective = CollectiveFactory()
    user = UserFactory()
    first, created = services_core.membership_join(collective=collective, user=user)
    again, created_again = services_core.membership_join(collective=collective, user=user)
    assert created and not created_again and first.pk == again.pk


def test_moderated_join_then_approval(on_commit):
    collective = CollectiveFactory(admission="moderated")
    coordinator = MembershipFactory(collective=collective, role="coordinator").user
    MembershipFactory(collective=collective)  # a plain member: not told
    client, user = client_for_role("outsider", collective)
    page = client.get(collective.get_absolute_url()).content.decode()
    assert 'name="message"' in page
    on_commit(
        client.post,
        reverse("collectives:join", args=[collective.slug]),
        {"message": "J’habite à Saint-Martin."},
    )
    membership = CollectiveMembership.objects.get(collective=collective, user=user)
    assert membership.status == "pending"
    assert membership.request_message == "J’habite à Saint-Martin."
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "J’habite à Saint-Martin." in mail.outbox[0].body
    assert user.email not in mail.outbox[0].body
    page = client.get(collective.get_absolute_url()).content.decode()
    assert "Withdraw my request" in page or "Retirer ma demande" in page
    # Pending: no access to the members-only delivery page.
    assert client.get(reverse("collectives:delivery", args=[collective.slug])).status_code == 403

    mail.outbox.clear()
    coordinator_client = client_for_role("anonymous", collective)[0]
    coordinator_client.force_login(coordinator)
    members_page = coordinator_client.get(reverse("collectives:members", args=[collective.slug]))
    assert "J’habite à Saint-Martin." in members_page.content.decode()
    response = on_commit(
        coordinator_client.post,
        reverse("collectives:member", args=[collective.slug, membership.pk]),
        {"action": "approve"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert collective.list_address in mail.outbox[0].body
    # Approving twice does nothing more.
    on_commit(
        coordinator_client.post,
        reverse("collectives:member", args=[collective.slug, membership.pk]),
        {"action": "approve"},
    )
    assert len(mail.outbox) == 1


def test_refused_request_is_deleted_and_the_person_told(on_commit):
    collective = CollectiveFactory(admission="moderated")
    client, _coordinator = client_for_role("coordinator", collective)
    pending = MembershipFactory(collective=collective, status="pending")
    on_commit(
        client.post,
        reverse("collectives:member", args=[collective.slug, pending.pk]),
        {"action": "refuse"},
    )
    assert not CollectiveMembership.objects.filter(pk=pending.pk).exists()
    assert [m.to for m in mail.outbox] == [[pending.user.email]]


def test_pending_request_can_be_withdrawn():
    collective = CollectiveFactory(admission="moderated")
    client, user = client_for_role("pending", collective)
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert not CollectiveMembership.objects.filter(user=user).exists()


# --- Leaving, roles ------------------------------------------------------------------


def test_last_coordinator_cannot_leave_until_another_is_named():
    collective = CollectiveFactory()
    client, coordinator = client_for_role("coordinator", collective)
    other = MembershipFactory(collective=collective)
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("collectives:leave", args=[collective.slug]) not in page
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert collective.memberships.filter(user=coordinator).exists()
    # Nor can they step down, nor be removed.
    own = collective.memberships.get(user=coordinator)
    client.post(reverse("collectives:member", args=[collective.slug, own.pk]), {"action": "member"})
    client.post(reverse("collectives:member", args=[collective.slug, own.pk]), {"action": "remove"})
    own.refresh_from_db()
    assert own.is_coordinator
    client.post(
        reverse("collectives:member", args=[collective.slug, other.pk]), {"action": "coordinator"}
    )
    client.post(reverse("collectives:leave", args=[collective.slug]))
    assert not collective.memberships.filter(user=coordinator).exists()


def test_coordinator_removes_a_member_and_bad_action_changes_nothing():
    collective = CollectiveFactory()
    client, _coordinator = client_for_role("coordinator", collective)
    member = MembershipFactory(collective=collective)
    url = reverse("collectives:member", args=[collective.slug, member.pk])
    client.post(url, {"action": "explode"})
    assert CollectiveMembership.objects.filter(pk=member.pk).exists()
    client.post(url, {"action": "remove"})
    assert not CollectiveMembership.objects.filter(pk=member.pk).exists()


def test_delivery_change_and_bad_value():
    collective = CollectiveFactory()
    client, user = client_for_role("member", collective)
    url = reverse("collectives:delivery", args=[collective.slug])
    assert client.post(url, {"delivery": "pigeon"}).status_code == 400
    membership = CollectiveMembership.objects.get(user=user)
    assert membership.delivery == "each"
    response = client.post(url, {"delivery": "digest"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.delivery == "digest" and membership.digest_sent_until is not None
    client.post(url, {"delivery": "web"})
    membership.refresh_from_db()
    assert membership.delivery == "web"


# --- Meetings ------------------------------------------------------------------------


def _meeting_data(**changes):
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    return {
        "title": "Réunion de rentrée",
        "date": day,
        "start_time": "18:30",
        "end_time": "20:00",
        "address": "Salle des fêtes",
        "places": "40",
        **changes,
    }


@pytest.mark.parametrize("with_project", [True, False])
def test_coordinator_creates_a_meeting_announced_on_the_list(with_project):
    collective = CollectiveFactory()
    if with_project:
        collective.project = services_core.meetings_project(collective=collective, creator=None)
        collective.save()
    client, coordinator = client_for_role("coordinator", collective)
    response = client.post(
        reverse("collectives:meeting_create", args=[collective.slug]), _meeting_data()
    )
    collective.refresh_from_db()
    assert collective.project is not None
    action = Action.objects.get(project=collective.project)
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:detail", args=[action.slug])
    assert action.kind == Action.Kind.MEETING and action.status == Action.Status.PUBLISHED
    assert timezone.localtime(action.starts_at).strftime("%H:%M") == "18:30"
    assert action.address == "Salle des fêtes"
    assert [role.places for role in action.roles.all()] == [40]
    thread = Thread.objects.get(collective=collective)
    assert "Réunion de rentrée" in thread.subject
    message = thread.messages.get()
    assert message.author == coordinator
    assert message.status == Message.Status.PUBLISHED
    assert "http" in message.body and reverse("actions:detail", args=[action.slug]) in message.body
    # The coordinator is not in the project's team, yet runs the meeting.
    assert not collective.project.memberships.filter(user=coordinator).exists()
    registrants = client.get(reverse("actions:registrants", args=[action.slug]))
    assert registrants.status_code == 200
    page = client.get(collective.get_absolute_url()).content.decode()
    assert reverse("actions:detail", args=[action.slug]) in page


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"date": "31/02/2027"}, "date"),
        ({"date": "demain"}, "date"),
        ({"date": "2001-01-01"}, "date"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "17:00"}, "end_time"),
        ({"title": ""}, "title"),
        ({"address": ""}, "address"),
        ({"places": "0"}, "places"),
        ({"places": "beaucoup"}, "places"),
    ],
)
def test_meeting_bad_input(changes, field):
    collective = CollectiveFactory()
    client, _user = client_for_role("coordinator", collective)
    response = client.post(
        reverse("collectives:meeting_create", args=[collective.slug]), _meeting_data(**changes)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Action.objects.exists() and not Thread.objects.exists()


# --- Query counts --------------------------------------------------------------------


def _list_queries(client, django_assert_max_num_queries, count):
    for _n in range(count):
        collective = CollectiveFactory()
        collective.communes.add(CommuneFactory(), CommuneFactory())
        MembershipFactory(collective=collective)
    with django_assert_max_num_queries(8) as captured:
        response = client.get(reverse("collectives:list"))
    assert response.status_code == 200
    return len(captured)


def test_list_queries_do_not_grow(client, django_assert_max_num_queries):
    client.force_login(UserFactory())
    small = _list_queries(client, django_assert_max_num_queries, 3)
    large = _list_queries(client, django_assert_max_num_queries, 27)
    assert small == large


def _fill(collective, coordinator, count):
    for n in range(count):
        services.thread_start(
            collective=collective, author=coordinator, subject=f"Sujet {n}", body="Bonjour"
        )
        Initiative.objects.create(collective=collective, title=f"Idée {n}", what="…")
        collective.communes.add(CommuneFactory())
        start = timezone.now() + datetime.timedelta(days=n + 1)
        action_create(
            project=collective.project,
            title=f"Réunion {n}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            kind=Action.Kind.MEETING,
            status=Action.Status.PUBLISHED,
            roles=[RoleInput("Participant", 10)],
        )


def test_detail_queries_do_not_grow(django_assert_max_num_queries):
    coordinator = UserFactory()
    collective = services_core.collective_create(
        organisation=OrganisationFactory(),
        creator=coordinator,
        name="La CLAC",
        description="Bonjour",
        communes=[],
        admission="open",
        archive_visibility="public",
        hold_first_posts=False,
    )
    client = client_for_role("anonymous", collective)[0]
    client.force_login(coordinator)
    counts = []
    for count in (3, 27):
        _fill(collective, coordinator, count)
        with django_assert_max_num_queries(25) as captured:
            response = client.get(collective.get_absolute_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert f"Sujet {count - 1}" in content and "Réunion 0" in content
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Personal data -------------------------------------------------------------------


def _their_traces(user):
    collective = CollectiveFactory()
    MembershipFactory(collective=collective, user=user)
    message = services.thread_start(
        collective=collective, author=user, subject="Le marché", body="Mon texte à moi"
    )
    Attachment.objects.create(
        message=message,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        filename="plan.pdf",
        content_type="application/pdf",
        size=13,
    )
    page = wiki.page_create(collective=collective, title="Agenda", body="Ma page", author=user)
    initiative = Initiative.objects.create(
        collective=collective, title="Épicerie", what="Une épicerie", proposed_by=user
    )
    other = Initiative.objects.create(collective=collective, title="Guinguette", what="…")
    InitiativeMember.objects.create(initiative=other, user=user)
    return collective, message, page, initiative


def test_export_holds_their_collectives_data():
    user = UserFactory()
    _their_traces(user)
    data = account_data(user=user)
    assert data["collective_memberships"][0]["status"] == "active"
    assert data["collective_messages"][0]["subject"] == "Le marché"
    assert data["collective_messages"][0]["body"] == "Mon texte à moi"
    assert data["wiki_revisions"][0]["text"] == "Ma page"
    assert data["initiatives_proposed"][0]["title"] == "Épicerie"
    assert data["initiatives_joined"][0]["title"] == "Guinguette"
    archive = zipfile.ZipFile(io.BytesIO(account_export(user=user)))
    names = archive.namelist()
    assert any(name.endswith(".pdf") and "plan" in name for name in names)
    assert "Le marché" in json.loads(archive.read("data.json"))["collective_messages"][0]["subject"]


def test_forget_keeps_the_text_without_the_name():
    user = UserFactory(display_name="Camille Dupont")
    collective, message, page, initiative = _their_traces(user)
    account_delete(user=user)
    message.refresh_from_db()
    assert message.author is None
    assert message.body == "Mon texte à moi"
    assert message.author_name == former_member() != "Camille Dupont"
    revision = WikiRevision.objects.get(page=page)
    assert revision.author is None and revision.author_name == former_member()
    assert revision.body == "Ma page"
    assert not CollectiveMembership.objects.filter(collective=collective).exists()
    assert not InitiativeMember.objects.exists()
    initiative.refresh_from_db()
    assert initiative.proposed_by is None and initiative.title == "Épicerie"


def test_the_organisation_page_lists_its_collectives_and_offers_to_create_one(client):
    from tissage.core.tests.factories import OrganisationMembershipFactory

    collective = CollectiveFactory(name="Collectif des jardins")
    CollectiveFactory(name="Collectif d’ailleurs")
    staff = OrganisationMembershipFactory(organisation=collective.organisation).user

    page = client.get(collective.organisation.get_absolute_url()).content.decode()
    assert "Collectif des jardins" in page and collective.get_absolute_url() in page
    assert "Collectif d’ailleurs" not in page
    create = f"/collectifs/nouveau/{collective.organisation.slug}/"
    assert create not in page

    client.force_login(staff)
    assert create in client.get(collective.organisation.get_absolute_url()).content.decode()
