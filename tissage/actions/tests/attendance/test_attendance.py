"""Check-in list, walk-ins and hours; impact counters and their totals; the report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tissage.actions.attendance import services as after
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import (
    Action,
    ActionReport,
    ImpactCounter,
    ImpactValue,
    Registration,
    ReportPhoto,
)
from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    user_with_role,
)
from tissage.core.tests.matrices import EVERYONE, FORBIDDEN, LOGIN, NOT_FOUND, OK, STAFF, matrix
from tissage.inventories.tests.helpers import jpeg_bytes
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def answer(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 302 and response["Location"].startswith("/compte/connexion/"):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, str(response.status_code))


def past_action(project=None, *, days_ago=3, hours=3, commune=None, **fields):
    starts_at = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("status", "published")
    return action_create(
        project=project or ProjectFactory(),
        title="Plantation",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        roles=[RoleInput("Planter", 10), RoleInput("Café", 2)],
        commune=commune,
        **fields,
    )


def person(action, number, **fields):
    fields.setdefault("status", "confirmed")
    fields.setdefault("name", f"Personne {number}")
    return Registration.objects.create(
        action=action, role=action.roles.first(), email=f"p{number}@example.org", **fields
    )


def staff_client(client, project):
    client.force_login(user_with_role("project_facilitator", project))
    return client


# Permissions -----------------------------------------------------------------------------

ACTION_PAGES = ["actions:attendance", "actions:report"]
DRAFT_ACTION = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


@pytest.mark.parametrize("name", ACTION_PAGES)
@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_action_pages_are_for_the_team(client, role, expected, name):
    action = past_action()
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    assert answer(client.get(reverse(name, kwargs={"slug": action.slug}))) == expected


@pytest.mark.parametrize("name", ACTION_PAGES)
@pytest.mark.parametrize(("role", "expected"), DRAFT_ACTION)
def test_a_draft_action_is_hidden_from_others(client, role, expected, name):
    action = past_action(status="draft")
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    assert answer(client.get(reverse(name, kwargs={"slug": action.slug}))) == expected


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_impact_totals_are_public_with_the_project(client, role, expected):
    project = ProjectFactory()
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    matrix(
        anonymous=NOT_FOUND,
        participant=NOT_FOUND,
        project_member=OK,
        project_facilitator=OK,
        organisation_facilitator=OK,
        organisation_admin=OK,
        superuser=OK,
    ),
)
def test_impact_of_a_draft_project_is_for_its_team(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_only_the_team_defines_counters(client, role, expected):
    project = ProjectFactory()
    user = user_with_role(role, project)
    if user:
        client.force_login(user)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = client.post(url, {"form": "counter", "counter-name": "Arbres plantés"})
    saved = response.status_code == 302 and "/connexion/" not in response["Location"]
    assert (OK if saved else answer(response)) == expected
    assert ImpactCounter.objects.exists() == (expected == OK)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_only_the_team_checks_people_in(client, role, expected):
    action = past_action()
    someone = person(action, 1)
    user = user_with_role(role, action.project)
    if user:
        client.force_login(user)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client.post(url, {"form": "attendance", f"a{someone.pk}": "present"})
    someone.refresh_from_db()
    assert (someone.attended is True) == (expected == OK)


# Attendance ------------------------------------------------------------------------------


def test_marking_present_absent_and_hours(client):
    action = past_action(hours=3)
    here, away, late = person(action, 1), person(action, 2), person(action, 3)
    other = person(past_action(), 4)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(
        url,
        {
            "form": "attendance",
            f"a{here.pk}": "present",
            f"a{away.pk}": "absent",
            f"a{late.pk}": "present",
            f"h{late.pk}": "1,5",
            f"a{other.pk}": "present",  # not of this action: ignored
        },
    )
    assert response.status_code == 302
    for registration in (here, away, late, other):
        registration.refresh_from_db()
    assert (here.attended, away.attended, late.attended, other.attended) == (
        True,
        False,
        True,
        None,
    )
    assert after.hours_of(here) == Decimal("3.00")
    assert after.hours_of(late) == Decimal("1.50")
    assert after.hours_of(away) == Decimal("0.00")


@pytest.mark.parametrize(
    ("hours", "message"),
    [("deux", "Type a number of hours"), ("-1", "Hours cannot be negative"), ("1000", "999")],
)
def test_bad_hours_save_nothing(client, hours, message, settings):
    settings.LANGUAGE_CODE = "en"
    action = past_action()
    one, two = person(action, 1), person(action, 2)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    response = client.post(
        url,
        {
            "form": "attendance",
            f"a{one.pk}": "present",
            f"a{two.pk}": "present",
            f"h{two.pk}": hours,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    one.refresh_from_db()
    assert one.attended is None


def test_a_walk_in_is_added_present_without_place_check(client):
    action = past_action()
    role = action.roles.first()
    role.places = 1
    role.save()
    person(action, 1)  # the role is full
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    response = client.post(url, {"form": "walk_in", "walk_in-name": "Lucie", "walk_in-email": ""})
    assert response.status_code == 302
    lucie = Registration.objects.get(name="Lucie")
    assert (lucie.walk_in, lucie.attended, lucie.status) == (True, True, "confirmed")
    assert not lucie.has_email
    # A second walk-in without an address is another person.
    client.post(url, {"form": "walk_in", "walk_in-name": "Marc"})
    assert Registration.objects.filter(action=action, walk_in=True).count() == 2


def test_a_walk_in_already_registered_is_marked_present_not_doubled(client):
    action = past_action()
    registered = person(action, 1)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    staff_client(client, action.project).post(
        url, {"form": "walk_in", "walk_in-name": "X", "walk_in-email": "P1@example.org"}
    )
    registered.refresh_from_db()
    assert registered.attended is True
    assert Registration.objects.filter(action=action).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"walk_in-name": ""},
        {"walk_in-name": "A", "walk_in-email": "a@"},
        {"walk_in-name": "A", "walk_in-hours": "x"},
    ],
)
def test_bad_walk_in_saves_nothing(client, data):
    action = past_action()
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(url, {"form": "walk_in", **data})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_check_in_list_query_count_holds(client, django_assert_max_num_queries):
    action = past_action()
    client = staff_client(client, action.project)
    url = reverse("actions:attendance", kwargs={"slug": action.slug})
    for number in range(3):
        person(action, number)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for number in range(3, 30):
        person(action, number, companions=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('value="present"') == 30


# Impact ----------------------------------------------------------------------------------


def impact_setup():
    project = ProjectFactory()
    north, south = CommuneFactory(name="Nord"), CommuneFactory(name="Sud")
    trees = ImpactCounter.objects.create(project=project, name="Arbres", unit="arbres")
    hedge = ImpactCounter.objects.create(project=project, name="Haie", unit="m", position=1)
    a1 = past_action(project, commune=north, days_ago=3)
    a2 = past_action(project, commune=north, days_ago=10)
    a3 = past_action(project, commune=south, days_ago=20)
    a4 = past_action(project, commune=None, days_ago=30)
    values = {
        (a1, trees): "120",
        (a2, trees): "30.5",
        (a3, trees): "7",
        (a1, hedge): "40",
        (a4, hedge): "15",
    }
    for (action, counter), value in values.items():
        ImpactValue.objects.create(action=action, counter=counter, value=Decimal(value))
    # A cancelled action's values are not counted.
    gone = past_action(project, commune=south, status="cancelled")
    ImpactValue.objects.create(action=gone, counter=trees, value=Decimal(1000))
    return project, trees, hedge, (a1, a2, a3, a4), (north, south)


def test_totals_per_project_and_commune_match_the_data():
    project, trees, hedge, _actions, _communes = impact_setup()
    totals = after.impact_totals(project)
    assert totals.totals == {trees.pk: Decimal("157.5"), hedge.pk: Decimal("55")}
    by_name = {c.name: c.totals for c in totals.communes}
    assert by_name["Nord"] == {trees.pk: Decimal("150.5"), hedge.pk: Decimal("40")}
    assert by_name["Sud"] == {trees.pk: Decimal("7")}
    assert sum(sum(c.totals.values()) for c in totals.communes) == Decimal("212.5")


def test_the_impact_page_shows_the_totals(client):
    project, *_ = impact_setup()
    page = client.get(reverse("actions:impact", kwargs={"project_slug": project.slug}))
    text = page.content.decode()
    assert "157,5" in text and "Nord" in text and "150,5" in text
    assert 'name="form"' not in text  # no form for visitors


def test_a_facilitator_defines_a_counter_and_fills_values(client):
    project = ProjectFactory()
    action = past_action(project)
    future = action_create(
        project=project,
        title="Plus tard",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=2),
        status="published",
    )
    client = staff_client(client, project)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    client.post(url, {"form": "counter", "counter-name": "Arbres", "counter-unit": "arbres"})
    counter = ImpactCounter.objects.get(project=project)
    page = client.get(url).content.decode()
    assert f'name="v{action.pk}_{counter.pk}"' in page
    assert f'name="v{future.pk}_{counter.pk}"' not in page  # only past actions
    client.post(url, {"form": "values", f"v{action.pk}_{counter.pk}": "12,5"})
    assert ImpactValue.objects.get().value == Decimal("12.5")
    client.post(url, {"form": "values", f"v{action.pk}_{counter.pk}": ""})
    assert not ImpactValue.objects.exists()


@pytest.mark.parametrize("value", ["beaucoup", "-3", "1e20"])
def test_bad_impact_values_save_nothing(client, value):
    project = ProjectFactory()
    first, second = past_action(project), past_action(project, days_ago=9)
    counter = ImpactCounter.objects.create(project=project, name="Arbres")
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = staff_client(client, project).post(
        url,
        {"form": "values", f"v{first.pk}_{counter.pk}": "5", f"v{second.pk}_{counter.pk}": value},
    )
    assert response.status_code == 400
    assert not ImpactValue.objects.exists()


def test_a_counter_needs_a_name(client):
    project = ProjectFactory()
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    response = staff_client(client, project).post(url, {"form": "counter", "counter-name": ""})
    assert response.status_code == 400
    assert not ImpactCounter.objects.exists()


def test_the_impact_page_query_count_holds(client, django_assert_max_num_queries):
    project, trees, *_ = impact_setup()
    client = staff_client(client, project)
    url = reverse("actions:impact", kwargs={"project_slug": project.slug})
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for number in range(25):
        action = past_action(project, commune=CommuneFactory(), days_ago=40 + number)
        ImpactValue.objects.create(action=action, counter=trees, value=number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    client.logout()
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# Report ----------------------------------------------------------------------------------


# The line given to the action page (actions/registration/detail.html) to show the report.
INCLUDE = '{% include "actions/attendance/_report.html" with report=action.report %}'


def photo_upload(name="p.jpg", size=(3000, 2000)):
    return SimpleUploadedFile(name, jpeg_bytes(size), content_type="image/jpeg")


def test_a_report_with_photos_is_saved_resized(client):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(
        url,
        {
            "text": "Nous avons planté **120** arbres.",
            "photos": [photo_upload(), photo_upload()],
            "credit": "Léa",
        },
    )
    assert response.status_code == 302
    report = ActionReport.objects.get(action=action)
    photos = list(report.photos.all())
    assert [p.credit for p in photos] == ["Léa", "Léa"]
    assert [p.position for p in photos] == [0, 1]
    with Image.open(photos[0].image.path) as image:
        assert max(image.size) == 2048
        assert not image.getexif()
    html = Template(INCLUDE).render(Context({"action": Action.objects.get(pk=action.pk)}))
    assert "<strong>120</strong>" in html and "Léa" in html


def test_the_report_include_is_silent_without_a_report():
    action = past_action()
    html = Template(INCLUDE).render(Context({"action": Action.objects.get(pk=action.pk)}))
    assert html.strip() == ""


def test_photos_are_removed_and_at_most_ten(client):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    client.post(
        url,
        {"text": "Bien.", "photos": [photo_upload(size=(40, 30)) for _ in range(8)], "credit": "A"},
    )
    assert ReportPhoto.objects.count() == 8
    response = client.post(
        url,
        {"text": "Bien.", "photos": [photo_upload(size=(40, 30)) for _ in range(3)], "credit": "A"},
    )
    assert response.status_code == 400
    assert ReportPhoto.objects.count() == 8
    first = ReportPhoto.objects.first()
    client.post(
        url,
        {
            "text": "Très bien.",
            "photos": [photo_upload(size=(40, 30)) for _ in range(3)],
            "credit": "B",
            "remove": [first.pk],
        },
    )
    assert ReportPhoto.objects.count() == 10
    assert not ReportPhoto.objects.filter(pk=first.pk).exists()
    assert ActionReport.objects.get().text == "Très bien."


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "Bien.", "photos": "file"},  # not a photo
        {"text": "Bien.", "photos": "photo", "credit": ""},  # photos need a credit
    ],
)
def test_bad_report_input_saves_nothing(client, data):
    action = past_action()
    if data.get("photos") == "file":
        data["photos"] = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    elif data.get("photos") == "photo":
        data["photos"] = photo_upload(size=(40, 30))
    url = reverse("actions:report", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(url, data)
    assert response.status_code == 400
    assert not ActionReport.objects.exists()
    assert not ReportPhoto.objects.exists()
