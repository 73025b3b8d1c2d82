"""Every file a person can send, through every form that takes one, over HTTP (issue #11,
acceptance of points 5, 6 and 7).

`FIELDS` lists each file field reached through the site or the admin: its URL, who may
post to it and the rest of the form. The introspection tests below fail when a form
class of the project, an admin form or a model gains a file field that is not listed, so
a new one is tested before it ships.

Each field receives:

- ``oversize``: a file just over the field's own limit (15 MB for pictures, 10 MB for list
  attachments, 20 MB for imports): refused, with a message naming the limit;
- ``50-mpx``, ``156-mpx``, ``400-mpx``: pictures small on disk whose header announces 50
  million pixels (over ours, under Pillow's own warning: point 7), 12,500 × 12,500 (Pillow
  warns: point 5) and 20,000 × 20,000 (Pillow refuses: a decompression bomb). Refused
  with the pixel limit named, and never decoded: no picture over the limit goes through
  Pillow's `ImageFile.load`, which every decoder goes through;
- ``metadata``: a JPEG with EXIF and GPS, XMP, IPTC, an ICC profile and a comment: taken,
  and every file stored is read back with Pillow: no metadata at all (point 6).

Each refusal is the form page again with the message next to the field, and nothing
saved: no row, no file in any storage folder (walked before and after, whatever the
storage layout). What applies where:

- picture fields (`PhotoField`, `PhotosField`, and the admin's through
  `formfield_overrides`): all of the above;
- list attachments (pictures or PDF files): the same, with their own 10 MB limit; a PDF is
  kept as sent (its own metadata too: see the collectives README);
- the inventory import (GeoJSON or CSV): its 20 MB limit; it stores no picture, so every
  picture is refused as a file it cannot read, and nothing is kept.

Pictures that come by email to a list go through the same attachment check:
`test_every_case_by_email_to_a_list`.
"""

from __future__ import annotations

import functools
import importlib
import io
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image, ImageFile

import tissage
from tissage.actions.models import ActionReport, ReportPhoto
from tissage.actions.tests.helpers import an_action, past_action
from tissage.actions.tests.manage.test_edit import edit_data
from tissage.collectives.lists import services as list_services
from tissage.collectives.models import Attachment, InboundMail, Message
from tissage.collectives.tests.factories import (
    CollectiveFactory,
    MembershipFactory,
    user_for_role,
)
from tissage.core.photos import MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, PhotoField, PhotosField
from tissage.core.tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProjectFactory,
    SuperuserFactory,
    UserFactory,
    user_with_role,
)
from tissage.core.tests.pictures import assert_no_metadata, jpeg_with_everything
from tissage.inventories.models import Contribution, InventoryImport, Photo, StagedPhoto
from tissage.inventories.opendata.imports.read import MAX_BYTES as IMPORT_MAX_BYTES
from tissage.inventories.tests.helpers import LAT, LON, heritage_campaign, lavoir, submit
from tissage.organisations.models import Organisation, OrganisationMembership
from tissage.projects.models import NewsPost, Project

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


# --- The files --------------------------------------------------------------------------


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


@functools.cache
def _picture_announcing(width: int, height: int) -> bytes:
    """A real PNG of one-bit pixels, all black: a few kilobytes for millions of pixels."""
    return _encode(Image.new("1", (width, height)), "PNG")


@functools.cache
def _metadata_laden() -> bytes:
    return jpeg_with_everything()


def _oversize(limit: int) -> bytes:
    """A real JPEG padded to one megabyte more than `limit`."""
    small = _encode(Image.new("RGB", (64, 48), "green"), "JPEG")
    return small + b"\x00" * (limit + MB - len(small))


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    content: Callable[[int], bytes]  # from the field's size limit
    # Figures the refusal names (in English), or None when the file is taken.
    refusal: tuple[str, ...] | None


CASES = [
    Case("oversize", "IMG_0001.jpg", _oversize, ("{limit} MB",)),
    Case(
        "50-mpx",
        "scan-50.png",
        lambda _limit: _picture_announcing(8000, 6250),
        ("(50 million)", "The limit is 40 million"),
    ),
    Case(
        "156-mpx",
        "scan-156.png",
        lambda _limit: _picture_announcing(12_500, 12_500),
        ("too many pixels", "The limit is 40 million"),
    ),
    Case(
        "400-mpx",
        "bomb.png",
        lambda _limit: _picture_announcing(20_000, 20_000),
        ("too many pixels", "The limit is 40 million"),
    ),
    Case("metadata", "IMG_2024-05-01 Marie Dupont.jpg", lambda _limit: _metadata_laden(), None),
]


