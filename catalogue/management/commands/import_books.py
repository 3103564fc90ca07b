"""Import or update books from a CSV file, keyed by ISBN.

Columns: isbn,title,subtitle,authors,year,category,publisher,format,pages,price,stock,description
(`authors` separated by ";", `category` is a CategoryPage slug). Each row is its own
transaction, so a bad row is reported with its line number and never leaves half a book.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from catalogue.covers import create_cover_image
from catalogue.isbn import normalise_isbn
from catalogue.pages import Author, BookAuthor, BookPage, CategoryPage
from catalogue.progress import ProgressBar
from catalogue.stock import write_stockrecord

REQUIRED_COLUMNS = {"isbn", "title", "authors", "category", "price", "stock"}
FORMATS = {choice for choice, _ in BookPage.FORMAT_CHOICES}
MAX_PRICE = Decimal("10000")


class BadRow(ValueError):
    pass


@dataclass
class BookRow:
    isbn: str
    title: str
    subtitle: str
    author_names: list
    year: int | None
    category: CategoryPage
    publisher: str
    book_format: str
    pages: int | None
    price: Decimal
    stock: int
    description: str

    def page_fields(self):
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "publication_year": self.year,
            "publisher": self.publisher,
            "book_format": self.book_format,
            "page_count": self.pages,
            "description": self.description,
        }


def _optional_int(value, column):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadRow(f"{column} “{value}” is not a whole number")
    if number < 0:
        raise BadRow(f"{column} must not be negative")
    return number


def parse_row(raw, categories):
    try:
        isbn = normalise_isbn(raw["isbn"].strip())
    except ValueError as error:
        raise BadRow(str(error).rstrip("."))
    title = (raw.get("title") or "").strip()
    if not title:
        raise BadRow("title is empty")
    author_names = [name.strip() for name in (raw.get("authors") or "").split(";") if name.strip()]
    if not author_names:
        raise BadRow("no author given")
    slug = (raw.get("category") or "").strip()
    if slug not in categories:
        raise BadRow(f"unknown category “{slug}”")
    try:
        price = Decimal(raw["price"].strip())
    except (InvalidOperation, AttributeError):
        raise BadRow(f"price “{raw.get('price')}” is not a number")
    if not (Decimal("0") < price < MAX_PRICE) or price != price.quantize(Decimal("0.01")):
        raise BadRow(f"price {price} must be positive, below {MAX_PRICE}, with at most 2 decimals")
    stock = _optional_int(raw.get("stock"), "stock")
    if stock is None:
        raise BadRow("stock is empty")
    book_format = (raw.get("format") or "paperback").strip().lower()
    if book_format not in FORMATS:
        raise BadRow(f"format “{book_format}” is not one of {', '.join(sorted(FORMATS))}")
    return BookRow(
        isbn=isbn,
        title=title,
        subtitle=(raw.get("subtitle") or "").strip(),
        author_names=author_names,
        year=_optional_int(raw.get("year"), "year"),
        category=categories[slug],
        publisher=(raw.get("publisher") or "").strip(),
        book_format=book_format,
        pages=_optional_int(raw.get("pages"), "pages"),
        price=price,
        stock=stock,
        description=(raw.get("description") or "").strip(),
    )


def get_or_create_authors(names):
    authors = []
    for name in names:
        author, _ = Author.objects.get_or_create(slug=slugify(name)[:200], defaults={"name": name})
        authors.append(author)
    return authors


def unique_child_slug(parent, title, isbn):
    slug = slugify(title)[:200] or isbn
    if parent.get_children().filter(slug=slug).exists():
        slug = f"{slug[:180]}-{isbn}"
    return slug


class Command(BaseCommand):
    help = "Import or update books from a CSV file, keyed by ISBN. A second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="Path to the CSV file.")

    def handle(self, csv_file, **options):
        try:
            with open(csv_file, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"{csv_file}: missing columns: {', '.join(sorted(missing))}")
                rows = list(enumerate(reader, start=2))  # line 1 is the header
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {csv_file}: {error}")

        categories = {page.slug: page for page in CategoryPage.objects.all()}
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        problems = []
        progress = ProgressBar(self.stdout, len(rows), label="Importing books")
        for line, raw in rows:
            try:
                with transaction.atomic():
                    outcome = self.import_row(parse_row(raw, categories))
                counts[outcome] += 1
            except BadRow as error:
                counts["failed"] += 1
                problems.append(f"line {line}: {error}")
            progress.advance()
        progress.finish()

        for problem in problems:
            self.stderr.write(problem)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Books: {summary}."))

    def import_row(self, row):
        page = BookPage.objects.filter(isbn=row.isbn).first()
        authors = get_or_create_authors(row.author_names)
        if page is None:
            self.create_book(row, authors)
            page = BookPage.objects.get(isbn=row.isbn)
            self.save_stock(page.product, row)
            return "created"
        changed = self.update_book(page, row, authors)
        changed = self.save_stock(page.product, row) or changed
        return "updated" if changed else "unchanged"

    def create_book(self, row, authors):
        parent = row.category
        page = BookPage(
            isbn=row.isbn,
            slug=unique_child_slug(parent, row.title, row.isbn),
            cover=create_cover_image(row.title, ", ".join(a.name for a in authors), row.isbn),
            **row.page_fields(),
        )
        page.book_authors = [BookAuthor(author=author, sort_order=i) for i, author in enumerate(authors)]
        parent.add_child(instance=page)
        page.save_revision().publish()

    def update_book(self, page, row, authors):
        fields = row.page_fields()
        changed = {name for name, value in fields.items() if getattr(page, name) != value}
        authors_changed = [a.pk for a in page.authors] != [a.pk for a in authors]
        moved = page.get_parent().pk != row.category.pk
        if not (changed or authors_changed or moved):
            return False
        if moved:
            page.move(row.category, pos="last-child")
            page.refresh_from_db()
        for name in changed:
            setattr(page, name, fields[name])
        if authors_changed:
            page.book_authors = [BookAuthor(author=author, sort_order=i) for i, author in enumerate(authors)]
        page.save_revision().publish()
        return True

    def save_stock(self, product, row):
        if product is None:
            raise BadRow("the book page was saved but not mirrored into the Oscar catalogue")
        return write_stockrecord(product, price=row.price, num_in_stock=row.stock)
