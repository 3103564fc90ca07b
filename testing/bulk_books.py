"""Create many published books at once, for benchmarks and query-budget tests.

The page-by-page path (`add_child`, `save_revision().publish()`, the publish receivers) costs
tens of queries per book; 100,000 books would take hours. This writes the same rows in batches:
- Oscar Products, their category links and StockRecords with `bulk_create`;
- `wagtailcore_page` rows with `bulk_create`, their treebeard paths computed here;
- the BookPage rows with one `executemany` INSERT (Django refuses `bulk_create` on multi-table
  children);
- the search index through the backend's own bulk `add_bulk` (the admin's page search), and the
  shop's book search rows through `catalogue.book_search.write_search_rows`.
Books made here are live and have no revisions yet; the editor creates one on the first edit.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model
from stdnum import ean
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from catalogue.book_search import write_search_rows
from catalogue.pages import BookAuthor, BookPage
from catalogue.stock import shop_partner
from catalogue.sync import book_product_class, refresh_category_hierarchy, sync_category

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


@dataclass
class NewBook:
    title: str
    isbn: str
    author_ids: list
    price: Decimal
    num_in_stock: int
    publication_year: int | None = None
    publisher: str = ""
    book_format: str = "paperback"
    page_count: int | None = None
    description: str = ""
    cover_id: int | None = None
    subtitle: str = ""
    language: str = "English"


def isbn13(prefix_and_number):
    """Append the ISBN-13 check digit (an EAN-13 check digit) to 12 digits."""
    return prefix_and_number + ean.calc_check_digit(prefix_and_number)


class BulkBookWriter:
    """Adds books under CategoryPages in batches; call `add(category, books)` per shelf."""

    def __init__(self, batch_size=2000):
        self.batch_size = batch_size
        self.content_type = ContentType.objects.get_for_model(BookPage)
        self.locale_id = Locale.get_default().pk
        self.product_class = book_product_class()
        self.partner = shop_partner()
        self.search_backend = get_search_backend()
        self.book_columns = [f for f in BookPage._meta.local_concrete_fields if f.name != "page_ptr"]

    def add(self, category, books, progress=None):
        category.refresh_from_db()
        oscar_category = category.oscar_category or sync_category(category)
        for start in range(0, len(books), self.batch_size):
            batch = books[start : start + self.batch_size]
            with transaction.atomic():
                self._write_batch(category, oscar_category, batch)
            if progress is not None:
                progress.advance(len(batch))

    def finish(self):
        """Once after all batches: Oscar's offers read categories through a materialised view."""
        refresh_category_hierarchy()

    def _write_batch(self, category, oscar_category, books):
        now = timezone.now()
        slugs = [f"{slugify(book.title)[:80]}-{book.isbn}" for book in books]
        products = Product.objects.bulk_create(
            [
                Product(
                    structure=Product.STANDALONE,
                    product_class=self.product_class,
                    title=book.title,
                    upc=book.isbn,
                    slug=slug[:255],
                    description=book.description,
                    is_public=True,
                )
                for book, slug in zip(books, slugs, strict=True)
            ]
        )
        ProductCategory.objects.bulk_create(
            [ProductCategory(product=product, category=oscar_category) for product in products]
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=product,
                    partner=self.partner,
                    partner_sku=book.isbn,
                    price=book.price,
                    price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                    num_in_stock=book.num_in_stock,
                )
                for product, book in zip(products, books, strict=True)
            ]
        )
        pages = Page.objects.bulk_create(self._page_rows(category, books, slugs, now))
        self._insert_book_rows(pages, products, books)
        BookAuthor.objects.bulk_create(
            [
                BookAuthor(book_id=page.pk, author_id=author_id, sort_order=order)
                for page, book in zip(pages, books, strict=True)
                for order, author_id in enumerate(book.author_ids)
            ]
        )
        Page.objects.filter(pk=category.pk).update(numchild=category.numchild + len(pages))
        category.numchild += len(pages)
        indexed = BookPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related("book_authors__author")
        indexed = list(indexed)
        self.search_backend.add_bulk(BookPage, indexed)
        write_search_rows(indexed)

    def _page_rows(self, category, books, slugs, now):
        last_child = category.get_last_child()
        first_number = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
        depth = category.depth + 1
        return [
            Page(
                path=Page._get_path(category.path, depth, first_number + i),
                depth=depth,
                numchild=0,
                title=book.title,
                draft_title=book.title,
                slug=slug,
                url_path=f"{category.url_path}{slug}/",
                content_type=self.content_type,
                locale_id=self.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                search_description="",
                seo_title="",
            )
            for i, (book, slug) in enumerate(zip(books, slugs, strict=True))
        ]

    def _insert_book_rows(self, pages, products, books):
        columns = ["page_ptr_id"] + [f.column for f in self.book_columns]
        rows = []
        for page, product, book in zip(pages, products, books, strict=True):
            instance = BookPage(
                subtitle=book.subtitle,
                isbn=book.isbn,
                description=book.description,
                publisher=book.publisher,
                publication_year=book.publication_year,
                book_format=book.book_format,
                page_count=book.page_count,
                language=book.language,
                cover_id=book.cover_id,
                body=[],
                product_id=product.pk,
            )
            rows.append(
                [page.pk] + [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in self.book_columns]
            )
        table = connection.ops.quote_name(BookPage._meta.db_table)
        placeholders = ", ".join(["%s"] * len(columns))
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)
