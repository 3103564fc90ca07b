"""Two PostgreSQL indexes on Wagtail's tables that the shop's read path needs at 100k books.

- wagtailcore_page (depth, path): shelves and sub-shelves are found by depth plus a path prefix;
  with the path index alone, PostgreSQL scans every page under the home page.
- wagtailsearch_indexentry (title || body): Wagtail's database search backend matches
  `title || body @@ query`; its GIN indexes cover each column alone, never the concatenation.
SQLite (the embedded default) needs neither.
"""

from django.db import migrations

INDEXES = [
    ("catalogue_page_depth_path", "wagtailcore_page (depth, path varchar_pattern_ops)"),
    ("catalogue_indexentry_document", "wagtailsearch_indexentry USING gin ((title || body))"),
]


def postgresql_indexes(indexes):
    """An operation creating (name, target) indexes on PostgreSQL, dropping them on rollback."""

    def create_indexes(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, target in indexes:
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    def drop_indexes(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, _ in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create_indexes, drop_indexes)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0033_author_bookpage_categorypage_bookauthor"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [postgresql_indexes(INDEXES)]
