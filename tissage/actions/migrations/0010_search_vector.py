"""Site search reads a stored vector of the text on PostgreSQL, instead of recomputing it
for each match it ranks (core.search.search_index_to_vector_operations; nothing changes on
SQLite, whose FTS5 tables stay)."""

from django.db import migrations

from tissage.core.search import search_index_to_vector_operations


class Migration(migrations.Migration):
    dependencies = [("actions", "0009_action_updated_at_index")]

    operations = [
        *search_index_to_vector_operations(
            "actions", "action", ("title", "description", "address", "meeting_point")
        ),
    ]
