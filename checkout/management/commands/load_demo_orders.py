"""A few orders for the demo shop, so staff see a working order list and the marketer's segments
have buyers. Called by `load_demo_data` after the books and logins exist; running it again
changes nothing (orders are found by their DEMO- numbers).

The orders go through Oscar's OrderCreator, which allocates their copies on the stock records,
so stock stays consistent with orders (docs/design.md §5): they are "Paid" and waiting to ship.
They carry no PayPal payment: refunding them from the dashboard is refused with a message.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from checkout.order.statuses import PAID

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
Selector = get_class("partner.strategy", "Selector")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

# number, buyer (a demo login's email, or a guest's), days ago, how many books (the first in stock)
DEMO_ORDERS = [
    ("DEMO-1001", "customer@folio-books.example", 12, 2),
    ("DEMO-1002", "ines.reader@folio-books.example", 6, 1),
    ("DEMO-1003", "customer@folio-books.example", 2, 3),
    ("DEMO-1004", "tom.pages@folio-books.example", 1, 1),
]


class Command(BaseCommand):
    help = "Place a few demo orders (idempotent)."

    def handle(self, **options):
        products = list(
            Product.objects.filter(book_page__live=True, stockrecords__num_in_stock__gt=5).order_by("pk")[:12]
        )
        country = Country.objects.filter(iso_3166_1_a2="IE").first() or Country.objects.first()
        if len(products) < 3 or country is None:
            self.stdout.write("Demo orders: no books or countries yet, none placed.")
            return
        created = 0
        for index, (number, email, days_ago, count) in enumerate(DEMO_ORDERS):
            if Order.objects.filter(number=number).exists():
                continue
            with transaction.atomic():
                self.place(number, email, days_ago, products[index * 2 : index * 2 + count], country)
            created += 1
        self.stdout.write(f"Demo orders: {created} created.")

    def place(self, number, email, days_ago, products, country):
        user = get_user_model().objects.filter(email=email).first()
        basket = Basket.objects.create(owner=user)
        basket.strategy = Selector().strategy(user=user)
        for product in products:
            basket.add_product(product)
        name = (user.get_full_name() if user else "") or email.split("@")[0].replace(".", " ").title()
        first_name, _, last_name = name.partition(" ")
        address = ShippingAddress(
            first_name=first_name,
            last_name=last_name or "Reader",
            line1="12 Harbour Road",
            line4="Dublin",
            postcode="D02 XY45",
            country=country,
        )
        address.save()
        method = Repository().get_default_shipping_method(basket=basket, shipping_addr=address)
        charge = method.calculate(basket)
        order = OrderCreator().place_order(
            basket=basket,
            total=OrderTotalCalculator().calculate(basket, charge),
            shipping_method=method,
            shipping_charge=charge,
            user=user,
            shipping_address=address,
            order_number=number,
            status=PAID,
            guest_email="" if user else email,
        )
        basket.submit()
        order.date_placed = timezone.now() - timedelta(days=days_ago)
        order.save(update_fields=["date_placed"])
