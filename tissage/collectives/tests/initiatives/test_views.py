"""Initiatives: from an idea to a team to a project, through the web pages."""

from __future__ import annotations

import pytest

from tissage.collectives.initiatives import services
from tissage.collectives.models import (
    Collective,
    CollectiveMembership,
    Initiative,
    InitiativeMember,
    Message,
    Thread,
)
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)
from tissage.core.tests.factories import CommuneFactory, UserFactory
from tissage.projects.models import Project, ProjectMembership

from .helpers import base, propose

pytestmark = pytest.mark.django_db


# --- Proposing ----------------------------------------------------------------------


def test_propose_by_web_opens_its_thread_and_counts_the_proposer_in(client):
    collective = CollectiveFactory()
    commune = CommuneFactory(name="Saint-Martin-de-Londres", insee_code="34255")
    member = MembershipFactory(collective=collective).user
    client.force_login(member)

    response = client.post(
        f"{base(collective)}nouvelle/",
        {
            "title": "Jardins partagés",
            "what": "Des *jardins* pour tous.",
            "where": "Derrière l’école",
            "commune": "34255",
            "needs": "Des grainothèques",
        },
    )

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == initiative.get_absolute_url()
    assert initiative.status == Initiative.Status.IDEA
    assert initiative.proposed_by == member
    assert initiative.commune == commune
    assert list(initiative.members.values_list("user", flat=True)) == [member.pk]
    thread = initiative.thread
    assert thread is not None and thread.collective == collective
    assert "Jardins partagés" in thread.subject
    message = Message.objects.get(thread=thread)
    assert message.author == member
    assert message.status == Message.Status.PUBLISHED
    assert "Des *jardins* pour tous." in message.body
    assert "Derrière l’école" in message.body
    assert "Saint-Martin-de-Londres" in message.body
    assert "Des grainothèques" in message.body
    assert f"{initiative.get_absolute_url()})" in message.body


def test_proposing_emails_the_list(django_capture_on_commit_callbacks, monkeypatch):
    from tissage.collectives.lists.mail import outbound

    published: list[int] = []
    monkeypatch.setattr(outbound, "message_published", published.append)
    collective = CollectiveFactory()
    with django_capture_on_commit_callbacks(execute=True):
        initiative = propose(collective)
    assert published == [Message.objects.get(thread=initiative.thread).pk]


