"""Oscar's checkout views with PayPal as the way to pay (redirect flow, works without JavaScript)."""

from django.urls import reverse
from oscar.apps.checkout import views
from oscar.core.loading import get_classes

from checkout.paypal import facade
from checkout.paypal.client import PayPalUnavailable

RedirectRequired, UnableToTakePayment = get_classes("payment.exceptions", ["RedirectRequired", "UnableToTakePayment"])


class PaymentDetailsView(views.PaymentDetailsView):
    """Preview → "Pay with PayPal": create the PayPal order from the basket and send the buyer to approve it."""

    def generate_order_number(self, basket):
        return facade.next_order_number(basket)

    def handle_payment(self, order_number, total, **kwargs):
        basket = self.request.basket
        shipping_address = self.get_shipping_address(basket)
        shipping_method = self.get_shipping_method(basket, shipping_address)
        try:
            _, approve_url = facade.start_payment(
                basket=basket,
                user=self.request.user,
                guest_email=self.checkout_session.get_guest_email(),
                order_number=order_number,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_method.calculate(basket),
                order_total=total,
                return_url=self.request.build_absolute_uri(reverse("checkout:paypal-return")),
                cancel_url=self.request.build_absolute_uri(reverse("checkout:paypal-cancel")),
            )
        except PayPalUnavailable as error:
            # For a PaymentError Oscar shows its own "contact customer services" text; the buyer
            # should read that PayPal is unreachable, nothing was charged, and to try again.
            raise UnableToTakePayment(str(error)) from error
        raise RedirectRequired(approve_url)
