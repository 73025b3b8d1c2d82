"""Site search: the index of actions' text (core.search; FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from tissage.core.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_configuration"), ("actions", "0005_covers")]

    operations = search_index_operations("actions", "action", ("title", "description", "address", "meeting_point"))
