"""The staff workspace ("À traiter"): who sees it, what each staff role finds in it, its
counts and links, its constant query count, and the header's total."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tissage.actions.models import Need, Pledge, VolunteerProfile
from tissage.actions.tests.helpers import an_action, in_days, register
from tissage.collectives.models import CollectiveMembership, InboundMail, Message, Thread
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    SuperuserFactory,
    UserFactory,
)
from tissage.inventories.contributions.services import contribution_answer
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import heritage_campaign, nimes_commune, submit
from tissage.organisations.models import OrganisationMembership
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

URL = "/tableau-de-bord/a-traiter/"
_numbers = itertools.count(1)


def test_the_address():
    assert reverse("dashboard:workspace") == URL


# --- A world: one organisation with a project (an inventory, an action) and a collective.


def inventory_waiting(project, moderator, *, new: int = 2, answered: int = 1, commune=None):
    """A campaign with `new` items to moderate and `answered` answers to "needs more
    information" (and one item still waiting for its contributor: not counted)."""
    campaign = heritage_campaign(
        commune=commune, project=project, title=f"Inventaire {next(_numbers)}"
    )
    for _ in range(new):
        submit(campaign, contributor=UserFactory())
    for _ in range(answered + 1):
        contributor = UserFactory()
        item = submit(campaign, contributor=contributor)
        contribution_decide(
            item=item,
            moderator=moderator,
            status=Contribution.Status.NEEDS_INFO,
            message="Où est-ce ?",
            notify=False,
        )
    for item in Contribution.objects.filter(campaign=campaign, status="needs_info")[:answered]:
        contribution_answer(item=item, message="Près du pont.", changes={}, actor=item.contributor)
    return campaign


def collective_waiting(organisation):
    """A collective with one held message, one held email and two requests to join."""
    collective = CollectiveFactory(organisation=organisation)
    thread = Thread.objects.create(collective=collective, subject="Bonjour")
    Message.objects.create(
        thread=thread,
        collective=collective,
        author_name="Nouvelle",
        body="Bonjour à tous",
        status=Message.Status.HELD,
        message_id=f"<held-{next(_numbers)}@example.org>",
    )
    InboundMail.objects.create(
        collective=collective,
        raw=b"Subject: hello\r\n\r\nhi",
        sender="stranger@example.org",
        status=InboundMail.Status.HELD,
        reason=InboundMail.Reason.UNKNOWN_SENDER,
    )
    for _ in range(2):
        MembershipFactory(collective=collective, status=CollectiveMembership.Status.PENDING)
    return collective


def action_waiting(project):
    """An action in 10 days: roles Planter (3) and Accueil (2), one person registered;
    5 spades needed, 3 promised (2 by a pledge to confirm, 1 confirmed already); a new
    volunteer who offers "accueil"."""
    action = an_action(project, places=3)
    register(action, next(_numbers))
    need = Need.objects.create(action=action, label="Bêches", quantity=5)
    Pledge.objects.create(need=need, name="Paul", quantity=2)
    Pledge.objects.create(need=need, name="Ana", quantity=1, confirmed_at=timezone.now())
    VolunteerProfile.objects.create(user=UserFactory(), opted_in=True, skills=["accueil"])
    return action


@pytest.fixture
def world():
    organisation = OrganisationFactory()
    project = ProjectFactory(organisation=organisation)
    admin = OrganisationMembershipFactory(
        organisation=organisation, role=OrganisationMembership.Role.ADMIN
    ).user
    campaign = inventory_waiting(project, admin)
    collective = collective_waiting(organisation)
    action = action_waiting(project)
    return {
        "organisation": organisation,
        "project": project,
        "admin": admin,
        "campaign": campaign,
        "collective": collective,
        "action": action,
    }


def person_with(role: str, world) -> object:
    if role == "organisation_admin":
        return world["admin"]
    if role == "organisation_facilitator":
        return OrganisationMembershipFactory(organisation=world["organisation"]).user
    if role == "project_facilitator":
        return ProjectMembershipFactory(
            project=world["project"], role=ProjectMembership.Role.FACILITATOR
        ).user
    if role == "collective_coordinator":
        return MembershipFactory(
            collective=world["collective"], role=CollectiveMembership.Role.COORDINATOR
        ).user
    if role == "superuser":
        return SuperuserFactory()
    raise AssertionError(role)


