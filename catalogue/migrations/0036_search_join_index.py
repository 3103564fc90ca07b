"""A PostgreSQL index for the join of search hits to book pages.

Wagtail's database search backend joins its index entries to the searched model on
`page_ptr_id::varchar = object_id` (object_id is text, for any model). No index covers that cast,
so every search read all 100k book rows (a sequential scan and a hash join, 15-50 ms). With this
expression index each hit is one index lookup. SQLite (the embedded default) does without.
"""

from importlib import import_module

from django.db import migrations

postgresql_indexes = import_module("catalogue.migrations.0034_shop_read_path_indexes").postgresql_indexes


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0035_bookpage_isbn_empty_on_copy")]

    operations = [
        postgresql_indexes(
            [("catalogue_bookpage_ptr_as_text", "catalogue_bookpage (((page_ptr_id::varchar(50))::text))")]
        )
    ]
