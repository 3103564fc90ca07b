"""Oscar's checkout views with PayPal as the way to pay (redirect flow, works without JavaScript)."""

from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from oscar.apps.checkout import views
from oscar.core.loading import get_classes

from checkout.paypal import facade
from checkout.paypal.client import PayPalUnavailable

RedirectRequired, UnableToTakePayment = get_classes("payment.exceptions", ["RedirectRequired", "UnableToTakePayment"])


class PaymentMethodView(views.PaymentMethodView):
    """PayPal is the only way to pay, so there is nothing to choose: straight on to the preview."""

    success_url = reverse_lazy("checkout:preview")


class PaymentDetailsView(views.PaymentDetailsView):
    """Preview → "Pay with PayPal": create the PayPal order from the basket and send the buyer to approve it.

    There is no separate payment step (nothing to fill in before PayPal): the payment-details URL
    leads to the preview, and a payment error is shown on the preview, next to the Pay button again.

    Oscar's submit() freezes the basket, calls handle_payment, and thaws the basket again when that
    raises. Concurrent clicks all run it, so freezing and thawing go through the facade, which
    never reopens a basket that an attempt is paying or that was ordered.
    """

    template_name = "oscar/checkout/preview.html"  # no page of its own (see above)

    def get(self, request, *args, **kwargs):
        if not self.preview:
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def render_payment_details(self, request, **kwargs):
        return self.render_preview(request, **kwargs)

    def generate_order_number(self, basket):
        return facade.next_order_number(basket)

    def freeze_basket(self, basket):
        facade.freeze_for_payment(basket)

    def restore_frozen_basket(self):
        basket = self.get_submitted_basket()
        if facade.release_basket(basket) and self.request.basket.id != basket.id:
            basket.merge(self.request.basket)
            basket.strategy = self.request.basket.strategy
            self.request.basket = basket

    def handle_payment(self, order_number, total, **kwargs):
        if facade.nothing_to_pay(total):
            return  # Oscar goes on to handle_order_placement
        basket = self.request.basket
        shipping_address = self.get_shipping_address(basket)
        shipping_method = self.get_shipping_method(basket, shipping_address)
        try:
            attempt, next_url = facade.start_payment(
                basket=basket,
                user=self.request.user,
                guest_email=self.checkout_session.get_guest_email(),
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
        self.checkout_session.set_order_number(attempt.order_number)
        raise RedirectRequired(next_url)

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        """Only orders that cost nothing get here (handle_payment redirects all others to PayPal)."""
        order = facade.place_free_order(
            basket=basket,
            user=user,
            guest_email=self.checkout_session.get_guest_email(),
            order_number=order_number,
            shipping_address=shipping_address,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            order_total=order_total,
        )
        return self.handle_successful_order(order)

    def send_order_placed_email(self, order):
        """Already queued by placement.write_order in the order's own transaction, as for PayPal orders."""
