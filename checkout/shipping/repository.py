"""Shipping methods come from the dashboard (Dashboard → Shipping), not from code.

The data migration creates "Standard" (free above SHOP_FREE_SHIPPING_THRESHOLD) and "Express";
staff change prices, thresholds, weight bands or add methods in Oscar's dashboard.
"""

from oscar.apps.shipping import repository
from oscar.core.loading import get_model

OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
WeightBased = get_model("shipping", "WeightBased")


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        methods = [*OrderAndItemCharges.objects.all(), *WeightBased.objects.prefetch_related("bands")]
        if shipping_addr is not None and shipping_addr.country_id:
            methods = [
                m
                for m in methods
                if not m.countries.exists() or m.countries.filter(pk=shipping_addr.country_id).exists()
            ]
        # The cheapest method is the default shown on the basket page.
        return sorted(methods, key=lambda method: method.calculate(basket).incl_tax) or list(self.methods)
