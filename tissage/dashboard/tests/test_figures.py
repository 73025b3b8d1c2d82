"""`figures_for` over the facts `dashboard_refresh` builds: the small-cell rule, new and
returning people, ways, communes, funnel, impact, and a constant number of queries."""

from __future__ import annotations

import pytest

from tissage.actions.models import ImpactCounter, ImpactValue, Registration
from tissage.collectives.models import Message
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.core.tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)
from tissage.dashboard.figures import Count, Period, Scope, figures_for
from tissage.dashboard.refresh import dashboard_refresh
from tissage.inventories.models import Contribution

from .helpers import a_campaign, an_action, contributed, days_ago, moment, posted, registered

pytestmark = pytest.mark.django_db

YEAR = Period(start=days_ago(364), end=days_ago(0))


def org_scope(organisation) -> Scope:
    return Scope(organisation_id=organisation.pk, name=organisation.name)


@pytest.mark.parametrize(("number", "shown", "value"), [(0, "0", 0), (4, "< 5", None), (5, "5", 5)])
def test_small_cell_rule(number, shown, value):
    count = Count.of_people(number)
    assert (count.shown, count.value) == (shown, value)


@pytest.mark.parametrize(("guests", "shown"), [(4, "< 5"), (5, "5"), (0, "0")])
def test_people_below_five_are_hidden_everywhere(guests, shown):
    project = ProjectFactory()
    commune = CommuneFactory()
    registered(an_action(project, days_ago(10), commune=commune), guests)
    dashboard_refresh()

    figures = figures_for(org_scope(project.organisation), YEAR)

    assert figures.people.shown == shown
    assert figures.new.shown == shown
    this_month = next(m for m in figures.months if m.month == days_ago(10).replace(day=1))
    assert this_month.people.shown == shown
    guest = next(w for w in figures.ways if w.way == "guest")
    assert guest.people.shown == shown
    if guests:
        assert figures.communes[0].people.shown == shown
        assert figures.communes[0].participations == guests


def test_new_and_returning_by_month_and_over_the_period():
    project = ProjectFactory()
    old = an_action(project, days_ago(500))  # before the period: these come back
    registered(old, 6, prefix="ancien")
    earlier = an_action(project, days_ago(90))
    later = an_action(project, days_ago(10))
    registered(earlier, 7, prefix="neuf")  # new in the period, in the month of `earlier`
    registered(later, 7, prefix="neuf")  # the same people again: returning that month
    registered(later, 6, prefix="ancien")
    dashboard_refresh()

    figures = figures_for(org_scope(project.organisation), YEAR)

    assert (figures.people.value, figures.new.value, figures.returning.value) == (13, 7, 6)
    months = {m.month: m for m in figures.months}
    first, last = months[days_ago(90).replace(day=1)], months[days_ago(10).replace(day=1)]
    assert (first.people.value, first.new.value, first.returning.value) == (7, 7, 0)
    assert (last.people.value, last.new.value, last.returning.value) == (13, 0, 13)
    assert len(figures.months) in (12, 13)


def test_new_is_per_scope():
    organisation = OrganisationFactory()
    first, second = (
        ProjectFactory(organisation=organisation),
        ProjectFactory(organisation=organisation),
    )
    registered(an_action(first, days_ago(500)), 5)
    registered(an_action(second, days_ago(5)), 5)  # the same addresses
    dashboard_refresh()

    assert figures_for(org_scope(organisation), YEAR).new.value == 0
    project = Scope(organisation_id=organisation.pk, project_id=second.pk)
    assert figures_for(project, YEAR).new.value == 5
    assert figures_for(Scope(), YEAR).new.value == 0


def test_ways_account_guest_email_assisted():
    project = ProjectFactory()
    collective = CollectiveFactory(organisation=project.organisation)
    facilitator = UserFactory()
    accounts = UserFactory.create_batch(5)
    action = an_action(project, days_ago(3))
    for user in accounts:
        registered(action, 1, prefix=f"compte{user.pk}-", user=user)
        posted(collective, user, source=Message.Source.EMAIL)
    registered(action, 6, prefix="invite")
    registered(action, 5, prefix="aide", entered_by=facilitator)
    campaign = a_campaign(project)
    for n in range(5):
        contributed(campaign, entered_by=facilitator, email="")
        contributed(campaign, email=f"aide{n}@example.org", entered_by=facilitator)
    # A guest whose address is an account's counts as that account.
    contributed(campaign, email=accounts[0].email.upper())
    dashboard_refresh()

    ways = {w.way: w for w in figures_for(org_scope(project.organisation), YEAR).ways}

    assert (ways["account"].people.value, ways["account"].participations) == (5, 6)
    assert (ways["guest"].people.value, ways["guest"].participations) == (6, 6)
    assert (ways["email"].people.value, ways["email"].participations) == (5, 5)
    # 5 registered by a facilitator, the same 5 addresses' contributions, 5 without one.
    assert (ways["assisted"].people.value, ways["assisted"].participations) == (10, 15)
    assert [w.way for w in figures_for(Scope(), YEAR).ways] == [
        "account",
        "guest",
        "email",
        "assisted",
    ]