# --- The fields ---------------------------------------------------------------------------


@dataclass
class Target:
    """Where one field is posted, once the data it needs exists and its client signed in."""

    url: str
    data: dict[str, Any]
    # A snapshot of what a post could save (rows, the field's value): the same after a
    # refusal, another after a success.
    state: Callable[[], Any]
    refused_status: int = 200
    success_status: int = 302


@dataclass(frozen=True)
class Field:
    id: str
    form: str  # "module.Class", or "admin:app_label.Model" for the admin's form
    name: str  # the field's name in the form
    kind: str  # "picture", "attachment" or "import"
    setup: Callable[[Client], Target]


LIMITS = {
    "picture": MAX_PHOTO_BYTES,
    "attachment": settings.LIST_MAX_ATTACHMENT_BYTES,
    "import": IMPORT_MAX_BYTES,
}


def _contribution(client: Client) -> Target:
    campaign = heritage_campaign()
    return Target(
        url=reverse("inventories:contribute", kwargs={"slug": campaign.slug}),
        data={
            "category": lavoir(campaign).pk,
            "title": "Lavoir de la Fontaine",
            "longitude": str(LON),
            "latitude": str(LAT),
            "show_contributor": "on",
            "consent": "on",
            "guest_name": "Jeanne Martin",
            "guest_email": "jeanne@example.org",
        },
        state=lambda: (Contribution.objects.count(), Photo.objects.count()),
    )


def _staging(client: Client) -> Target:
    """The contribution form's photos, sent as soon as they are chosen (JavaScript)."""
    campaign = heritage_campaign()
    return Target(
        url=reverse("inventories:photos_stage", kwargs={"slug": campaign.slug}),
        data={"submission_key": "6f1c2a4e-8d3b-4f5a-9e7c-0b1d2e3f4a5b"},
        state=lambda: StagedPhoto.objects.count(),
        success_status=200,
    )


def _answer(client: Client) -> Target:
    contributor = UserFactory()
    campaign = heritage_campaign()
    item = submit(campaign, contributor=contributor)
    item.status = Contribution.Status.NEEDS_INFO
    item.save(update_fields=["status"])
    client.force_login(contributor)

    def state() -> Any:
        item.refresh_from_db()
        return item.status, item.photos.count()

    return Target(
        url=reverse("inventories:item_answer", kwargs={"slug": campaign.slug, "pk": item.pk}),
        data={"message": "Voici une photo de près.", "title": "Lavoir"},
        state=state,
    )


def _report(client: Client) -> Target:
    action = past_action()
    client.force_login(user_with_role("project_facilitator", action.project))
    return Target(
        url=reverse("actions:report", kwargs={"slug": action.slug}),
        data={"text": "Nous avons planté 120 arbres.", "credit": "Léa"},
        state=lambda: (ActionReport.objects.count(), ReportPhoto.objects.count()),
        # The report form answers a refused post with 400 (and the form).
        refused_status=400,
    )


def _thread(client: Client) -> Target:
    membership = MembershipFactory()
    client.force_login(membership.user)
    return Target(
        url=reverse("collectives:thread_create", args=[membership.collective.slug]),
        data={"subject": "Le marché", "body": "Qui vient samedi ?"},
        state=lambda: (Message.objects.count(), Attachment.objects.count()),
    )


def _reply(client: Client) -> Target:
    membership = MembershipFactory()
    first = list_services.thread_start(
        collective=membership.collective,
        author=membership.user,
        membership=membership,
        subject="Le marché",
        body="Qui vient samedi ?",
    )
    client.force_login(membership.user)
    return Target(
        url=reverse("collectives:reply", args=[membership.collective.slug, first.thread_id]),
        data={"body": "Moi, avec la remorque."},
        state=lambda: (Message.objects.count(), Attachment.objects.count()),
    )


def _import(client: Client) -> Target:
    campaign = heritage_campaign()
    client.force_login(user_with_role("project_facilitator", campaign.project))
    return Target(
        url=reverse("inventories:import", kwargs={"slug": campaign.slug}),
        data={},
        state=lambda: InventoryImport.objects.count(),
    )


