"""`import_books`: idempotent, line-numbered reasons for bad rows, never half a book."""

import csv
import io

import pytest
from django.core.management import call_command

from catalogue.pages import BookPage
from testing.factories import make_category

pytestmark = pytest.mark.django_db

HEADER = [
    "isbn",
    "title",
    "subtitle",
    "authors",
    "year",
    "category",
    "publisher",
    "format",
    "pages",
    "price",
    "stock",
    "description",
]
GOOD = [
    "9780141439518",
    "Pride and Prejudice",
    "",
    "Jane Austen",
    "1813",
    "classics",
    "Folio Classics",
    "paperback",
    "432",
    "8.99",
    "12",
    "A novel of manners.",
]


def write_csv(tmp_path, rows):
    path = tmp_path / "books.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run_import(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_books", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_second_run_changes_nothing(tmp_path):
    make_category(title="Classics")
    path = write_csv(
        tmp_path,
        [GOOD, ["9780140449266", "The Odyssey", "", "Homer", "1946", "classics", "", "hardback", "", "12.00", "3", ""]],
    )
    out, _ = run_import(path)
    assert "2 created" in out
    revisions = {page.pk: page.latest_revision_id for page in BookPage.objects.all()}

    out, _ = run_import(path)
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in out
    assert {page.pk: page.latest_revision_id for page in BookPage.objects.all()} == revisions


def test_changed_price_updates_the_stock_record(tmp_path):
    make_category(title="Classics")
    run_import(write_csv(tmp_path, [GOOD]))
    out, _ = run_import(write_csv(tmp_path, [GOOD[:9] + ["10.50", "7", GOOD[11]]]))
    assert "1 updated" in out
    book = BookPage.objects.get()
    assert str(book.stockrecord.price) == "10.50" and book.stockrecord.num_in_stock == 7


def test_bad_rows_are_reported_with_line_numbers_and_do_not_stop_the_others(tmp_path):
    make_category(title="Classics")
    bad_isbn = ["9780141439519"] + GOOD[1:]
    unknown_category = ["9780140449266", "The Odyssey", "", "Homer", "1946", "nowhere"] + GOOD[6:]
    negative_price = ["9780451524935", "1984", "", "George Orwell", "1949", "classics"] + GOOD[6:9] + ["-3", "2", ""]
    path = write_csv(tmp_path, [bad_isbn, unknown_category, GOOD, negative_price])

    out, err = run_import(path)

    assert "1 created" in out and "3 failed" in out
    assert "line 2: “9780141439519” is not a valid ISBN" in err
    assert "line 3: unknown category “nowhere”" in err
    assert "line 5: price -3" in err
    assert list(BookPage.objects.values_list("title", flat=True)) == ["Pride and Prejudice"]
