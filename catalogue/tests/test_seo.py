"""SEO: title and description, Open Graph, schema.org Book + Offer, sitemap.xml, robots.txt."""

import json
import re

import pytest

from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_book_page_has_title_description_open_graph_and_book_json_ld(client):
    book = make_book(
        make_category(title="Classics"),
        title="Emma",
        author="Jane Austen",
        price="9.50",
        stock=2,
        cover=True,
        description="Handsome, clever and rich.",
        book_format="hardback",
    )
    html = client.get(book.url).content.decode()

    assert "<title>Emma | Folio Books</title>" in html
    assert re.search(r'<meta name="description" content="Handsome, clever and rich\."\s*/?>', html)
    assert '<meta property="og:type" content="book">' in html
    assert f'<meta property="og:url" content="http://localhost{book.url}">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/[^"]+\.png">', html)
    data = json_ld(html)
    assert data["@type"] == "Book" and data["isbn"] == book.isbn and data["name"] == "Emma"
    assert data["author"] == [{"@type": "Person", "name": "Jane Austen"}]
    assert data["bookFormat"] == "https://schema.org/Hardcover"
    assert data["offers"] == {
        "@type": "Offer",
        "price": "9.50",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "url": f"http://localhost{book.url}",
    }


def test_a_hostile_title_cannot_break_out_of_the_json_ld_script(client):
    book = make_book(make_category(), title="</script><script>alert(1)</script>", slug="hostile")
    html = client.get(book.url).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_sitemap_lists_pages_books_and_authors(client):
    classics = make_category(title="Classics")
    book = make_book(classics, title="Emma", author="Jane Austen")
    hidden = make_book(classics, title="Sanditon", author="Jane Austen")
    hidden.unpublish()

    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-pages.xml" in index and "/sitemap-authors.xml" in index
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert f"<loc>http://localhost{book.url}</loc>" in pages
    assert f"<loc>http://localhost{classics.url}</loc>" in pages
    assert "sanditon" not in pages
    assert "/authors/jane-austen/" in client.get("/sitemap-authors.xml").content.decode()


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/basket/", "/checkout/", "/accounts/", "/dashboard/"):
        assert f"Disallow: {path}" in text


def test_unknown_urls_get_the_themed_404(client):
    response = client.get("/no-such-shelf/no-such-book/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_author_page_lists_their_books(client):
    classics = make_category(title="Classics")
    make_book(classics, title="Emma", author="Jane Austen")
    make_book(classics, title="Middlemarch", author="George Eliot")
    html = client.get("/authors/jane-austen/").content.decode()
    assert "<h1>Jane Austen</h1>" in html and "Emma" in html and "Middlemarch" not in html
    assert client.get("/authors/nobody/").status_code == 404