def _project_create(client: Client) -> Target:
    staff = OrganisationMembershipFactory()
    client.force_login(staff.user)
    return Target(
        url=reverse("projects:create", args=[staff.organisation.slug]),
        data={**_PROJECT, "cover_alt": "Une haie"},
        state=lambda: Project.objects.count(),
    )


_PROJECT = {
    "title": "Haies",
    "summary": "Planter des haies.",
    "description": "",
    "status": Project.Status.PUBLISHED,
    "call_to_action": "",
    "call_to_action_url": "",
}


def _project_edit(client: Client) -> Target:
    project = ProjectFactory()
    client.force_login(user_with_role("project_facilitator", project))

    def state() -> Any:
        project.refresh_from_db()
        return project.cover.name

    return Target(
        url=reverse("projects:edit", args=[project.slug]),
        data={**_PROJECT, "cover_alt": "Une haie"},
        state=state,
    )


def _news(client: Client) -> Target:
    project = ProjectFactory()
    client.force_login(user_with_role("project_facilitator", project))
    return Target(
        url=reverse("projects:news_create", args=[project.slug]),
        data={"title": "Chantier", "body": "Merci à tous !", "image_alt": "La haie"},
        state=lambda: NewsPost.objects.count(),
    )


def _organisation(client: Client) -> Target:
    staff = OrganisationMembershipFactory(role=OrganisationMembership.Role.ADMIN)
    organisation = staff.organisation
    client.force_login(staff.user)

    def state() -> Any:
        organisation.refresh_from_db()
        return organisation.logo.name

    return Target(
        url=reverse("organisations:edit", args=[organisation.slug]),
        data={
            "name": organisation.name,
            "kind": organisation.kind,
            "description": "",
            "website": "",
            "contact_email": "",
        },
        state=state,
    )


def _proposal(client: Client) -> Target:
    from tissage.consultations.models import Proposal, ProposalPhoto
    from tissage.consultations.tests.factories import ConsultationFactory

    consultation = ConsultationFactory()
    client.force_login(UserFactory())
    return Target(
        url=reverse("consultations:propose", args=[consultation.slug]),
        data={"title": "Une haie au stade", "text": "Le long du grillage."},
        state=lambda: (Proposal.objects.count(), ProposalPhoto.objects.count()),
    )


def _cover_state(row: models.Model) -> Callable[[], Any]:
    def state() -> Any:
        row.refresh_from_db()
        return row.cover.name  # type: ignore[attr-defined]

    return state


def _campaign_edit(client: Client) -> Target:
    campaign = heritage_campaign()
    client.force_login(user_with_role("project_facilitator", campaign.project))
    return Target(
        url=reverse("inventories:campaign_edit", kwargs={"slug": campaign.slug}),
        data={
            "title": campaign.title,
            "starts_on": campaign.starts_on.isoformat(),
            "licence": campaign.licence,
            "cover_alt": "Un lavoir",
        },
        state=_cover_state(campaign),
    )


def _action_edit(client: Client) -> Target:
    action = an_action(ProjectFactory())
    client.force_login(user_with_role("project_facilitator", action.project))
    return Target(
        url=reverse("actions:edit", kwargs={"slug": action.slug}),
        data={**edit_data(action), "cover_alt": "Des plants"},
        state=_cover_state(action),
    )


def _collective_settings(client: Client) -> Target:
    collective = CollectiveFactory()
    client.force_login(user_for_role("coordinator", collective))
    return Target(
        url=reverse("collectives:settings", args=[collective.slug]),
        data={
            "name": collective.name,
            "admission": collective.admission,
            "archive_visibility": collective.archive_visibility,
            "cover_alt": "Le jardin",
        },
        state=_cover_state(collective),
        # The settings page answers a refused post with 400 (and the form).
        refused_status=400,
    )


def _admin(
    url: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    model: type[models.Model],
) -> Callable[[Client], Target]:
    def setup(client: Client) -> Target:
        client.force_login(SuperuserFactory())
        page = client.get(url)
        assert page.status_code == 200
        form_data = dict(data() if callable(data) else data)
        # The inlines' management forms, with no inline row.
        for inline in page.context["inline_admin_formsets"]:
            prefix = inline.formset.prefix
            form_data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        return Target(url=url, data=form_data, state=lambda: model._default_manager.count())

    return setup


def _admin_news_data() -> dict[str, Any]:
    return {
        "project": ProjectFactory().pk,
        "title": "Chantier",
        "body": "Texte",
        "image_alt": "",
        "author": "",
        "published_at_0": "2026-12-01",
        "published_at_1": "10:00",
    }