def test_commune_from_the_collectives_list(client):
    collective = CollectiveFactory()
    mine, elsewhere = CommuneFactory(), CommuneFactory()
    collective.communes.set([mine])
    client.force_login(MembershipFactory(collective=collective).user)

    page = client.get(f"{base(collective)}nouvelle/")
    refused = client.post(
        f"{base(collective)}nouvelle/", {"title": "A", "what": "B", "commune": elsewhere.pk}
    )
    accepted = client.post(
        f"{base(collective)}nouvelle/", {"title": "A", "what": "B", "commune": mine.pk}
    )

    assert f'<option value="{mine.pk}">' in page.content.decode()
    assert f'<option value="{elsewhere.pk}">' not in page.content.decode()
    assert refused.status_code == 200
    assert "commune" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Initiative.objects.get().commune == mine


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "what": "Quelque chose"}, "title"),
        ({"title": "   ", "what": "Quelque chose"}, "title"),
        ({"title": "Un nom", "what": ""}, "what"),
        ({"title": "x" * 151, "what": "Quelque chose"}, "title"),
        ({"title": "Un nom", "what": "Quelque chose", "commune": "Nulle-Part"}, "commune"),
        ({"title": "Un nom", "what": "Quelque chose", "commune": "99999"}, "commune"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, data, field):
    collective = CollectiveFactory()
    client.force_login(MembershipFactory(collective=collective).user)

    response = client.post(f"{base(collective)}nouvelle/", data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Initiative.objects.exists()
    assert not Thread.objects.exists()


def test_homonym_communes_ask_for_the_insee_code(client):
    collective = CollectiveFactory()
    CommuneFactory(name="Saint-Jean", insee_code="30001")
    CommuneFactory(name="Saint-Jean", insee_code="34001")
    client.force_login(MembershipFactory(collective=collective).user)

    ambiguous = client.post(
        f"{base(collective)}nouvelle/", {"title": "A", "what": "B", "commune": "saint-jean"}
    )
    precise = client.post(
        f"{base(collective)}nouvelle/",
        {"title": "A", "what": "B", "commune": "Saint-Jean (34001)"},
    )

    assert "34001" in " ".join(ambiguous.context["form"].errors["commune"])
    assert precise.status_code == 302
    assert Initiative.objects.get().commune.insee_code == "34001"


def test_script_tags_are_neutralised(client):
    collective = CollectiveFactory()
    member = MembershipFactory(collective=collective).user
    client.force_login(member)
    client.post(
        f"{base(collective)}nouvelle/",
        {
            "title": "<script>alert(1)</script>Fête",
            "what": "Bonjour <script>alert(2)</script> <img src=x onerror=alert(3)>",
            "where": "<script>alert(4)</script>",
            "needs": "<script>alert(5)</script>",
        },
    )
    initiative = Initiative.objects.get()

    pages = [
        client.get(f"{base(collective)}{initiative.pk}/").content.decode(),
        client.get(base(collective)).content.decode(),
    ]

    for html in pages:
        assert "<script>alert" not in html
        assert "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Fête" in pages[0]


# --- Joining and leaving ------------------------------------------------------------


def test_join_twice_keeps_one_row_and_leave_removes_it(client):
    collective = CollectiveFactory()
    initiative = propose(collective)
    other = MembershipFactory(collective=collective).user
    client.force_login(other)
    url = f"{base(collective)}{initiative.pk}/"

    client.post(url + "rejoindre/")
    client.post(url + "rejoindre/")
    page = client.get(url)

    assert InitiativeMember.objects.filter(initiative=initiative, user=other).count() == 1
    assert page.context["joined"] is True
    assert other.public_name in page.content.decode()
    assert "/quitter/" in page.content.decode()

    client.post(url + "quitter/")

    assert not InitiativeMember.objects.filter(initiative=initiative, user=other).exists()
    assert initiative.members.count() == 1


def test_page_shows_the_last_messages_and_the_link_to_the_thread(client):
    collective = CollectiveFactory()
    initiative = propose(collective)
    from tissage.collectives.lists.services import message_reply

    for number in range(7):
        message_reply(thread=initiative.thread, author=None, author_name="X", body=f"Msg {number}")

    response = client.get(f"{base(collective)}{initiative.pk}/")

    shown = [m.body for m in response.context["last_messages"]]
    assert shown == [f"Msg {n}" for n in range(2, 7)]
    assert f"/collectifs/{collective.slug}/discussions/{initiative.thread_id}/" in (
        response.content.decode()
    )


# --- Status ------------------------------------------------------------------------


def test_status_change_by_proposer_and_coordinator_not_by_another_member(client):
    collective = CollectiveFactory()
    proposer = MembershipFactory(collective=collective).user
    initiative = propose(collective, proposer=proposer)
    coordinator = MembershipFactory(
        collective=collective, role=CollectiveMembership.Role.COORDINATOR
    ).user
    other = MembershipFactory(collective=collective).user
    url = f"{base(collective)}{initiative.pk}/statut/"

    client.force_login(other)
    assert client.post(url, {"status": "active"}).status_code == 403
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.IDEA

    client.force_login(proposer)
    assert client.post(url, {"status": "forming"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.FORMING

    client.force_login(coordinator)
    assert client.post(url, {"status": "paused"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.PAUSED
    # Any order: back to an idea.
    client.post(url, {"status": "idea"})
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.IDEA


@pytest.mark.parametrize("value", ["", "finished", "<script>"])
def test_unknown_status_is_refused(client, value):
    collective = CollectiveFactory()
    initiative = propose(collective)
    client.force_login(initiative.proposed_by)

    response = client.post(f"{base(collective)}{initiative.pk}/statut/", {"status": value})

    assert response.status_code == 400
    assert response.context["status_form"].errors["status"]
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.IDEA


def test_edit_by_proposer_keeps_the_form_on_bad_input(client):
    collective = CollectiveFactory()
    initiative = propose(collective)
    client.force_login(initiative.proposed_by)
    url = f"{base(collective)}{initiative.pk}/modifier/"

    form = client.get(url)
    bad = client.post(url, {"title": "", "what": "Nouveau", "commune": "Nulle-Part"})
    good = client.post(url, {"title": "Nouveau nom", "what": "Nouveau texte", "where": ""})

    assert "Une épicerie de producteurs" in form.content.decode()
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"title", "commune"}
    assert good.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.title, initiative.what, initiative.where) == (
        "Nouveau nom",
        "Nouveau texte",
        "",
    )


# --- Turning into a project ----------------------------------------------------------


def make_team(collective: Collective):
    proposer = MembershipFactory(collective=collective).user
    initiative = propose(collective, proposer=proposer, commune=CommuneFactory())
    joiners = [MembershipFactory(collective=collective).user for _ in range(3)]
    for user in joiners:
        services.initiative_join(initiative=initiative, user=user)
    coordinator = MembershipFactory(
        collective=collective, role=CollectiveMembership.Role.COORDINATOR
    ).user
    return initiative, proposer, joiners, coordinator


@pytest.mark.parametrize("status", ["idea", "forming", "paused", "done"], ids=lambda status: status)
def test_only_an_active_initiative_becomes_a_project(client, status):
    collective = CollectiveFactory()
    initiative, _proposer, _joiners, coordinator = make_team(collective)
    initiative.status = status
    initiative.save()
    client.force_login(coordinator)

    page = client.get(f"{base(collective)}{initiative.pk}/")
    response = client.post(f"{base(collective)}{initiative.pk}/projet/")

    assert "/projet/" not in page.content.decode()
    assert response.status_code == 302
    assert response.url == initiative.get_absolute_url()
    assert not Project.objects.exists()


def test_the_proposer_cannot_make_a_project(client):
    collective = CollectiveFactory()
    initiative, proposer, _joiners, _coordinator = make_team(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.save()
    client.force_login(proposer)

    assert "/projet/" not in client.get(f"{base(collective)}{initiative.pk}/").content.decode()
    assert client.post(f"{base(collective)}{initiative.pk}/projet/").status_code == 403
    assert not Project.objects.exists()


def test_coordinator_turns_an_active_initiative_into_a_project(client):
    collective = CollectiveFactory()
    initiative, proposer, joiners, coordinator = make_team(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.what = "Une **épicerie** " + "très " * 100
    initiative.save()
    client.force_login(coordinator)
    url = f"{base(collective)}{initiative.pk}/projet/"

    page = client.get(f"{base(collective)}{initiative.pk}/")
    response = client.post(url)

    project = Project.objects.get()
    initiative.refresh_from_db()
    assert url in page.content.decode()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert initiative.project == project
    assert project.organisation == collective.organisation
    assert project.status == Project.Status.PUBLISHED
    assert project.title == initiative.title
    assert project.description == initiative.what
    assert project.summary.startswith("Une épicerie très")
    assert len(project.summary) <= 280
    assert list(project.communes.all()) == [initiative.commune]
    roles = dict(ProjectMembership.objects.filter(project=project).values_list("user", "role"))
    assert roles == {
        proposer.pk: ProjectMembership.Role.FACILITATOR,
        coordinator.pk: ProjectMembership.Role.FACILITATOR,
        **{user.pk: ProjectMembership.Role.MEMBER for user in joiners},
    }
    last = Message.objects.filter(thread=initiative.thread).order_by("pk").last()
    assert last.author == coordinator
    assert project.get_absolute_url() in last.body
    assert last.body.count("http") == 1

    again = client.post(url)

    assert again.status_code == 302
    assert again.url == project.get_absolute_url()
    assert Project.objects.count() == 1
    assert Message.objects.filter(thread=initiative.thread).count() == 2
    page = client.get(f"{base(collective)}{initiative.pk}/").content.decode()
    assert project.get_absolute_url() in page
    assert "/projet/" not in page


def test_make_project_service_is_idempotent():
    collective = CollectiveFactory()
    initiative, _proposer, _joiners, coordinator = make_team(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.save()

    first = services.initiative_make_project(initiative=initiative, coordinator=coordinator)
    second = services.initiative_make_project(
        initiative=Initiative.objects.get(pk=initiative.pk), coordinator=UserFactory()
    )

    assert first == second
    assert Project.objects.count() == 1
    assert ProjectMembership.objects.count() == 5


def test_organisation_staff_makes_a_project_and_joins_its_team(client):
    collective = CollectiveFactory()
    initiative, _proposer, _joiners, _coordinator = make_team(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.save()
    client, staff = client_for_role("organisation_staff", collective)

    client.post(f"{base(collective)}{initiative.pk}/projet/")

    project = Project.objects.get()
    assert ProjectMembership.objects.get(project=project, user=staff).role == "facilitator"
    assert project.memberships.count() == 5


def test_project_page_says_where_the_project_came_from(client):
    collective = CollectiveFactory(name="CLAC du bassin")
    initiative, _proposer, _joiners, coordinator = make_team(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.save()
    project = services.initiative_make_project(initiative=initiative, coordinator=coordinator)

    html = client.get(project.get_absolute_url()).content.decode()

    assert initiative.get_absolute_url() in html
    assert "CLAC du bassin" in html


# --- Lists and counts ----------------------------------------------------------------


def test_list_groups_by_status_with_member_counts_and_filters(client):
    collective = CollectiveFactory()
    idea = propose(collective, title="Idée")
    active = propose(collective, title="En route")
    active.status = Initiative.Status.ACTIVE
    active.save()
    for _ in range(2):
        services.initiative_join(initiative=active, user=UserFactory())
    propose(CollectiveFactory(), title="Ailleurs")

    everything = client.get(base(collective))
    only_active = client.get(base(collective) + "?statut=active")
    nonsense = client.get(base(collective) + "?statut=n-importe")

    groups = {g["status"]: g["initiatives"] for g in everything.context["groups"]}
    assert groups["idea"] == [idea]
    assert groups["active"] == [active]
    assert groups["active"][0].member_count == 3
    assert "Ailleurs" not in everything.content.decode()
    assert [g["status"] for g in only_active.context["groups"]] == ["active"]
    assert 'id="status-idea"' not in only_active.content.decode()
    assert 'id="status-active"' in only_active.content.decode()
    assert nonsense.status_code == 200
    assert len(nonsense.context["groups"]) == 5


def populate(collective: Collective, size: int) -> Initiative:
    users = [MembershipFactory(collective=collective).user for _ in range(size)]
    initiatives = [propose(collective, proposer=users[0], title=f"I{n}") for n in range(size)]
    for user in users[1:]:
        services.initiative_join(initiative=initiatives[0], user=user)
    from tissage.collectives.lists.services import message_reply

    for user in users:
        message_reply(thread=initiatives[0].thread, author=user, body="Oui !")
    return initiatives[0]


@pytest.mark.parametrize("role", ["anonymous", "member", "coordinator"])
@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow(django_assert_max_num_queries, role, size):
    collective = CollectiveFactory()
    initiative = populate(collective, size)
    client, _user = client_for_role(role, collective)
    signed_in = 0 if role == "anonymous" else 4

    with django_assert_max_num_queries(3 + signed_in):
        listing = client.get(base(collective))
    with django_assert_max_num_queries(6 + signed_in):
        page = client.get(f"{base(collective)}{initiative.pk}/")

    assert len(listing.context["groups"][0]["initiatives"]) == size
    assert len(page.context["members"]) == size
