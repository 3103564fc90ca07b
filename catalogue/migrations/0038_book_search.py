"""Book search's own table and lexicon (catalogue.book_search, docs/search.md), filled from the live books.

On PostgreSQL: pg_trgm, GIN indexes on both tsvectors, trigram indexes on the lexicon and on
author names (autocomplete), and the rows written in SQL (100k books in seconds). SQLite fills
the text columns only.
"""

import re

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

CONFIG = "english"
WORDS_OF_LIVE_BOOKS = """
    SELECT DISTINCT word FROM catalogue_booksearchentry,
        regexp_split_to_table(lower(title || ' ' || authors), '\\W+') AS word
    WHERE length(word) BETWEEN 3 AND 100
"""
FILL_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    INSERT INTO catalogue_booksearchentry (book_id, title, authors, other)
    SELECT book.page_ptr_id, page.title,
        coalesce((SELECT string_agg(author.name, ', ' ORDER BY link.sort_order)
                  FROM catalogue_bookauthor link JOIN catalogue_author author ON author.id = link.author_id
                  WHERE link.book_id = book.page_ptr_id), ''),
        concat_ws(' ', nullif(book.subtitle, ''), nullif(book.description, ''), book.isbn, nullif(book.publisher, ''))
    FROM catalogue_bookpage book JOIN wagtailcore_page page ON page.id = book.page_ptr_id
    WHERE page.live
    """,
    f"""
    UPDATE catalogue_booksearchentry SET
        heading = setweight(to_tsvector('{CONFIG}', title), 'A') || setweight(to_tsvector('{CONFIG}', authors), 'B'),
        document = setweight(to_tsvector('{CONFIG}', title), 'A') || setweight(to_tsvector('{CONFIG}', authors), 'B')
            || setweight(to_tsvector('{CONFIG}', other), 'C')
    """,
    f"INSERT INTO catalogue_searchword (word) {WORDS_OF_LIVE_BOOKS} ON CONFLICT DO NOTHING",
    "CREATE INDEX catalogue_booksearch_heading ON catalogue_booksearchentry USING gin (heading)",
    "CREATE INDEX catalogue_booksearch_document ON catalogue_booksearchentry USING gin (document)",
    "CREATE INDEX catalogue_searchword_trigrams ON catalogue_searchword USING gin (word gin_trgm_ops)",
    # Author autocomplete: Django's icontains is UPPER(name::text) LIKE UPPER('%...%').
    "CREATE INDEX catalogue_author_name_trigrams ON catalogue_author USING gin (upper(name::text) gin_trgm_ops)",
    "ANALYZE catalogue_booksearchentry",
]
UNDO_POSTGRESQL = ["DROP INDEX IF EXISTS catalogue_author_name_trigrams"]


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FILL_POSTGRESQL:
            schema_editor.execute(statement)
        return
    BookPage = apps.get_model("catalogue", "BookPage")
    BookSearchEntry = apps.get_model("catalogue", "BookSearchEntry")
    SearchWord = apps.get_model("catalogue", "SearchWord")
    entries, words = [], set()
    for book in BookPage.objects.filter(live=True).prefetch_related("book_authors__author"):
        links = sorted(book.book_authors.all(), key=lambda link: link.sort_order or 0)
        authors = ", ".join(link.author.name for link in links)
        other = " ".join(part for part in (book.subtitle, book.description, book.isbn, book.publisher) if part)
        entries.append(BookSearchEntry(book_id=book.pk, title=book.title, authors=authors, other=other))
        words.update(word.lower() for word in re.findall(r"\w+", f"{book.title} {authors}"))
    BookSearchEntry.objects.bulk_create(entries)
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in words if 3 <= len(word) <= 100])


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNDO_POSTGRESQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0037_search_join_covering_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='BookSearchEntry',
            fields=[
                ('book', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='catalogue.bookpage')),
                ('title', models.TextField()),
                ('authors', models.TextField(blank=True)),
                ('other', models.TextField(blank=True, help_text='Subtitle, description, ISBN and publisher.')),
                ('heading', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('document', django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=100, primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(fill, unfill),
    ]
