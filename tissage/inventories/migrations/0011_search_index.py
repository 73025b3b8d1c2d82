"""Site search: the index of contributions' text (core.search; FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from tissage.core.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_configuration"), ("inventories", "0010_covers")]

    operations = search_index_operations("inventories", "contribution", ("title", "description", "address"))
