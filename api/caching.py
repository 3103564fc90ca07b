"""Which API answers show a page, so nginx drops them with it (docs/design.md §4.5, docs/api.md).

edgecache purges a page's listings when the page, its book's stock or price, or its filing
changes; `api_urls_of` adds the API's answers that show the same page: the book's detail, the
unfiltered book list, the book list of each shelf above it (and of the shelf itself), and the
shelf tree with its counts. Lists with other filters are not purged: their `s-maxage` is short
(EDGE_CACHE_TTLS["api-book-list"]).
"""

from django.urls import reverse

from catalogue.pages import BookPage, CategoryPage


def api_urls_of(page):
    site = page.get_site()
    if site is None:
        return []
    root = site.root_url

    def url(name, *args, query=""):
        return f"{root}{reverse(f'v1:{name}', args=args)}{query}"

    specific = page.specific_class
    if specific is None or not issubclass(specific, (BookPage, CategoryPage)):
        return []
    urls = [url("book-list"), url("category-list")]
    if issubclass(specific, BookPage):
        urls.append(url("book-detail", page.pk))
    shelves = page.get_ancestors(inclusive=True).type(CategoryPage).values_list("pk", flat=True)
    urls += [url("book-list", query=f"?category={shelf}") for shelf in shelves]
    return urls
