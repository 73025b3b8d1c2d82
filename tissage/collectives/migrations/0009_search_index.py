"""Site search: the indexes of collectives', initiatives' and wiki revisions' text
(core.search; FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from tissage.core.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_configuration"), ("collectives", "0008_covers")]

    operations = [
        *search_index_operations("collectives", "collective", ("name", "description")),
        *search_index_operations("collectives", "initiative", ("title", "what", "where", "needs")),
        *search_index_operations("collectives", "wikirevision", ("title", "body")),
    ]
