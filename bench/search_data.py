"""Copy published inventory items until there are N in all (run by bench/search.py).

Copies keep the generated titles and descriptions ("Lavoir n° 12 de Nîmes"…), so that
the search has realistic words to rank; they go through `bulk_create`, as an import
would, and the database keeps its search index (triggers on SQLite, GIN on PostgreSQL).
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
django.setup()

from django.db import transaction  # noqa: E402

from tissage.inventories.models import Contribution  # noqa: E402

CHUNK = 5000


def main(target: int) -> None:
    missing = target - Contribution.objects.count()
    sources = list(Contribution.objects.published().order_by("pk")[:CHUNK])
    added = 0
    with transaction.atomic():
        while added < missing and sources:
            copies = []
            for item in sources[: missing - added]:
                item.pk = None
                item.submission_key = None
                item.external_ref = ""
                copies.append(item)
            Contribution.objects.bulk_create(copies, batch_size=1000)
            added += len(copies)
    print(f"  inventory items         {Contribution.objects.count():,} (+{added:,} copies)")


if __name__ == "__main__":
    main(int(sys.argv[1]))