def _admin_project_data() -> dict[str, Any]:
    return {
        **_PROJECT,
        "organisation": OrganisationFactory().pk,
        "slug": "haies",
        "cover_alt": "Une haie",
    }


_ADMIN_ORGANISATION = {
    "name": "Les Amis des haies",
    "slug": "amis-des-haies",
    "kind": Organisation.Kind.ASSOCIATION,
    "description": "",
    "website": "",
    "contact_email": "",
}


FIELDS = [
    Field(
        "contribution",
        "tissage.inventories.contributions.forms.ContributionForm",
        "photos",
        "picture",
        _contribution,
    ),
    Field(
        "contribution-staged",
        "tissage.inventories.contributions.forms.StagePhotosForm",
        "photos",
        "picture",
        _staging,
    ),
    Field(
        "contribution-answer",
        "tissage.inventories.contributions.forms.AnswerForm",
        "photos",
        "picture",
        _answer,
    ),
    Field(
        "action-report", "tissage.actions.attendance.forms.ReportForm", "photos", "picture", _report
    ),
    Field(
        "list-thread",
        "tissage.collectives.lists.forms.ThreadForm",
        "attachments",
        "attachment",
        _thread,
    ),
    Field(
        "list-reply",
        "tissage.collectives.lists.forms.ReplyForm",
        "attachments",
        "attachment",
        _reply,
    ),
    Field(
        "inventory-import",
        "tissage.inventories.opendata.forms.ImportUploadForm",
        "file",
        "import",
        _import,
    ),
    Field(
        "project-create", "tissage.projects.forms.ProjectForm", "cover", "picture", _project_create
    ),
    Field("project-edit", "tissage.projects.forms.ProjectForm", "cover", "picture", _project_edit),
    Field("news", "tissage.projects.forms.NewsPostForm", "image", "picture", _news),
    Field(
        "campaign-edit",
        "tissage.inventories.campaigns.forms.CampaignForm",
        "cover",
        "picture",
        _campaign_edit,
    ),
    Field(
        "action-edit", "tissage.actions.manage.forms.ActionForm", "cover", "picture", _action_edit
    ),
    Field(
        "collective-settings",
        "tissage.collectives.collective.forms.CollectiveForm",
        "cover",
        "picture",
        _collective_settings,
    ),
    Field(
        "organisation-logo",
        "tissage.organisations.forms.OrganisationForm",
        "logo",
        "picture",
        _organisation,
    ),
    Field(
        "proposal",
        "tissage.consultations.proposals.forms.ProposalForm",
        "photos",
        "picture",
        _proposal,
    ),
    Field(
        "admin-project",
        "admin:projects.Project",
        "cover",
        "picture",
        _admin("/admin/projects/project/add/", _admin_project_data, Project),
    ),
    Field(
        "admin-news",
        "admin:projects.NewsPost",
        "image",
        "picture",
        _admin("/admin/projects/newspost/add/", _admin_news_data, NewsPost),
    ),
    Field(
        "admin-organisation",
        "admin:organisations.Organisation",
        "logo",
        "picture",
        _admin("/admin/organisations/organisation/add/", _ADMIN_ORGANISATION, Organisation),
    ),
]


# --- Watching what is stored and what is decoded ------------------------------------------


def _storage_roots() -> set[Path]:
    """Every folder files are stored in: MEDIA_ROOT, any other *MEDIA_ROOT setting, the
    folders of the configured storages and of the models' file fields' storages."""
    roots = {Path(settings.MEDIA_ROOT)}
    roots |= {
        Path(getattr(settings, name)) for name in dir(settings) if name.endswith("MEDIA_ROOT")
    }
    for alias, config in settings.STORAGES.items():
        location = config.get("OPTIONS", {}).get("location")
        if location and alias != "staticfiles":
            roots.add(Path(location))
    for model_field in _model_file_fields():
        storage = model_field.storage
        if isinstance(storage, FileSystemStorage):
            roots.add(Path(storage.location))
    return roots


def _stored_files() -> dict[Path, tuple[int, int]]:
    """Each file of the storage folders, with its size and modification time."""
    return {
        path: (stat.st_size, stat.st_mtime_ns)
        for root in _storage_roots()
        if root.is_dir()
        for path in root.rglob("*")
        if path.is_file() and (stat := path.stat())
    }


