"""Site search: the index of projects' text (core.search; FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from tissage.core.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_configuration"), ("projects", "0001_initial")]

    operations = search_index_operations("projects", "project", ("title", "summary", "description"))
