"""Build a large random catalogue for benchmarks: `create_random_catalogue --books 100000`.

Shelves are made the normal way (published CategoryPages, mirrored into Oscar); the books go in
through `testing.bulk_books`, in batches, so 100,000 books take minutes, not hours. Each run
adds books; ISBNs continue after the ones already there.
"""

import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max
from django.utils.text import slugify
from wagtail.models import Page, Site

from catalogue.covers import create_cover_image
from catalogue.pages import Author, BookPage, CategoryPage
from catalogue.progress import ProgressBar
from testing.bulk_books import BulkBookWriter, NewBook, isbn13

# 979-8-9 is unassigned in the demo fixtures and the test factories.
ISBN_PREFIX = "97989"
COMMON_WORDS = (
    "silent river winter garden shadow light empire ocean glass iron night letters house city stone "
    "journey secret lost golden last first hidden long summer storm crown mountain island forest "
    "fire memory dream voyage harbour clock library machine star north south bridge mirror"
).split()
SYLLABLES = "ka lo mir then dra vel os tur ban si qua rel no fen ga lis dor um pe than cor".split()
# A real catalogue's vocabulary is large: a title word or a surname names a few hundred books at
# most, not a tenth of the catalogue. Invented words (deterministic) give the random one that shape.
INVENTED_WORDS = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("n", "r", "s", "")})[:1500]
WORDS = COMMON_WORDS + INVENTED_WORDS
FIRST_NAMES = (
    "Ada Ben Clara David Elena Felix Grace Hugo Iris Jonas Kira Leo Maya Nils Olga Paul Rosa Sam Tara Victor".split()
)
LAST_NAMES = [word.capitalize() + "son" for word in INVENTED_WORDS[::5]]
SHELVES = {
    "Fiction": ["Classics", "Crime", "Science Fiction", "Fantasy"],
    "Non-fiction": ["History", "Science", "Biography", "Travel"],
    "Children": ["Picture Books", "Young Adult"],
}


class Command(BaseCommand):
    help = "Add N random, published books with authors, covers, prices and stock (bulk, for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--books", type=int, default=1000, help="How many books to add (default 1000).")
        parser.add_argument("--authors", type=int, default=0, help="Authors to draw from (default: books / 5).")
        parser.add_argument("--covers", type=int, default=12, help="Distinct cover images to share (default 12).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable catalogues.")

    def handle(self, books, authors, covers, seed, **options):
        if not 0 < books <= 1_000_000:
            raise CommandError("--books must be between 1 and 1,000,000.")
        rng = random.Random(seed)
        shelves = self.ensure_shelves()
        author_ids = self.create_authors(authors or max(books // 5, 1), rng)
        cover_ids = [
            create_cover_image(f"Volume {n}", "Folio Books", isbn13(f"{ISBN_PREFIX}0000{n:03d}")).pk
            for n in range(covers)
        ]
        first_number = self.next_isbn_number()
        writer = BulkBookWriter()
        progress = ProgressBar(self.stdout, books, label="Creating books")
        per_shelf = -(-books // len(shelves))
        for index, shelf in enumerate(shelves):
            start = index * per_shelf
            count = min(per_shelf, books - start)
            if count <= 0:
                break
            new_books = [self.random_book(rng, first_number + start + n, author_ids, cover_ids) for n in range(count)]
            writer.add(shelf, new_books, progress=progress)
        writer.finish()
        progress.finish()
        if connection.vendor == "postgresql":
            # Fresh planner statistics for the new rows; VACUUM also drops the first version of every
            # search index row (written, then updated by the bulk writer), which would otherwise
            # double the blocks a search reads until autovacuum comes by. It cannot run inside a
            # transaction (a test's).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Added {books} books; {BookPage.objects.count()} in the catalogue."))

    def ensure_shelves(self):
        """The leaf CategoryPages the books go on, created and published when missing, under the
        home page (the page type CategoryPage names as its parent, besides itself)."""
        home_page_model = next(
            model for model in CategoryPage.allowed_parent_page_models() if model is not CategoryPage
        )
        home = home_page_model.objects.first()
        if home is None:
            home = Page.get_first_root_node().add_child(
                instance=home_page_model(title="Folio Books", slug="folio-books")
            )
            Site.objects.update_or_create(
                is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
            )
        leaves = []
        for top_title, children in SHELVES.items():
            top = self.ensure_category(home, top_title)
            leaves += [self.ensure_category(top, title) for title in children]
        return leaves

    def ensure_category(self, parent, title):
        page = CategoryPage.objects.child_of(parent).filter(slug=slugify(title)).first()
        if page is None:
            page = parent.add_child(instance=CategoryPage(title=title, slug=slugify(title), show_in_menus=True))
            page.save_revision().publish()
        return CategoryPage.objects.get(pk=page.pk)

    def create_authors(self, count, rng):
        taken = Author.objects.count()
        new = [
            Author(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", slug=f"random-author-{taken + n}")
            for n in range(count)
        ]
        created = Author.objects.bulk_create(new, batch_size=5000)
        return [author.pk for author in created]

    def next_isbn_number(self):
        last = BookPage.objects.filter(isbn__startswith=ISBN_PREFIX).aggregate(last=Max("isbn"))["last"]
        return int(last[len(ISBN_PREFIX) : -1]) + 1 if last else 1000

    def random_book(self, rng, number, author_ids, cover_ids):
        title = " ".join(rng.sample(WORDS, rng.randint(2, 4))).title()
        return NewBook(
            title=f"The {title}" if rng.random() < 0.3 else title,
            isbn=isbn13(f"{ISBN_PREFIX}{number:07d}"),
            author_ids=rng.sample(author_ids, 2 if rng.random() < 0.1 and len(author_ids) > 1 else 1),
            price=Decimal(rng.randint(399, 4999)) / 100,
            num_in_stock=rng.choice([0, 1, 2, 5, 10, 25]),
            publication_year=rng.randint(1850, 2025),
            publisher=rng.choice(["Folio Press", "Harbour Books", "Northlight", "Stone & Glass"]),
            book_format=rng.choice(["hardback", "paperback", "paperback", "ebook"]),
            page_count=rng.randint(90, 900),
            description=f"A {rng.choice(COMMON_WORDS)} novel of {rng.choice(WORDS)} and {rng.choice(WORDS)}.",
            cover_id=rng.choice(cover_ids) if cover_ids else None,
        )
