"""The one Oscar StockRecord of a book: the owner of its price and stock (docs/design.md §2).

The Oscar dashboard, the BookPage editor's "Price and stock" panel and `import_books` all write
through here, so a book never gets a second record.
"""

from django.conf import settings
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def shop_partner():
    partner, _ = Partner.objects.get_or_create(code="folio", defaults={"name": "Folio Books Warehouse"})
    return partner


def write_stockrecord(product, price=None, num_in_stock=None):
    """Create or update the product's stock record with the values given (None: leave as is).

    Returns True when something changed. A new record needs a price; its stock defaults to 0.
    """
    record = product.stockrecords.order_by("pk").first()
    if record is None:
        if price is None:
            return False
        StockRecord.objects.create(
            product=product,
            partner=shop_partner(),
            partner_sku=product.upc or str(product.pk),
            price=price,
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=num_in_stock or 0,
        )
        return True
    changes = {
        name: value
        for name, value in (("price", price), ("num_in_stock", num_in_stock))
        if value is not None and getattr(record, name) != value
    }
    if not changes:
        return False
    for name, value in changes.items():
        setattr(record, name, value)
    # save() (not update()) so Oscar's stock alerts and cache purges see the change.
    record.save()
    return True
