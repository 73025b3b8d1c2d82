"""Fill an installation for the backup tests: `python -m tissage.core.tests.backup_data`,
run with the installation's environment (its DATABASE_URL, TISSAGE_DATA_DIR).

The demo (through the services: projects, actions with registrations, an inventory with
public and private photos, collectives with their lists, consultations, the dashboard's
facts, queued emails as tasks), then the factories' rows and files the demo lacks: a
collective's member, a list message's private attachment, a private inventory import, a
consultation with proposals, supports and comments.
"""

from __future__ import annotations

import django


def fill() -> None:
    from django.core.files.base import ContentFile

    from tissage.collectives.models import Attachment, Message
    from tissage.collectives.tests.factories import MembershipFactory
    from tissage.consultations.tests.factories import CommentFactory, SupportFactory
    from tissage.core.tests.factories import UserFactory
    from tissage.demo.data import demo_load
    from tissage.inventories.models import Campaign, InventoryImport

    demo_load()
    MembershipFactory.create_batch(2)
    SupportFactory.create_batch(3)
    CommentFactory.create_batch(2)
    UserFactory.create_batch(3, language="en")
    message = Message.objects.order_by("pk").first()
    assert message is not None, "the demo has list messages"
    body = "Compte rendu de la réunion — « Haies ».\n".encode() * 50
    Attachment.objects.create(
        message=message,
        file=ContentFile(body, name="compte-rendu.txt"),
        filename="compte-rendu.txt",
        content_type="text/plain",
        size=len(body),
    )
    InventoryImport.objects.create(
        campaign=Campaign.objects.order_by("pk").first(),
        file=ContentFile(b"name;lon;lat\nCroix;4.1;44.1\n", name="import.csv"),
        original_name="patrimoine.csv",
        format=InventoryImport.Format.CSV,
    )


if __name__ == "__main__":
    django.setup()
    fill()
