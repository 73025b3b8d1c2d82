"""The collective itself: creating one, its settings, its page, meetings, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action
from tissage.collectives.collective import services as collective_services
from tissage.collectives.lists import services
from tissage.collectives.models import (
    Collective,
    CollectiveMembership,
    InboundMail,
    Initiative,
    Message,
    Report,
    Thread,
    WikiPage,
)
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
    collective = collective_services.collective_create(
        organisation=organisation,
        creator=creator,
        name="Nouveau",
        description="",
        communes=[],
        admission="open",
        archive_visibility="public",
        hold_first_posts=False,
    )
    assert collective.slug not in collective_services.RESERVED_SLUGS
    again = collective_services.collective_create(
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
        collective.project = collective_services.meetings_project(
            collective=collective, creator=None
        )
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
    collective = collective_services.collective_create(
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


def _waiting_for_coordinators(collective, author, count):
    """`count` of each: held message, email held from a stranger, held first post by email
    (a held message whose email is held with it: counted once), open report, request."""
    for n in range(count):
        services.thread_start(
            collective=collective, author=author, subject=f"Retenu {n}", body="…", hold_reason="x"
        )
        InboundMail.objects.create(
            collective=collective,
            raw=b"Subject: x\r\n\r\nx",
            sender=f"inconnu{n}@example.net",
            status=InboundMail.Status.HELD,
            reason=InboundMail.Reason.UNKNOWN_SENDER,
        )
        first_post = services.thread_start(
            collective=collective,
            author=author,
            subject=f"Premier {n}",
            body="…",
            source=Message.Source.EMAIL,
            hold_reason="x",
        )
        InboundMail.objects.create(
            collective=collective,
            raw=b"Subject: x\r\n\r\nx",
            sender=author.email,
            status=InboundMail.Status.HELD,
            reason=InboundMail.Reason.FIRST_POST,
            message=first_post,
        )
        published = services.thread_start(
            collective=collective, author=author, subject=f"Signalé {n}", body="…"
        )
        Report.objects.create(message=published, reporter=UserFactory())
        MembershipFactory(collective=collective, status=CollectiveMembership.Status.PENDING)


def test_detail_counts_what_waits_for_the_coordinators_in_constant_queries(
    django_assert_max_num_queries,
):
    collective = CollectiveFactory()
    coordinator = MembershipFactory(
        collective=collective, role=CollectiveMembership.Role.COORDINATOR
    ).user
    client = client_for_role("anonymous", collective)[0]
    client.force_login(coordinator)
    counts = []
    for added, total in ((2, 2), (10, 12)):
        _waiting_for_coordinators(collective, coordinator, added)
        with django_assert_max_num_queries(25) as captured:
            response = client.get(collective.get_absolute_url())
        moderation = response.context["home"].moderation
        assert (moderation.held_messages, moderation.held_mails) == (2 * total, total)
        assert (moderation.reports, moderation.requests) == (total, total)
        assert f"{total} emails retenus" in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1]


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
