"""The shop's shipping address form; Oscar's other checkout forms are used as they are."""

from django.conf import settings
from oscar.apps.checkout import forms


class ShippingAddressForm(forms.ShippingAddressForm):
    """Countries listed by name, the shop's home country preselected for a new address."""

    def adjust_country_field(self):
        super().adjust_country_field()
        country = self.fields.get("country")
        if country is None:
            return  # a single shipping country: Oscar sets it and hides the list
        country.queryset = country.queryset.order_by("printable_name")
        default = settings.DEFAULT_SHIPPING_COUNTRY
        if not self.initial.get("country") and country.queryset.filter(pk=default).exists():
            self.initial["country"] = default