def test_communes_per_thousand_where_population_known_and_communes_without():
    organisation = OrganisationFactory()
    known = CommuneFactory(name="Crest", population=2000)
    unknown = CommuneFactory(name="Aouste")
    quiet = CommuneFactory(name="Piégros")
    elsewhere = CommuneFactory(name="Ailleurs")
    organisation.communes.set([known, unknown, quiet])
    project = ProjectFactory(organisation=organisation)
    project.communes.set([known])
    registered(an_action(project, days_ago(4), commune=known), 6, prefix="a")
    registered(an_action(project, days_ago(5), commune=unknown), 5, prefix="b")
    dashboard_refresh()

    figures = figures_for(org_scope(organisation), YEAR)

    by_name = {c.name: c for c in figures.communes}
    assert by_name["Crest"].per_thousand == 3.0
    assert by_name["Aouste"].population is None and by_name["Aouste"].per_thousand is None
    assert figures.communes_without == [(quiet.insee_code, "Piégros")]
    project_figures = figures_for(Scope(organisation.pk, project.pk), YEAR)
    assert project_figures.communes_without == []
    platform = figures_for(Scope(), YEAR)  # every commune of the departments present
    assert (elsewhere.insee_code, "Ailleurs") in platform.communes_without


def test_funnel_impact_and_actions_of_the_period():
    project = ProjectFactory()
    action = an_action(project, days_ago(6), places=12)
    registered(action, 3, prefix="present", attended=True, companions=1)
    registered(action, 2, prefix="absent", attended=False)
    registered(action, 2, prefix="attente", status=Registration.Status.WAITING)
    counter = ImpactCounter.objects.create(project=project, name="arbres plantés", unit="arbres")
    ImpactValue.objects.create(counter=counter, action=action, value=120)
    campaign = a_campaign(project)
    contributed(campaign, email="a@example.org", status=Contribution.Status.VALIDATED)
    contributed(campaign, email="b@example.org", status=Contribution.Status.REJECTED)
    contributed(campaign, email="c@example.org", status=Contribution.Status.AWAITING_EMAIL)
    an_action(project, days_ago(400))  # outside the period
    dashboard_refresh()

    figures = figures_for(org_scope(project.organisation), YEAR)

    funnel = figures.funnel
    assert (funnel.actions, funnel.places_offered, funnel.waiting) == (1, 12, 2)
    assert (funnel.registrations, funnel.present, funnel.hours) == (8, 6, 18.0)
    submitted = funnel.contributions_submitted
    assert (submitted, funnel.contributions_published, funnel.contributions_refused) == (2, 1, 1)
    assert [(i.label, i.value) for i in figures.impacts] == [
        ("arbres plantés", 120.0),
        ("fiches d’inventaire publiées", 1.0),
    ]
    assert [(a.title, a.registrations, a.present) for a in figures.actions] == [
        (action.title, 8, 6)
    ]
    # 3 present and 2 contributors; the absent, the waiting and the unconfirmed took no part.
    assert figures.people.value == 5


def _data(size: int):
    organisation = OrganisationFactory()
    for n in range(size):
        project = ProjectFactory(organisation=organisation)
        commune = CommuneFactory()
        organisation.communes.add(commune)
        action = an_action(project, days_ago(10 + n * 30), commune=commune)
        registered(action, 6, prefix=f"s{size}-{n}-")
        counter = ImpactCounter.objects.create(project=project, name=f"compteur {n}")
        ImpactValue.objects.create(counter=counter, action=action, value=n)
        contributed(
            a_campaign(project, commune), email=f"c{n}@example.org", created_at=moment(days_ago(n))
        )
    dashboard_refresh()
    return organisation


@pytest.mark.parametrize("size", [1, 8])
def test_queries_do_not_grow_with_the_data(size, django_assert_num_queries):
    organisation = _data(size)
    with django_assert_num_queries(11):
        figures = figures_for(org_scope(organisation), YEAR)
    assert len(figures.actions) == size
    with django_assert_num_queries(11):
        figures_for(Scope(), YEAR)


def test_figures_are_kept_until_the_next_refresh(django_assert_num_queries):
    project = ProjectFactory()
    registered(an_action(project, days_ago(3)), 5, prefix="a")
    dashboard_refresh()
    scope = org_scope(project.organisation)
    assert figures_for(scope, YEAR).people.value == 5

    registered(an_action(project, days_ago(2)), 5, prefix="b")
    with django_assert_num_queries(1):  # which refresh is the latest
        assert figures_for(scope, YEAR).people.value == 5
    dashboard_refresh()
    assert figures_for(scope, YEAR).people.value == 10
