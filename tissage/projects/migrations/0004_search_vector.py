"""Site search reads a stored vector of the text on PostgreSQL, instead of recomputing it
for each match it ranks (core.search.search_index_to_vector_operations; nothing changes on
SQLite, whose FTS5 tables stay)."""

from django.db import migrations

from tissage.core.search import search_index_to_vector_operations


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_project_recent_index")]

    operations = [
        *search_index_to_vector_operations("projects", "project", ("title", "summary", "description")),
    ]
