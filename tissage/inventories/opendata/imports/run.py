"""Importing a checked file: the upload is kept with the suggested mapping and its dry-run
report, checked again with the person's choices, then its good rows are imported in one
transaction — all of them or, on any failure, none."""

from __future__ import annotations

from dataclasses import asdict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User

from ...campaigns.milestones import campaign_milestone_announce
from ...models import Campaign, Category, Contribution, ContributionEvent, InventoryImport
from .check import (
    IMPORT_STATUSES,
    NEW_CATEGORY_NAME,
    ImportOptions,
    default_options,
    import_check,
)
from .mapping import mapping_problems, mapping_suggest
from .read import ImportRefused, Source, source_read

BATCH_SIZE = 500


def _source_of(imp: InventoryImport) -> Source:
    try:
        with imp.file.open("rb") as stored:
            content = stored.read()
    except OSError as error:
        raise ImportRefused(
            _("The uploaded file is no longer available: upload it again.")
        ) from error
    return source_read(content=content, name=imp.original_name)


@transaction.atomic
def import_create(
    *,
    campaign: Campaign,
    user: User | None,
    content: bytes,
    name: str,
    options: ImportOptions | None = None,
) -> InventoryImport:
    """Keep an uploaded file with the suggested mapping and its dry-run report."""
    source = source_read(content=content, name=name)
    mapping = mapping_suggest(campaign=campaign, source=source)
    options = options or default_options(campaign, name)
    checked = import_check(campaign=campaign, source=source, mapping=mapping, options=options)
    return InventoryImport.objects.create(
        campaign=campaign,
        created_by=user,
        # Stored under a random name (the field's upload_to); the person's is kept below.
        file=ContentFile(content, name=name),
        original_name=name[:200],
        format=source.format,
        mapping=mapping,
        report=checked.report,
    )


@transaction.atomic
def import_recheck(
    *, imp: InventoryImport, mapping: dict[str, str], options: ImportOptions
) -> InventoryImport:
    """Run the dry run again with the mapping and options chosen by the person."""
    source = _source_of(imp)
    checked = import_check(campaign=imp.campaign, source=source, mapping=mapping, options=options)
    imp.mapping = mapping
    imp.report = checked.report
    imp.save(update_fields=["mapping", "report"])
    return imp


def _numbered(base: str, number: int) -> str:
    return base if number == 1 else f"{base}-{number}"


def import_run(*, imp: InventoryImport, user: User | None) -> int:
    """Import the good rows of a checked file, all in one transaction; returns how many."""
    try:
        return _import_run(imp=imp, user=user)
    except IntegrityError as error:
        # Someone imported the same rows at the same moment: nothing of ours was written.
        raise ImportRefused(
            _("Some rows were imported meanwhile by someone else. Check the file again.")
        ) from error


@transaction.atomic
def _import_run(*, imp: InventoryImport, user: User | None) -> int:
    imp = InventoryImport.objects.select_for_update().select_related("campaign").get(pk=imp.pk)
    if imp.status == InventoryImport.Status.IMPORTED:
        raise ImportRefused(_("This file has been imported already."))
    campaign = imp.campaign
    options = ImportOptions.from_json(imp.report.get("options", {}))
    if options.status not in IMPORT_STATUSES:
        options = ImportOptions(**{**asdict(options), "status": Contribution.Status.VALIDATED})
    source = _source_of(imp)
    problems = mapping_problems(campaign=campaign, source_format=source.format, mapping=imp.mapping)
    if problems:
        raise ImportRefused(" ".join(problems))
    checked = import_check(campaign=campaign, source=source, mapping=imp.mapping, options=options)
    now = timezone.now()
    fallback = None
    if any(ready.category is None for ready in checked.ready):
        taken = {c.slug for c in campaign.categories.all()}
        slug = next(
            s for n in range(1, len(taken) + 2) if (s := _numbered("autre", n)) not in taken
        )
        fallback = Category.objects.create(
            campaign=campaign,
            name=NEW_CATEGORY_NAME,
            slug=slug,
            position=max((c.position for c in campaign.categories.all()), default=0) + 1,
        )
    validated = options.status == Contribution.Status.VALIDATED
    items = [
        Contribution(
            campaign=campaign,
            category=ready.category or fallback,
            title=ready.title,
            description=ready.description,
            values=ready.values,
            longitude=ready.lon,
            latitude=ready.lat,
            commune=ready.commune,
            address=ready.address,
            status=options.status,
            licence=campaign.licence,
            contributor_name=ready.contributor_name,
            consent_at=now,
            validated_at=now if validated else None,
            external_ref=ready.external_ref,
        )
        for ready in checked.ready
    ]
    period_key = campaign.period_field_key()
    for item in items:  # bulk_create does not call save(), which keeps it otherwise
        item.century = item.century_from_values(period_key)
    Contribution.objects.bulk_create(items, batch_size=BATCH_SIZE)
    actor_name = user.public_name if user else options.source_name
    ContributionEvent.objects.bulk_create(
        (
            ContributionEvent(
                contribution=item,
                kind=ContributionEvent.Kind.IMPORTED,
                actor=user,
                actor_name=actor_name,
                to_status=item.status,
                message=_("Imported from “%(file)s”, row %(row)s.")
                % {"file": imp.original_name, "row": ready.row},
                changes={"import": imp.pk, "file": imp.original_name, "row": ready.row},
                created_at=now,
            )
            for item, ready in zip(items, checked.ready, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    imp.report = checked.report
    imp.status = InventoryImport.Status.IMPORTED
    imp.imported_count = len(items)
    imp.imported_at = now
    imp.save(update_fields=["report", "status", "imported_count", "imported_at"])
    if validated and items:
        # Many items at once: one announcement, the highest milestone crossed.
        campaign_milestone_announce(campaign=campaign)
    return len(items)
