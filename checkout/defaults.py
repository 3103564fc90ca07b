"""The shop's starting checkout data: shipping methods, shipping countries, payment event types.

Written by data migrations on a fresh database, and by tests that run after a transactional
test has flushed the tables. Every function takes an app registry (a migration's or Django's).
"""

from decimal import Decimal

from django.conf import settings

from checkout.order.statuses import PAID, PAYMENT_PENDING, REFUNDED

COUNTRIES = [
    ("AT", "AUT", "040", "Austria", "Republic of Austria"),
    ("BE", "BEL", "056", "Belgium", "Kingdom of Belgium"),
    ("DE", "DEU", "276", "Germany", "Federal Republic of Germany"),
    ("FR", "FRA", "250", "France", "French Republic"),
    ("GB", "GBR", "826", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland"),
    ("IE", "IRL", "372", "Ireland", "Ireland"),
    ("IT", "ITA", "380", "Italy", "Italian Republic"),
    ("NL", "NLD", "528", "Netherlands", "Kingdom of the Netherlands"),
    ("ES", "ESP", "724", "Spain", "Kingdom of Spain"),
]


def create_shipping_methods(apps):
    OrderAndItemCharges = apps.get_model("shipping", "OrderAndItemCharges")
    OrderAndItemCharges.objects.get_or_create(
        code="standard",
        defaults={
            "name": "Standard",
            "description": "3–5 working days.",
            "price_per_order": Decimal("3.90"),
            "free_shipping_threshold": settings.SHOP_FREE_SHIPPING_THRESHOLD,
        },
    )
    OrderAndItemCharges.objects.get_or_create(
        code="express",
        defaults={"name": "Express", "description": "Next working day.", "price_per_order": Decimal("7.90")},
    )


def create_countries(apps):
    Country = apps.get_model("address", "Country")
    for order, (alpha2, alpha3, numeric, name, official) in enumerate(COUNTRIES):
        Country.objects.get_or_create(
            iso_3166_1_a2=alpha2,
            defaults={
                "iso_3166_1_a3": alpha3,
                "iso_3166_1_numeric": numeric,
                "name": official,
                "printable_name": name,
                "display_order": 100 - order,
                "is_shipping_country": True,
            },
        )


def create_payment_event_types(apps):
    PaymentEventType = apps.get_model("order", "PaymentEventType")
    for code, name in [("paid", PAID), ("payment-pending", PAYMENT_PENDING), ("refunded", REFUNDED)]:
        PaymentEventType.objects.get_or_create(code=code, defaults={"name": name})


def create_all(apps):
    create_shipping_methods(apps)
    create_countries(apps)
    create_payment_event_types(apps)
