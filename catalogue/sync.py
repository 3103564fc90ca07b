"""Mirror published Wagtail pages into Oscar's catalogue (DESIGN.md §2).

The page is the owner of title, slug and ISBN; the Oscar Product and Category follow it, so
Oscar's basket, offers, ranges and dashboard keep working. Price and stock stay in Oscar.
"""

from django.dispatch import receiver
from oscar.core.loading import get_model
from wagtail.signals import page_published, page_unpublished

from catalogue.pages import BookPage, CategoryPage

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


def sync_category(page):
    """Create or update the Oscar Category mirroring `page`, under its parent's category."""
    parent = page.get_parent().specific
    parent_category = parent.oscar_category if isinstance(parent, CategoryPage) else None
    category = page.oscar_category
    if category is None:
        if parent_category is not None:
            category = parent_category.add_child(name=page.title, slug=page.slug)
        else:
            category = Category.add_root(name=page.title, slug=page.slug)
        CategoryPage.objects.filter(pk=page.pk).update(oscar_category=category)
        page.oscar_category = category
    else:
        category.name, category.slug, category.is_public = page.title, page.slug, True
        category.save()
    return category


def sync_book(page):
    """Create or update the public Oscar Product behind `page`, in its category."""
    product = page.product or Product(product_class=book_product_class(), structure=Product.STANDALONE)
    product.title = page.title
    product.upc = page.isbn
    product.slug = page.slug
    product.description = page.description
    product.is_public = True
    product.save()
    if page.product_id != product.pk:
        BookPage.objects.filter(pk=page.pk).update(product=product)
        page.product = product
    parent = page.get_parent().specific
    if isinstance(parent, CategoryPage):
        category = parent.oscar_category or sync_category(parent)
        product.categories.set([category])
    return product


@receiver(page_published)
def mirror_published_page(sender, instance, **kwargs):
    if isinstance(instance, BookPage):
        sync_book(instance)
    elif isinstance(instance, CategoryPage):
        sync_category(instance)


@receiver(page_unpublished)
def hide_unpublished_page(sender, instance, **kwargs):
    """An unpublished book is not purchasable: Oscar refuses non-public products in baskets."""
    if isinstance(instance, BookPage) and instance.product_id:
        Product.objects.filter(pk=instance.product_id).update(is_public=False)
    elif isinstance(instance, CategoryPage) and instance.oscar_category_id:
        Category.objects.filter(pk=instance.oscar_category_id).update(is_public=False)