def lines(response) -> dict[str, tuple[int, str, tuple[str, ...]]]:
    """label → (count, url, detail) of every line of the page."""
    assert response.status_code == 200
    return {
        item.label: (item.count, item.url, item.detail)
        for group in response.context["groups"]
        for item in group.items
    }


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def expected(world) -> dict[str, dict[str, tuple[int, str, tuple[str, ...]]]]:
    campaign, collective, action = world["campaign"], world["collective"], world["action"]
    queue = f"/inventaires/{campaign.slug}/moderation/"
    when = f"“{action.title}”, {action.starts_at.astimezone():%a} {action.starts_at.day} "
    when += f"{action.starts_at.astimezone():%B}"
    return {
        "Inventories": {
            f"contributions to moderate in “{campaign.title}”": (2, queue, ()),
            f"answer to “needs more information” in “{campaign.title}”": (
                1,
                queue + "?status=submitted",
                (),
            ),
        },
        "Actions": {
            f"roles not full for {when}": (
                2,
                f"/actions/{action.slug}/inscrits/",
                ("1 / 5 places", "Planter: 1 / 3", "Accueil: 0 / 2"),
            ),
            f"material need not covered for {when}": (
                1,
                f"/actions/{action.slug}/materiel/",
                ("Bêches: 3 / 5",),
            ),
            f"pledge of material to confirm for {when}": (
                1,
                f"/actions/{action.slug}/materiel/",
                (),
            ),
            f"new volunteer whose skills match {when}": (
                1,
                f"/actions/{action.slug}/forces-vives/",
                (),
            ),
        },
        "Collectives": {
            f"messages held for a coordinator in “{collective.name}”": (
                2,
                f"/collectifs/{collective.slug}/moderation/",
                (),
            ),
            f"requests to join “{collective.name}”": (
                2,
                f"/collectifs/{collective.slug}/membres/",
                (),
            ),
        },
    }


def test_counts_links_and_details_for_an_organisation_admin(client, world):
    response = english(client, world["admin"]).get(URL)
    want = expected(world)
    assert [group.name for group in response.context["groups"]] == list(want)
    assert lines(response) == {
        label: line for group in want.values() for label, line in group.items()
    }
    page = response.content.decode()
    assert "12 things wait for you" in page
    assert f'href="/inventaires/{world["campaign"].slug}/moderation/?status=submitted"' in page
    assert "1 / 5 places" in page


@pytest.mark.parametrize(
    ("role", "groups"),
    [
        ("organisation_admin", ["Inventories", "Actions", "Collectives"]),
        ("organisation_facilitator", ["Inventories", "Actions", "Collectives"]),
        ("project_facilitator", ["Inventories", "Actions"]),
        ("collective_coordinator", ["Collectives"]),
        ("superuser", ["Inventories", "Actions", "Collectives"]),
    ],
)
def test_each_staff_role_finds_what_it_runs(client, world, role, groups):
    response = english(client, person_with(role, world)).get(URL)
    want = expected(world)
    assert lines(response) == {
        label: line for group in groups for label, line in want[group].items()
    }


@pytest.mark.parametrize("role", ["participant", "project_member", "collective_member", "pending"])
def test_people_without_a_staff_role_are_refused(client, world, role):
    user = UserFactory()
    if role == "project_member":
        ProjectMembershipFactory(project=world["project"], user=user)
    elif role == "collective_member":
        MembershipFactory(collective=world["collective"], user=user)
    elif role == "pending":
        MembershipFactory(
            collective=world["collective"],
            user=user,
            role=CollectiveMembership.Role.COORDINATOR,
            status=CollectiveMembership.Status.PENDING,
        )
    response = english(client, user).get(URL)
    assert response.status_code == 403
    assert world["campaign"].title not in response.content.decode()


