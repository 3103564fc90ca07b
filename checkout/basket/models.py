"""Oscar's basket, with merges (at login) capped at what is in stock, and stock refusals in plain words."""

from oscar.apps.basket.abstract_models import AbstractBasket


class Basket(AbstractBasket):
    def merge(self, basket, add_quantities=True):
        super().merge(basket, add_quantities)
        # Merging adds quantities line by line; never leave more in the basket than the shop holds.
        for line in self.lines.select_related("stockrecord"):
            record = line.stockrecord
            if record is None or record.num_in_stock is None:
                continue
            available = max(record.net_stock_level or 0, 0)
            if line.quantity > available:
                if available:
                    line.quantity = available
                    line.save(update_fields=["quantity"])
                else:
                    line.delete()
        self._lines = None

    merge.alters_data = True

    def is_quantity_allowed(self, qty, line=None):
        allowed, reason = super().is_quantity_allowed(qty, line=line)
        if not allowed and line is not None:
            # Oscar words a refusal over several lines with the exact stock count; the shop's
            # availability policy (catalogue.partner.strategy) says it without numbers.
            permitted, plain = line.purchase_info.availability.is_purchase_permitted(self.basket_quantity(line) + qty)
            if not permitted:
                return False, plain
        return allowed, reason


from oscar.apps.basket.models import *  # noqa: E402, F403
