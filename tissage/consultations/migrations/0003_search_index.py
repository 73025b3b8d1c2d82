"""Site search: the index of consultations' and proposals' text (core.search; FTS5 on
SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from tissage.core.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_search_configuration"),
        ("consultations", "0002_proposals_answers_map_questionnaires"),
    ]

    operations = [
        *search_index_operations("consultations", "consultation", ("title", "text")),
        *search_index_operations("consultations", "proposal", ("title", "text")),
    ]
