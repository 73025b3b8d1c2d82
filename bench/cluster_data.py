"""The cluster scenario's data and its checks, run with the nodes' settings (scripts/cluster.py).

    python bench/cluster_data.py load PLAN.json     # the data set, and the plan Locust reads
    python bench/cluster_data.py check PLAN.json ACCEPTED_DIR   # the invariants, as JSON

`load` makes a small territory through the services (as the demo does, reusing its
actions): the communes of one department (Drôme), one organisation and its project,
upcoming actions (the demo's series of six plantings, and one with few places and an
overall capacity, so that guests' registrations fill it and overbooking would show), an
inventory campaign with 40 published items and their photos, a collective with members,
and accounts with a password (Locust signs them in through the real password form).
The plan (slugs, ids, accounts) goes to PLAN.json.

`check` reads what Locust saw accepted (ACCEPTED_DIR/*.txt, one line per accepted
contribution: its submission key) and the database, and prints the invariants.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import F, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from tissage.accounts.models import User  # noqa: E402
from tissage.actions.manage.services import RoleInput, action_create  # noqa: E402
from tissage.actions.models import Action, Registration, Role  # noqa: E402
from tissage.collectives.collective.services import collective_create  # noqa: E402
from tissage.collectives.membership.services import membership_join  # noqa: E402
from tissage.collectives.models import Collective, Message  # noqa: E402
from tissage.core.models import OutgoingEmail  # noqa: E402
from tissage.core.photos import photo_prepare  # noqa: E402
from tissage.demo.actions import actions_load  # noqa: E402
from tissage.demo.data import DATA_DIR as DEMO_DATA  # noqa: E402
from tissage.inventories.campaigns.services import campaign_create  # noqa: E402
from tissage.inventories.contributions.services import (  # noqa: E402
    PhotoInput,
    contribution_submit,
)
from tissage.inventories.models import Campaign, Contribution, Photo  # noqa: E402
from tissage.inventories.moderation.services import contribution_decide  # noqa: E402
from tissage.organisations.models import Organisation  # noqa: E402
from tissage.organisations.services import organisation_create  # noqa: E402
from tissage.projects.models import Project  # noqa: E402
from tissage.projects.services import project_create  # noqa: E402
from tissage.territories.models import Commune  # noqa: E402
from tissage.territories.services import communes_import  # noqa: E402

ACCOUNT_DOMAIN = "cluster.tissage.example"
DEPARTMENT = "26"
ITEMS = 40
LIMITED_ACTION_SLUG = "chantier-charge-places-limitees"


def _photo(number: int) -> PhotoInput:
    """A small real photo, through the one picture pipeline (as an upload would be)."""
    image = Image.effect_noise((400, 300), 40 + number % 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    upload = SimpleUploadedFile("lavoir.jpg", buffer.getvalue(), content_type="image/jpeg")
    return PhotoInput(photo=photo_prepare(upload), credit="Association de charge")


def _people(count: int, password: str) -> list[User]:
    # One password for all, hashed once: PBKDF2 is slow on purpose, a second per account
    # on a loaded machine.
    hashed = make_password(password)
    people = []
    for number in range(1, count + 1):
        email = f"membre-{number:03d}@{ACCOUNT_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, display_name=f"Membre {number}", email_confirmed_at=timezone.now()
            )
            user.password = hashed
            user.save(update_fields=["password"])
        people.append(user)
    return people


@transaction.atomic
def _territory(password: str, accounts: int) -> tuple[Project, Campaign, Collective, list[User]]:
    """One department's communes, one organisation, its project with actions, an
    inventory campaign with published items, a collective with members."""
    if not Commune.objects.filter(department=DEPARTMENT).exists():
        communes_import(path=DEMO_DATA / f"communes-{DEPARTMENT}-drome.geojson")
    communes = list(Commune.objects.filter(department=DEPARTMENT).order_by("insee_code")[:40])
    people = _people(accounts, password)
    facilitator, inhabitant = people[0], people[1]
    organisation = organisation_create(
        name="Association de la vallée (test de charge)",
        slug="association-charge",
        kind=Organisation.Kind.ASSOCIATION,
        communes=communes,
        admins=[facilitator],
    )
    project = project_create(
        organisation=organisation,
        creator=facilitator,
        slug="projet-charge",
        title="Haies et petit patrimoine de la vallée",
        summary="Planter des haies et recenser le petit patrimoine, ensemble.",
        status=Project.Status.PUBLISHED,
        communes=communes,
    )
    actions_load(planting=project, collective=project, inhabitant=inhabitant)
    starts = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=10, hours=2)
    action_create(
        project=project,
        title="Chantier test de charge",
        slug=LIMITED_ACTION_SLUG,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        roles=[RoleInput("Débroussailler", 6), RoleInput("Ramasser", 6)],
        capacity=4,
        kind=Action.Kind.WORKDAY,
        address="Chemin du lavoir",
        status=Action.Status.PUBLISHED,
    )
    campaign = campaign_create(
        project=project,
        slug="inventaire-charge",
        title="Petit patrimoine de la vallée",
        template=Campaign.Template.HERITAGE,
        communes=communes,
    )
    categories = list(campaign.categories.order_by("pk"))
    for number in range(ITEMS):
        commune = communes[number % len(communes)]
        point = commune.inside_point()
        item = contribution_submit(
            campaign=campaign,
            category=categories[number % len(categories)],
            title=f"Lavoir n° {number + 1} de {commune.name}",
            lon=point[0],
            lat=point[1],
            photos=[_photo(number)],
            contributor=inhabitant,
        )
        contribution_decide(
            item=item, moderator=facilitator, status=Contribution.Status.VALIDATED, notify=False
        )
    collective = collective_create(
        organisation=organisation,
        creator=facilitator,
        slug="collectif-charge",
        name="Collectif de la vallée",
        description="Une liste de discussion pour s’organiser entre voisins.",
        communes=communes[:12],
        admission=Collective.Admission.OPEN,
        archive_visibility=Collective.ArchiveVisibility.PUBLIC,
        # Members' posts go out at once: each one is an email to every member (the
        # workers' share of the load).
        hold_first_posts=False,
    )
    for user in people:
        membership_join(collective=collective, user=user)
    return project, campaign, collective, people


def load(plan_path: Path) -> None:
    password = os.environ["CLUSTER_PASSWORD"]
    accounts = max(int(os.environ.get("CLUSTER_ACCOUNTS", "30")), 2)
    _project, campaign, collective, people = _territory(password, accounts)
    now = timezone.now()
    actions = list(
        Action.objects.filter(status=Action.Status.PUBLISHED, starts_at__gt=now)
        .exclude(kind=Action.Kind.MEETING)
        .order_by("starts_at")
        .values_list("slug", flat=True)
    )
    items = list(
        Contribution.objects.filter(campaign=campaign, status=Contribution.Status.VALIDATED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    plan = {
        "actions": actions,
        "limited": LIMITED_ACTION_SLUG,
        "campaign": campaign.slug,
        "items": items,
        "bbox": _box_of(campaign),
        "collective": collective.slug,
        # The first two run the organisation and its project: the others are inhabitants.
        "accounts": [user.email for user in people[2:]],
    }
    plan_path.write_text(json.dumps(plan, indent=2))
    print(
        f"data: {len(actions)} upcoming actions, {len(items)} published items, "
        f"{len(people)} accounts with a password in collective {collective.slug}",
        flush=True,
    )


def _box_of(campaign: Campaign) -> list[float]:
    """The campaign's communes' extent (west, south, east, north), as its map page has."""
    from tissage.inventories.map.data import communes_extent

    extent = communes_extent(campaign)
    assert extent is not None, "the campaign has communes"
    return [float(value) for value in extent.as_text().split(",")]


def check(plan_path: Path, accepted_dir: Path) -> dict[str, object]:
    """The invariants, from the database and the media storage."""
    # Overbooking: each role's confirmed seats within its places, each action's within
    # its overall capacity, on the actions people register to during the load. (The
    # demo's past actions are left out: their registrations are history written in bulk,
    # a few over the places, as a day's walk-ins are.)
    slugs = json.loads(plan_path.read_text())["actions"]
    seats = {
        row["role"]: row["seats"]
        for row in Registration.objects.filter(
            status=Registration.Status.CONFIRMED, action__slug__in=slugs
        )
        .values("role")
        .annotate(seats=Sum(F("companions") + 1))
    }
    overbooked = []
    for role in Role.objects.filter(action__slug__in=slugs).select_related("action"):
        if seats.get(role.pk, 0) > role.places:
            overbooked.append(f"{role.action.slug}/{role.name}: {seats[role.pk]} > {role.places}")
    for action in Action.objects.filter(slug__in=slugs, capacity__isnull=False):
        taken = sum(seats.get(pk, 0) for pk in action.roles.values_list("pk", flat=True))
        if taken > (action.capacity or 0):
            overbooked.append(f"{action.slug}: {taken} > capacity {action.capacity}")
    registrations = Registration.objects.filter(email__endswith="@invites.tissage.example")
    # Lost uploads: every contribution Locust saw accepted is in the database, with
    # photos whose files the media storage gives back.
    keys = set()
    for path in sorted(accepted_dir.glob("*.txt")):
        keys.update(line.strip() for line in path.read_text().splitlines() if line.strip())
    found = dict(
        Contribution.objects.filter(submission_key__in=keys).values_list("submission_key", "pk")
    )
    missing = sorted(key for key in keys if not any(str(k) == key for k in found))
    unreadable = []
    photos = 0
    for photo in Photo.objects.filter(contribution__in=found.values()):
        photos += 1
        try:
            with default_storage.open(photo.image.name) as stored:
                head = stored.read(3)
        except OSError as error:
            unreadable.append(f"{photo.image.name}: {error}")
            continue
        if head != b"\xff\xd8\xff":
            unreadable.append(f"{photo.image.name}: not a JPEG")
    without_photo = len(found) - len(
        set(Photo.objects.filter(contribution__in=found.values()).values_list("contribution"))
    )
    # Emails: nothing left queued (the caller waits for that), and the sink counts.
    emails = {
        status: OutgoingEmail.objects.filter(status=status).count()
        for status in OutgoingEmail.Status.values
    }
    return {
        "overbooked": overbooked,
        "guest_registrations": registrations.count(),
        "confirmed_guest_registrations": registrations.filter(
            status=Registration.Status.CONFIRMED
        ).count(),
        "waiting_guest_registrations": registrations.filter(
            status=Registration.Status.WAITING
        ).count(),
        "accepted_contributions": len(keys),
        "contributions_found": len(found),
        "contributions_missing": missing,
        "contributions_without_photo": without_photo,
        "photos_checked": photos,
        "photos_unreadable": unreadable,
        "list_messages": Message.objects.filter(
            author__email__endswith=f"@{ACCOUNT_DOMAIN}"
        ).count(),
        "emails": emails,
        # Where the photos were read from: the object store, or the media folders.
        "storage": (
            f"s3://{settings.MEDIA_S3_BUCKET}/{settings.MEDIA_S3_PREFIX}"
            if getattr(settings, "MEDIA_S3_BUCKET", "")
            else f"folder {settings.MEDIA_ROOT}"
        ),
    }


def emails_queued() -> int:
    """Emails queued, and tasks still to run, which may write more: a registration's
    email is written by the worker (actions.registration.emails)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).count()
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() + pending


if __name__ == "__main__":
    command, plan_file = sys.argv[1], Path(sys.argv[2])
    if command == "load":
        load(plan_file)
    elif command == "check":
        print(json.dumps(check(plan_file, Path(sys.argv[3]))))
    elif command == "queued":
        print(emails_queued())
    else:
        raise SystemExit(f"unknown command {command}")
