"""What the catalogue does when its pages, its authors or Oscar's records change, in order.

edgecache reacts first to any page change (edgecache/reactions.py: the shared pages' version,
then a purge of the page, its variants and its listings). Then, for a book or a category page:

Published:    1. bump its versions (a book's own and the catalogue's; a category: the shelves')
              2. mirror it into Oscar: create or update the Product or Category (catalogue.sync)
              3. a book: write its search row (catalogue.book_search)
Unpublished:  1. bump its versions  2. hide its Product or Category in Oscar
              3. a book: drop its search row
Moved:        1. bump its versions  2. re-file its Product or re-parent its Category in Oscar
Deleted:      bump its versions (its search row goes with it)

And for the records behind the book pages, whoever changes them (editor, dashboard, orders, the
mirror above):

Stock record saved or deleted:   1. bump its book's versions  2. purge the book and its listings
Product filed in a category:     purge the book and its listings
Product saved:                   purge the book and its listings
Category saved:                  purge its category page and that page's listings
Author saved:                    1. bump the versions of their books  2. rewrite their search rows
Advert saved or deleted:         1. bump the adverts' and the shared pages' versions  2. purge the
                                 pages that show it (catalogue/adverts.py)
Review saved or deleted:         1. bump its book's versions  2. purge the book (its rating and
                                 approved reviews are on the cached page; a pending review shows
                                 nowhere, but approving it is a save)

Versions (edgecache.versions, names in catalogue.fragments) make cached fragments and stored pages
misses; purges (edgecache.purge) are sent to nginx once the transaction commits.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalogue.adverts import ADVERTS_VERSION, PURGE_LIMIT, Advert
from catalogue.book_search import index_books
from catalogue.fragments import books_changed, shelves_changed
from catalogue.pages import Author, BookPage, CategoryPage
from catalogue.sync import follow_page_move, hide_unpublished_page, mirror_published_page
from edgecache.page_cache import PAGES_VERSION
from edgecache.purge import listing_urls, purge_on_commit
from edgecache.versions import bump

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
ProductReview = get_model("reviews", "ProductReview")


def bump_page_versions(page_class, page):
    # The page's specific class, even when `page` is a plain Page (moves).
    if issubclass(page_class, CategoryPage):
        shelves_changed()
    elif issubclass(page_class, BookPage):
        books_changed([page.pk])


def book_urls(product):
    """The book page of a product (or of its parent) and every page that lists it."""
    if product.is_child:
        product = product.parent
    book = getattr(product, "book_page", None)
    if book is None or not book.live:
        return []
    return [book.get_full_url()] + listing_urls(book)


def purge_book_of(product_id):
    product = Product.objects.filter(pk=product_id).first()
    if product is not None:
        purge_on_commit(book_urls(product))


# Pages -----------------------------------------------------------------------------------


@receiver(page_published)
def catalogue_page_published(sender, instance, **kwargs):
    bump_page_versions(sender, instance)
    mirror_published_page(instance)
    if isinstance(instance, BookPage):
        index_books([instance.pk])


@receiver(page_unpublished)
def catalogue_page_unpublished(sender, instance, **kwargs):
    bump_page_versions(sender, instance)
    hide_unpublished_page(instance)
    if isinstance(instance, BookPage):
        index_books([instance.pk])


@receiver(post_page_move)
def catalogue_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    bump_page_versions(sender, instance)
    follow_page_move(instance, parent_page_before, parent_page_after)


@receiver(post_delete, sender=BookPage)
@receiver(post_delete, sender=CategoryPage)
def catalogue_page_deleted(sender, instance, **kwargs):
    bump_page_versions(sender, instance)


# Oscar's records and the authors ---------------------------------------------------------


@receiver(post_save, sender=StockRecord)
@receiver(post_delete, sender=StockRecord)
def stock_record_changed(sender, instance, **kwargs):
    # Price and availability. Oscar's allocate/consume/cancel use queryset.update() but send
    # post_save by hand.
    books_changed(BookPage.objects.filter(product_id=instance.product_id).values_list("pk", flat=True))
    purge_book_of(instance.product_id)


@receiver(post_save, sender=ProductCategory)
@receiver(post_delete, sender=ProductCategory)
def product_filed(sender, instance, **kwargs):
    # Category links decide the listings.
    purge_book_of(instance.product_id)


@receiver(post_save, sender=Product)
def product_saved(sender, instance, **kwargs):
    purge_on_commit(book_urls(instance))


@receiver(post_save, sender=Category)
def category_saved(sender, instance, **kwargs):
    category_page = getattr(instance, "category_page", None)
    if category_page is not None and category_page.live:
        purge_on_commit([category_page.get_full_url()] + listing_urls(category_page))


@receiver(post_save, sender=Author)
def author_saved(sender, instance, **kwargs):
    book_ids = list(instance.book_links.values_list("book_id", flat=True))
    books_changed(book_ids)
    index_books(book_ids)


@receiver(post_save, sender=ProductReview)
@receiver(post_delete, sender=ProductReview)
def review_changed(sender, instance, **kwargs):
    books_changed(BookPage.objects.filter(product_id=instance.product_id).values_list("pk", flat=True))
    purge_book_of(instance.product_id)


@receiver(post_save, sender=Advert)
@receiver(post_delete, sender=Advert)
def advert_changed(sender, instance, **kwargs):
    bump(ADVERTS_VERSION, PAGES_VERSION)
    urls = []
    if instance.on_home:
        home = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if home is not None and home.root_page.live:
            urls.append(home.root_page.get_full_url())
    shelf = CategoryPage.objects.filter(pk=instance.shelf_id).first()
    if instance.on_categories:
        categories = CategoryPage.objects.live()
        urls += [
            page.get_full_url() for page in (categories.descendant_of(shelf, inclusive=True) if shelf else categories)
        ]
    if instance.on_books:
        books = BookPage.objects.live().order_by("-first_published_at")
        if shelf is not None:
            books = books.descendant_of(shelf)
        urls += [page.get_full_url() for page in books[:PURGE_LIMIT]]
    purge_on_commit(urls)