def _written_since(before: dict[Path, tuple[int, int]]) -> dict[Path, bytes]:
    """The files added or changed since `before`, with their content."""
    return {
        path: path.read_bytes()
        for path, signature in _stored_files().items()
        if before.get(path) != signature
    }


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The size of each picture Pillow decodes during the test: `ImageFile.load`, which
    every Pillow decoder (and pillow-heif's) goes through, is wrapped — it still decodes."""
    sizes: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def recording_load(self: ImageFile.ImageFile) -> Any:
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def _errors(response: Any, name: str) -> list[str]:
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    return [str(message) for message in form.errors.get(name, [])]


# --- Every field, every case ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize("target_field", FIELDS, ids=[f.id for f in FIELDS])
def test_every_file_field_holds_every_limit(client, in_english, decoded, target_field, case):
    target = target_field.setup(client)
    limit = LIMITS[target_field.kind]
    content = case.content(limit)
    before_state, before_files = target.state(), _stored_files()
    decoded.clear()

    response = client.post(
        target.url,
        {**target.data, target_field.name: SimpleUploadedFile(case.filename, content)},
    )

    new_files = _written_since(before_files)
    # No picture bigger than the limit was ever decoded, whatever happened next.
    assert all(width * height <= MAX_PHOTO_PIXELS for width, height in decoded), decoded
    if target_field.kind == "import" and case.name != "oversize":
        # Not a GeoJSON or CSV file: refused as such, whatever its pixels or metadata.
        assert response.status_code == target.refused_status
        assert _errors(response, target_field.name)
        assert not decoded
        assert target.state() == before_state
        assert not new_files
    elif case.refusal is None:
        assert response.status_code == target.success_status, _errors(response, target_field.name)
        assert target.state() != before_state
        assert new_files
        for data in new_files.values():
            assert_no_metadata(data)
    else:
        assert response.status_code == target.refused_status
        message = " ".join(_errors(response, target_field.name))
        for figure in case.refusal:
            assert figure.format(limit=limit // MB) in message
        # Refused from its size or its header alone: nothing was decoded.
        assert not decoded
        assert target.state() == before_state
        assert not new_files


# --- By email to a list ------------------------------------------------------------------


def test_every_case_by_email_to_a_list(settings, decoded):
    """The pictures attached to an email sent to a list go through the same check as the
    web form's attachments: for each case, one email with that one file."""
    settings.LIST_DOMAIN = "listes.example.org"
    collective = CollectiveFactory(slug="jardins")
    MembershipFactory(collective=collective, user=UserFactory(email="bruno@example.net"))
    limit = settings.LIST_MAX_ATTACHMENT_BYTES
    # The notes in the message are in French, the list's language.
    expected = {
        "oversize": "la limite est de 10 Mo",
        "50-mpx": "(50 millions). La limite est de 40 millions",
        "156-mpx": "trop de pixels. La limite est de 40 millions",
        "400-mpx": "trop de pixels. La limite est de 40 millions",
    }
    assert limit == 10 * MB
    for number, case in enumerate(CASES):
        before_files = _stored_files()
        decoded.clear()
        message = EmailMessage()
        message["From"] = "Bruno <bruno@example.net>"
        message["To"] = "jardins@listes.example.org"
        message["Subject"] = f"Une photo ({case.name})"
        message["Message-ID"] = f"<photo-{number}@example.net>"
        message.set_content("Voici la photo.")
        message.add_attachment(
            case.content(limit), maintype="image", subtype="png", filename=case.filename
        )

        call_command("mail_in", stdin=io.BytesIO(message.as_bytes()), stdout=io.StringIO())

        posted = InboundMail.objects.latest("pk").message
        assert posted is not None, case.name
        new_files = list(_written_since(before_files).values())
        assert all(width * height <= MAX_PHOTO_PIXELS for width, height in decoded), case.name
        if case.refusal is None:
            assert posted.attachments.count() == 1
            [data] = new_files
            assert_no_metadata(data)
        else:
            assert not posted.attachments.exists(), case.name
            assert not new_files, case.name
            assert f"« {case.filename} » non publiée" in posted.body
            assert expected[case.name] in posted.body, posted.body


# --- Nothing is left out --------------------------------------------------------------------


def _tissage_modules() -> Iterator[str]:
    importlib.import_module(settings.ROOT_URLCONF)  # registers the URL converters first
    for module in pkgutil.walk_packages(tissage.__path__, "tissage."):
        parts = module.name.split(".")
        if {"tests", "migrations", "management"} & set(parts) or parts[-1] in {
            "wsgi",
            "cli",
            "conftest",
            "pytest_plugin",
        }:
            continue
        importlib.import_module(module.name)
        yield module.name


def _subclasses(cls: type) -> Iterator[type]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _model_file_fields() -> list[models.FileField]:
    from django.apps import apps

    return [
        model_field
        for model in apps.get_models()
        if model.__module__.startswith("tissage.")
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.FileField)
    ]


def test_every_form_with_a_file_field_is_listed():
    """A base of the project's forms (core.covers.CoverFields) is tested through the
    forms that use it, each listed."""
    modules = set(_tissage_modules())
    found = {
        (f"{form.__module__}.{form.__qualname__}", name)
        for form in set(_subclasses(forms.BaseForm))
        if form.__module__ in modules
        and not any(sub.__module__ in modules for sub in _subclasses(form))
        for name, form_field in getattr(form, "base_fields", {}).items()
        if isinstance(form_field, forms.FileField)
    }
    listed = {(f.form, f.name) for f in FIELDS if not f.form.startswith("admin:")}
    # Shown, never posted: the style guide's sample form (its view answers GET only).
    shown_only = {("tissage.core.style_guide.SampleForm", "photo")}

    assert found - shown_only == listed
    assert Client().post("/style/").status_code in (404, 405)


def _admin_file_fields() -> Iterator[tuple[str, str, forms.Field]]:
    """(the model's label, the field's name, the form field) of each file field in the
    admin's forms, inlines included, as a superuser gets them."""
    request = RequestFactory().get("/admin/")
    request.user = SuperuserFactory()
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("tissage."):
            continue
        formsets = [
            (model, model_admin.get_form(request)),
            *(
                (inline.model, inline.get_formset(request).form)
                for inline in model_admin.get_inline_instances(request)
            ),
        ]
        for form_model, form in formsets:
            for name, form_field in form.base_fields.items():
                if isinstance(form_field, forms.FileField):
                    yield form_model._meta.label, name, form_field


def test_every_admin_file_field_is_listed_and_goes_through_the_pipeline():
    """The admin is another way in: each of its file fields is a picture field of the
    pipeline (`formfield_overrides`), and is listed; an inline's files are shown, not taken
    (inventories' photos: read-only)."""
    found = list(_admin_file_fields())
    listed = {
        (f.form.removeprefix("admin:"), f.name) for f in FIELDS if f.form.startswith("admin:")
    }

    assert {(label, name) for label, name, _field in found} == listed
    for label, name, form_field in found:
        assert isinstance(form_field, PhotoField | PhotosField), (label, name)


# Every file field of a model, and how what it stores gets there.
MODEL_FILE_FIELDS = {
    "projects.Project.cover": "project-create, project-edit, admin-project",
    "projects.NewsPost.image": "news, admin-news",
    "inventories.Campaign.cover": "campaign-edit (shown, not taken, by the admin)",
    "actions.Action.cover": "action-edit (shown, not taken, by the admin)",
    "collectives.Collective.cover": "collective-settings (shown, not taken, by the admin)",
    "organisations.Organisation.logo": "organisation-logo, admin-organisation",
    "inventories.Photo.image": "contribution, contribution-answer (photo_prepare)",
    "inventories.Photo.thumbnail": "made with the image by photo_prepare",
    "inventories.StagedPhoto.image": "contribution, contribution-staged (photo_prepare)",
    "inventories.StagedPhoto.thumbnail": "made with the image by photo_prepare",
    "actions.ReportPhoto.image": "action-report (photo_prepare)",
    "actions.ReportPhoto.thumbnail": "made with the image by photo_prepare",
    "collectives.Attachment.file": "list-thread, list-reply, email (attachment_prepare)",
    "inventories.InventoryImport.file": "inventory-import: the file read as GeoJSON or CSV",
    "consultations.ProposalPhoto.image": "proposal (photo_prepare)",
    "consultations.ProposalPhoto.thumbnail": "made with the image by photo_prepare",
    "consultations.Answer.photo": (
        "a questionnaire's photo question (PhotoField in a form built from the questions: "
        "consultations/tests/questionnaires/test_photos.py)"
    ),
}


def test_every_model_file_field_is_accounted_for():
    found = {f"{f.model._meta.label}.{f.name}" for f in _model_file_fields()}

    assert found == set(MODEL_FILE_FIELDS)
