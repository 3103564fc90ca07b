"""Book search: a table of its own, one row per live book (docs/search.md).

On PostgreSQL each row carries two weighted tsvectors with GIN indexes: `heading` (title A,
authors B) and `document` (the heading plus subtitle, description, ISBN and publisher, C). The
words of titles and author names also go into `SearchWord`, a small lexicon with a pg_trgm
index: it spells a query's unknown words the way the catalogue does ("dickns" -> "dickens"),
for typo tolerance and the "did you mean" line. On SQLite (`make run`) the same rows are matched
word by word with LIKE, without typo tolerance.

`search_books` is the one public function that finds and ranks books; the shop's /search/ page
and the API both call it. Content pages stay on Wagtail's search backend.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Case, IntegerField, Q, Value, When

from catalogue.isbn import normalise_isbn
from catalogue.pages import BookPage

TEXT_SEARCH_CONFIG = "english"
# Words shorter than this are neither stored in the lexicon nor corrected.
MIN_WORD_LENGTH = 3
SPELLINGS_PER_WORD = 3  # catalogue spellings a query word may stand for
# A word the catalogue has also stands for close spellings, but only very close ones: "austin"
# finds Austen as well (trigram similarity 0.4), "silent" does not find "silo" (0.33). A word the
# catalogue lacks takes any spelling above pg_trgm's similarity threshold (0.3).
KNOWN_WORD_SIMILARITY = 0.39
# ts_rank divided by 1 + log(heading length): "Emma" by Jane Austen outranks "Notes on Emma".
RANK_NORMALISATION = 1
MAX_QUERY_WORDS = 8  # a longer query is cut: each word costs one lexicon lookup and one query term
WORD = re.compile(r"\w+")


class BookSearchEntry(models.Model):
    """The searchable text of one live book; rows come and go with publishing (`index_books`)."""

    book = models.OneToOneField(BookPage, primary_key=True, on_delete=models.CASCADE, related_name="search_entry")
    title = models.TextField()
    authors = models.TextField(blank=True)
    other = models.TextField(blank=True, help_text="Subtitle, description, ISBN and publisher.")
    # PostgreSQL only (filled by `index_books`); NULL on SQLite, which matches the text columns.
    heading = SearchVectorField(null=True)
    document = SearchVectorField(null=True)

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """A lowercase word of some book's title or author names: the spellings typo tolerance offers.

    Never pruned: a word whose books went away only costs a lookup, since a correction is
    offered only when the corrected query finds books."""

    word = models.CharField(max_length=100, primary_key=True)

    def __str__(self):
        return self.word


@dataclass(frozen=True)
class BookMatches:
    """One page of `search_books`: live book ids, best first, and whether more follow."""

    ids: list
    has_more: bool
    suggestion: str = ""  # the query spelled as the catalogue spells it, when that differs


def words_of(text):
    return [word.lower() for word in WORD.findall(text)]


def search_books(query, start=0, count=20):
    """Live books for `query`, ranked, `count` of them from position `start`.

    An ISBN (any spelling, ISBN-10 too) finds its book. Otherwise, on PostgreSQL:
    1. books whose title or authors hold every word of the query, or a catalogue spelling of it;
       exact spellings first, then by weighted rank (a title word outweighs an author's name);
    2. then books with every word somewhere else (description, subtitle, publisher), newest
       first, unranked: only the first group is ranked, and it is small even for common words.
    Each group is cut at the end of the page before the two are joined, so no query ranks or
    sorts every match of a broad word."""
    isbn = isbn_or_none(query)
    if isbn:
        ids = list(BookSearchEntry.objects.filter(book__isbn=isbn).values_list("book_id", flat=True))
        return BookMatches(ids=ids[start : start + count], has_more=False)
    words = words_of(query)[:MAX_QUERY_WORDS]
    if not words:
        return BookMatches(ids=[], has_more=False)
    if connection.vendor == "postgresql":
        return _search_postgresql(words, start, count)
    return _search_by_substring(words, start, count)


def isbn_or_none(query):
    try:
        return normalise_isbn(query)
    except ValueError:
        return None


def catalogue_spellings(words):
    """For each query word: (is it a catalogue word?, up to SPELLINGS_PER_WORD close catalogue
    words, closest first), from the lexicon's trigram index in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.position, close.word, close.word = q.word, similarity(close.word, q.word)
            FROM unnest(%s::text[]) WITH ORDINALITY AS q(word, position)
            CROSS JOIN LATERAL (
                SELECT w.word FROM catalogue_searchword w
                WHERE length(q.word) >= %s AND w.word %% q.word
                ORDER BY w.word <-> q.word, w.word
                LIMIT %s
            ) AS close
            """,
            [words, MIN_WORD_LENGTH, SPELLINGS_PER_WORD + 1],
        )
        rows = cursor.fetchall()
    known = {position for position, _, exact, _ in rows if exact}
    spellings = {}
    for position, close_word, exact, similarity in rows:
        if not exact and (position not in known or similarity >= KNOWN_WORD_SIMILARITY):
            spellings.setdefault(position, []).append(close_word)
    return [
        (position in known, spellings.get(position, [])[:SPELLINGS_PER_WORD]) for position in range(1, len(words) + 1)
    ]


def _tsquery_sql(groups, params):
    """SQL for a tsquery: every group matched, each group by any of its words. The words go into
    `params` by name: the SQL holds each tsquery inline, where the planner reads its words'
    frequencies (a CTE or a parameter of type tsquery would hide them)."""
    parts = []
    for group in groups:
        alternatives = []
        for word in group:
            name = f"word{len(params)}"
            params[name] = word
            alternatives.append(f"plainto_tsquery('{TEXT_SEARCH_CONFIG}', %({name})s)")
        parts.append(f"({' || '.join(alternatives)})")
    return " && ".join(parts)


def _search_postgresql(words, start, count):
    spellings = catalogue_spellings(words)
    params = {"normalisation": RANK_NORMALISATION, "end": start + count + 1, "start": start, "count": count + 1}
    exact = _tsquery_sql([[word] for word in words], params)
    loose = _tsquery_sql([[word, *close] for word, (_, close) in zip(words, spellings, strict=True)], params)
    # Each group reads one row past the page, to know whether another page follows.
    sql = f"""
        (SELECT book_id, 0 AS tier, heading @@ ({exact}) AS exact,
                ts_rank(heading, {loose}, %(normalisation)s) AS rank
         FROM catalogue_booksearchentry
         WHERE heading @@ ({loose})
         ORDER BY exact DESC, rank DESC, book_id DESC
         LIMIT %(end)s)
        UNION ALL
        (SELECT book_id, 1, true, 0
         FROM catalogue_booksearchentry
         WHERE document @@ ({exact}) AND NOT heading @@ ({loose})
         -- "+ 0": never walk the primary key backwards hoping to meet matches soon; for a word
         -- the catalogue lacks (a typo) that reads every row. The GIN index finds the matches.
         ORDER BY book_id + 0 DESC
         LIMIT %(end)s)
        ORDER BY tier, exact DESC, rank DESC, book_id DESC
        OFFSET %(start)s LIMIT %(count)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    suggestion = ""
    corrected = [
        word if known or not close else close[0] for word, (known, close) in zip(words, spellings, strict=True)
    ]
    if corrected != words:
        suggestion = " ".join(corrected)
    return BookMatches(ids=ids[:count], has_more=len(ids) > count, suggestion=suggestion)


def _search_by_substring(words, start, count):
    """SQLite: every word inside the title, authors or other text; title and authors first."""
    entries = BookSearchEntry.objects.all()
    in_heading = Q()
    for word in words:
        heading_has_word = Q(title__icontains=word) | Q(authors__icontains=word)
        entries = entries.filter(heading_has_word | Q(other__icontains=word))
        in_heading &= heading_has_word
    entries = entries.annotate(
        tier=Case(When(in_heading, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("tier", "-book_id")
    ids = list(entries.values_list("book_id", flat=True)[start : start + count + 1])
    return BookMatches(ids=ids[:count], has_more=len(ids) > count)


def suggest_books(query, count):
    """Live book ids whose title or authors start words with the query's words (autocomplete):
    the last word may be unfinished."""
    words = [word for word in words_of(query) if word][:MAX_QUERY_WORDS]
    if not words:
        return []
    if connection.vendor != "postgresql":
        return _search_by_substring(words, 0, count).ids
    *finished, last = words
    tsquery = " && ".join(["plainto_tsquery(%s, %s)"] * len(finished) + ["to_tsquery(%s, %s)"])
    params = [value for word in finished for value in (TEXT_SEARCH_CONFIG, word)]
    params += [TEXT_SEARCH_CONFIG, f"{last}:*"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.book_id FROM catalogue_booksearchentry e, ({"SELECT " + tsquery}) AS query(q)
            WHERE e.heading @@ query.q
            ORDER BY ts_rank(e.heading, query.q) DESC, e.book_id DESC
            LIMIT %s
            """,
            [*params, count],
        )
        return [row[0] for row in cursor.fetchall()]


# Keeping the table current -------------------------------------------------------------------


def index_books(book_ids):
    """Write the search rows of `book_ids`: live books get theirs (re)written, others lose it.
    Called when a book is published or unpublished and when an author is renamed; the bulk
    writer (testing/bulk_books.py) calls `write_search_rows` with the books it has loaded."""
    book_ids = list(book_ids)
    if not book_ids:
        return
    BookSearchEntry.objects.filter(book_id__in=book_ids, book__live=False).delete()
    write_search_rows(BookPage.objects.live().filter(pk__in=book_ids).prefetch_related("book_authors__author"))


def write_search_rows(books):
    """Write the search rows of `books`, live BookPages with their authors prefetched."""
    entries = [
        BookSearchEntry(
            book_id=book.pk,
            title=book.title,
            authors=book.author_names,
            other=" ".join(part for part in (book.subtitle, book.description, book.isbn, book.publisher) if part),
        )
        for book in books
    ]
    if not entries:
        return
    BookSearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["book"], update_fields=["title", "authors", "other"]
    )
    lexicon = {word for entry in entries for word in words_of(f"{entry.title} {entry.authors}")}
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(lexicon) if MIN_WORD_LENGTH <= len(word) <= 100],
        ignore_conflicts=True,
    )
    if connection.vendor == "postgresql":
        heading = vector("title", "A") + vector("authors", "B")
        BookSearchEntry.objects.filter(book_id__in=[entry.book_id for entry in entries]).update(
            heading=heading, document=heading + vector("other", "C")
        )


def vector(field, weight):
    return SearchVector(field, weight=weight, config=TEXT_SEARCH_CONFIG)
