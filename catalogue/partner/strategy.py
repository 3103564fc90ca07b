"""The shop's pricing and availability strategy, loaded by Oscar through `get_class`.

Purchasable = the book page is live AND a stock record exists (docs/design.md §2). Oscar's own
default only looks at the stock record, so an unpublished book would still go into baskets and
through checkout; this strategy makes Oscar itself refuse it.
"""

from django.core.exceptions import ObjectDoesNotExist
from oscar.apps.partner import availability
from oscar.apps.partner.strategy import NoTax, StockRequired, Structured, UseFirstStockRecord


def is_on_sale(product):
    """A book is on sale while its page is live; other products follow Oscar's `is_public`."""
    if not product.is_public:
        return False
    try:
        return product.book_page.live
    except ObjectDoesNotExist:
        return True


class InStockInPlainWords(availability.StockRequired):
    """Oscar's stock rule, worded for shoppers: never the exact number of copies left."""

    def is_purchase_permitted(self, quantity):
        if self.num_available <= 0:
            return False, "Sorry, this book is out of stock."
        if quantity > self.num_available:
            return False, "Sorry, we don't have that many copies. Please choose fewer."
        return True, ""

    @property
    def message(self):
        return "In stock" if self.num_available > 0 else "Out of stock"


class LivePageRequired(StockRequired):
    def availability_policy(self, product, stockrecord):
        if not is_on_sale(product):
            return availability.Unavailable()
        policy = super().availability_policy(product, stockrecord)
        if type(policy) is availability.StockRequired:
            return InStockInPlainWords(policy.num_available)
        return policy


class BookshopStrategy(UseFirstStockRecord, LivePageRequired, NoTax, Structured):
    """One stock record per book (one warehouse); prices include VAT, as the footer says."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return BookshopStrategy(request)
