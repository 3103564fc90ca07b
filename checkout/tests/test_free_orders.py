"""An order that costs nothing (a 100 % voucher with free shipping) is placed without PayPal."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.tests.steps import add_to_basket, checkout_to_paypal
from testing.factories import make_book, make_category

Order = get_model("order", "Order")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

pytestmark = pytest.mark.django_db


@pytest.fixture
def free_book_voucher():
    """Staff's "everything free, shipping too" voucher, as made in Dashboard → Vouchers."""
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    condition = Condition.objects.create(range=everything, type=Condition.COUNT, value=1)
    voucher = Voucher.objects.create(
        name="Prize", code="PRIZE100", start_datetime="2020-01-01T00:00Z", end_datetime="2099-01-01T00:00Z"
    )
    for name, benefit_type in [("All books free", Benefit.PERCENTAGE), ("Free shipping", Benefit.SHIPPING_PERCENTAGE)]:
        benefit = Benefit.objects.create(
            range=everything if benefit_type == Benefit.PERCENTAGE else None, type=benefit_type, value=100
        )
        voucher.offers.add(
            ConditionalOffer.objects.create(
                name=name,
                offer_type=ConditionalOffer.VOUCHER,
                condition=condition,
                benefit=benefit,
                exclusive=False,  # both apply to the same books
            )
        )
    return voucher


def test_a_fully_discounted_order_is_placed_without_paypal(
    client, paypal_simulator, free_book_voucher, mailoutbox, django_capture_on_commit_callbacks
):
    book = make_book(make_category(), title="Sanditon", price="12.99", stock=3)
    add_to_basket(client, book, 2)
    client.post(reverse("basket:vouchers-add"), {"code": "PRIZE100"})
    calls = len(paypal_simulator.calls)

    with django_capture_on_commit_callbacks(execute=True):
        landed = checkout_to_paypal(client)

    assert landed == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("0.00") and order.status == "Paid"
    assert order.number in client.get(landed).content.decode()
    assert len(paypal_simulator.calls) == calls and not PaymentAttempt.objects.exists()
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 2
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"] and order.number in mail.subject
