"""Mirror Wagtail pages into Oscar's catalogue (docs/design.md §2).

The page is the owner of title, slug, ISBN and place in the tree; the Oscar Product and Category
follow it, so Oscar's basket, offers, ranges and dashboard keep working:
- publish: create or update the Product (public) or Category;
- unpublish: hide them (the partner strategy also refuses books whose page is not live);
- move: re-parent the Category, or re-file the Product under its new category;
- editor save: write the price and stock panel to the StockRecord (`catalogue.editor_forms`).
Price and stock stay in Oscar.
"""

from django.core.cache import cache
from django.db import connection
from oscar.checks import use_productcategory_materialised_view
from oscar.core.loading import get_model

from catalogue.pages import BookPage, CategoryPage
from catalogue.stock import write_stockrecord

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")

BOOK_PRODUCT_CLASS = "Book"


def book_product_class():
    product_class, _ = ProductClass.objects.get_or_create(
        name=BOOK_PRODUCT_CLASS,
        defaults={"slug": "book", "requires_shipping": True, "track_stock": True},
    )
    return product_class


def parent_category(page):
    """The Oscar category of the page's parent CategoryPage, or None under the home page."""
    parent = page.get_parent().specific
    if not isinstance(parent, CategoryPage):
        return None
    return parent.oscar_category or sync_category(parent)


def sync_category(page):
    """Create or update the Oscar Category mirroring `page`, under its parent's category."""
    category = page.oscar_category
    if category is None:
        above = parent_category(page)
        if above is not None:
            category = above.add_child(name=page.title, slug=page.slug)
        else:
            category = Category.add_root(name=page.title, slug=page.slug)
        CategoryPage.objects.filter(pk=page.pk).update(oscar_category=category)
        page.oscar_category = category
    else:
        category.name, category.slug, category.is_public = page.title, page.slug, True
        category.save()
        forget_category_urls(category)
    return category


def forget_category_urls(category):
    """Oscar caches each category's full slug; a rename or move changes it for the whole subtree."""
    cache.delete_many([node.get_url_cache_key() for node in category.get_descendants_and_self()])


def refresh_category_hierarchy():
    """Oscar's offers read product categories through a materialised view on PostgreSQL."""
    if use_productcategory_materialised_view():
        with connection.cursor() as cursor:
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY catalogue_product_category_hierarchy")


def ensure_product(page, is_public):
    """Create or update the Oscar Product behind `page`, filed under its parent's category."""
    product = page.product or Product(product_class=book_product_class(), structure=Product.STANDALONE)
    product.title = page.title
    product.upc = page.isbn
    product.slug = page.slug
    product.description = page.description
    product.is_public = is_public
    product.save()
    if page.product_id != product.pk:
        BookPage.objects.filter(pk=page.pk).update(product=product)
        page.product = product
    category = parent_category(page)
    if category is not None:
        product.categories.set([category])
    return product


def sync_book(page):
    return ensure_product(page, is_public=True)


def move_category(page):
    """Re-parent the page's Oscar category to follow a move in the page tree."""
    category = page.oscar_category
    if category is None:
        return
    above = parent_category(page)
    if above is not None:
        category.move(above, pos="sorted-child" if Category.node_order_by else "last-child")
    else:
        category.move(Category.get_last_root_node(), pos="last-sibling")
    category.refresh_from_db()
    category.set_ancestors_are_public()
    forget_category_urls(category)
    refresh_category_hierarchy()


def mirror_published_page(page):
    if isinstance(page, BookPage):
        sync_book(page)
    elif isinstance(page, CategoryPage):
        sync_category(page)


def hide_unpublished_page(page):
    """An unpublished book is not purchasable; `catalogue.partner.strategy` enforces it in Oscar."""
    if isinstance(page, BookPage) and page.product_id:
        Product.objects.filter(pk=page.product_id).update(is_public=False)
    elif isinstance(page, CategoryPage) and page.oscar_category_id:
        Category.objects.filter(pk=page.oscar_category_id).update(is_public=False)


def follow_page_move(moved, parent_page_before, parent_page_after):
    if parent_page_before.pk == parent_page_after.pk:
        return
    page = moved.specific
    if isinstance(page, CategoryPage):
        move_category(page)
    elif isinstance(page, BookPage) and page.product_id:
        category = parent_category(page)
        if category is not None:
            page.product.categories.set([category])


def apply_editor_stock(page):
    """Write the editor's "Price and stock" panel to the StockRecord once the page exists.

    A book saved as a draft before its first publish gets a hidden Product to carry the record.
    """
    pending = getattr(page, "pending_stock", None) or {}
    page.pending_stock = {}  # applied once, whether by the form or by the hook
    if all(value is None for value in pending.values()):
        return
    # Publishing mirrored a copy of the page (from its revision): read the link it stored.
    page.product_id = BookPage.objects.values_list("product_id", flat=True).get(pk=page.pk)
    product = page.product or ensure_product(page, is_public=page.live)
    write_stockrecord(product, price=pending.get("price"), num_in_stock=pending.get("num_in_stock"))