def test_anonymous_visitors_sign_in_first(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/?next={URL}"


def test_staff_of_another_organisation_see_nothing_of_this_one(client, world):
    other = OrganisationMembershipFactory(role=OrganisationMembership.Role.ADMIN).user
    ProjectMembershipFactory(
        project=ProjectFactory(organisation=world["organisation"]),
        user=other,
        role=ProjectMembership.Role.MEMBER,
    )
    response = english(client, other).get(URL)
    assert lines(response) == {}
    page = response.content.decode()
    assert "Nothing to deal with" in page
    assert world["campaign"].title not in page
    assert world["collective"].name not in page


def test_what_is_dealt_with_leaves_the_workspace(client, world):
    admin = world["admin"]
    for item in Contribution.objects.filter(campaign=world["campaign"], status="submitted"):
        contribution_decide(item=item, moderator=admin, status="validated", notify=False)
    InboundMail.objects.update(status=InboundMail.Status.DISCARDED)
    Message.objects.update(status=Message.Status.PUBLISHED)
    CollectiveMembership.objects.update(status=CollectiveMembership.Status.ACTIVE)
    Pledge.objects.update(confirmed_at=timezone.now())
    labels = lines(english(client, admin).get(URL))
    assert [count for count, _url, _detail in labels.values()] == [2, 1, 1]
    assert all(world["campaign"].title not in label for label in labels)


def test_a_full_action_far_away_or_in_a_draft_is_not_listed(client, world):
    action = world["action"]
    action.roles.update(places=1)
    register(action, next(_numbers), role="Accueil")
    Need.objects.update(quantity=3)
    Pledge.objects.update(confirmed_at=timezone.now())
    labels = lines(english(client, world["admin"]).get(URL))
    assert not [label for label in labels if action.title in label]
    far = an_action(world["project"], places=3)
    type(far).objects.filter(pk=far.pk).update(starts_at=in_days(20), ends_at=in_days(20, 12))
    draft = an_action(world["project"], places=3, status="draft")
    labels = lines(english(client, world["admin"]).get(URL))
    assert not [
        url for _count, url, _detail in labels.values() if far.slug in url or draft.slug in url
    ]


def far_action_with_a_pledge(project, days: int = 20):
    """An action beyond the 14 days, full of nothing, with one pledge to confirm."""
    far = an_action(project, places=3)
    type(far).objects.filter(pk=far.pk).update(starts_at=in_days(days), ends_at=in_days(days, 12))
    far.refresh_from_db()
    need = Need.objects.create(action=far, label="Remorque", quantity=1)
    Pledge.objects.create(need=need, name="Jeanne", quantity=1)
    return far


def test_pledges_to_confirm_are_listed_for_every_upcoming_action(client, world):
    """Beyond the 14 days an action shows only its pledges to confirm (after the nearer
    ones); a draft, a cancelled action or one that has started shows none."""
    far = far_action_with_a_pledge(world["project"], days=40)
    nearer = far_action_with_a_pledge(world["project"], days=20)
    need = Need.objects.filter(action=nearer).get()
    Pledge.objects.create(need=need, name="Marc", quantity=2)
    hidden = [far_action_with_a_pledge(world["project"], days=days) for days in (21, 22, 23)]
    type(far).objects.filter(pk=hidden[0].pk).update(status="draft")
    type(far).objects.filter(pk=hidden[1].pk).update(status="cancelled")
    type(far).objects.filter(pk=hidden[2].pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    labels = lines(english(client, world["admin"]).get(URL))
    pledges = [
        (label, count, url) for label, (count, url, _detail) in labels.items() if "pledge" in label
    ]
    assert pledges == [
        (
            f"pledge of material to confirm for “{world['action'].title}”, "
            f"{world['action'].starts_at.astimezone():%a} {world['action'].starts_at.day} "
            f"{world['action'].starts_at.astimezone():%B}",
            1,
            f"/actions/{world['action'].slug}/materiel/",
        ),
        (
            f"pledges of material to confirm for “{nearer.title}”, "
            f"{nearer.starts_at.astimezone():%a} {nearer.starts_at.day} "
            f"{nearer.starts_at.astimezone():%B}",
            2,
            f"/actions/{nearer.slug}/materiel/",
        ),
        (
            f"pledge of material to confirm for “{far.title}”, "
            f"{far.starts_at.astimezone():%a} {far.starts_at.day} {far.starts_at.astimezone():%B}",
            1,
            f"/actions/{far.slug}/materiel/",
        ),
    ]
    # The far actions bring nothing else: no roles, material or volunteers line.
    assert [url for _c, url, _d in labels.values() if url.startswith(f"/actions/{far.slug}/")] == [
        f"/actions/{far.slug}/materiel/"
    ]


def test_a_pledge_confirmed_on_the_material_page_leaves_the_workspace(client, world):
    admin, action = world["admin"], world["action"]
    english(client, admin)
    assert "To deal with (12)" in client.get(URL).content.decode()
    pledge = Pledge.objects.get(name="Paul")
    response = client.post(f"/actions/{action.slug}/materiel/promesses/{pledge.pk}/confirmer/")
    assert response.status_code == 302
    labels = lines(client.get(URL))
    assert not [label for label in labels if label.startswith("pledge")]
    # The pledge still counts toward the need, as it did before.
    assert labels[next(label for label in labels if label.startswith("material"))][2] == (
        "Bêches: 3 / 5",
    )
    assert "To deal with (11)" in client.get(URL).content.decode()


# --- Queries: the same whatever the data.


def organisation_with(size: int):
    organisation = OrganisationFactory()
    admin = OrganisationMembershipFactory(
        organisation=organisation, role=OrganisationMembership.Role.ADMIN
    ).user
    nimes = nimes_commune()
    for _ in range(size):
        project = ProjectFactory(organisation=organisation)
        inventory_waiting(project, admin, new=1, answered=1, commune=nimes)
        collective_waiting(organisation)
        action_waiting(project)
        far_action_with_a_pledge(project)
    return admin


# Session and user (2), the staff check (1), inventories (1), collectives (1), actions
# (6: pledges to confirm, actions, roles, needs, new volunteers and their communes,
# invitations), consultations (3: proposals without an answer, reported comments,
# questionnaires' free-text answers to read), and the header's count of unread
# notifications (1).
WORKSPACE_QUERIES = 16


@pytest.mark.parametrize("size", [1, 20])
def test_the_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, size):
    admin = organisation_with(size)
    english(client, admin)
    with django_assert_num_queries(WORKSPACE_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert sum(len(group.items) for group in response.context["groups"]) == 9 * size


# --- The header's "To deal with (n)".


LINK = "/tableau-de-bord/a-traiter/lien/"


def test_the_header_shows_the_total_to_staff_only(client, world):
    home = reverse("projects:home")
    english(client, world["admin"])
    page = client.get(home).content.decode()
    # Signing in found the role; the count comes from the fragment, asked for with HTMX.
    assert f'href="{URL}"' in page
    assert f'hx-get="{LINK}"' in page
    assert "To deal with (12)" in client.get(LINK).content.decode()
    page = client.get(home).content.decode()
    assert "To deal with (12)" in page
    assert f'hx-get="{LINK}"' not in page
    client.logout()
    assert f'href="{URL}"' not in client.get(home).content.decode()
    assert client.get(LINK).content.decode().strip() == ""
    member = UserFactory()
    ProjectMembershipFactory(project=world["project"], user=member)
    english(client, member)
    page = client.get(home).content.decode()
    assert f'href="{URL}"' not in page
    assert f'hx-get="{LINK}"' not in page
    assert client.get(LINK).content.decode().strip() == ""


def test_a_page_reads_nothing_for_the_header(client, world):
    english(client, world["admin"])
    cache.clear()  # nothing known: the page asks the fragment, and reads nothing itself
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("accounts:my_space"))
    assert f'<li hidden hx-get="{LINK}"' in response.content.decode()
    tables = " ".join(query["sql"] for query in page.captured_queries)
    assert "organisations_organisationmembership" not in tables
    assert "collectives_inboundmail" not in tables
    assert f'href="{URL}"' in client.get(LINK).content.decode()


def test_the_header_total_is_kept_a_minute_and_the_page_refreshes_it(client, world):
    english(client, world["admin"])
    assert "To deal with (12)" in client.get(LINK).content.decode()
    InboundMail.objects.update(status=InboundMail.Status.DISCARDED)
    assert "To deal with (12)" in client.get(reverse("projects:home")).content.decode()
    assert "To deal with (11)" in client.get(URL).content.decode()
    assert "To deal with (11)" in client.get(reverse("projects:home")).content.decode()


def test_a_role_lost_closes_the_page_at_once(client, world):
    english(client, world["admin"])
    assert client.get(URL).status_code == 200
    OrganisationMembership.objects.filter(user=world["admin"]).delete()
    assert client.get(URL).status_code == 403
    assert f'href="{URL}"' not in client.get(reverse("projects:home")).content.decode()
