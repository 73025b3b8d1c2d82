"""Site search reads a stored vector of the text on PostgreSQL, instead of recomputing it
for each match it ranks (core.search.search_index_to_vector_operations; nothing changes on
SQLite, whose FTS5 tables stay)."""

from django.db import migrations

from tissage.core.search import search_index_to_vector_operations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_consultation_updated_at")]

    operations = [
        *search_index_to_vector_operations("consultations", "consultation", ("title", "text")),
        *search_index_to_vector_operations("consultations", "proposal", ("title", "text")),
    ]
