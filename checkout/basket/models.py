"""Oscar's basket, with merges (at login) capped at what is in stock."""

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


from oscar.apps.basket.models import *  # noqa: E402, F403
