"""Where PayPal sends the buyer back: approve → capture and place the order; cancel → basket back."""

import logging

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.views import View
from oscar.core.loading import get_class, get_classes

from checkout.models import PaymentAttempt
from checkout.order import placement
from checkout.paypal import facade

logger = logging.getLogger("checkout.paypal")

OrderPlacementMixin = get_class("checkout.mixins", "OrderPlacementMixin")
PaymentError, UnableToTakePayment = get_classes("payment.exceptions", ["PaymentError", "UnableToTakePayment"])


class PayPalAttemptMixin(OrderPlacementMixin):
    def get_attempt(self):
        """The attempt named by PayPal's `token`, only if it belongs to this visitor's checkout."""
        token = self.request.GET.get("token", "")
        attempt = (
            PaymentAttempt.objects.filter(paypal_order_id=token).select_related("basket").first() if token else None
        )
        if attempt is None:
            return None
        session = self.request.session
        owned = (
            self.checkout_session.get_submitted_basket_id() == attempt.basket_id
            or (attempt.order_id is not None and session.get("checkout_order_id") == attempt.order_id)
            or (self.request.user.is_authenticated and attempt.user_id == self.request.user.pk)
        )
        return attempt if owned else None

    def give_basket_back(self, attempt):
        """The attempt's basket becomes the buyer's open basket again, unless another attempt is paying it."""
        basket = attempt.basket
        if not facade.release_basket(basket):
            return
        if self.request.basket.id != basket.id:
            if self.request.basket.id:
                basket.merge(self.request.basket)
            basket.strategy = self.request.basket.strategy
            self.request.basket = basket

    def thank_you(self, order):
        self.checkout_session.flush()
        self.request.session["checkout_order_id"] = order.id
        return redirect("checkout:thank-you")


class PayPalReturnView(PayPalAttemptMixin, View):
    def get(self, request):
        attempt = self.get_attempt()
        if attempt is None:
            return HttpResponseBadRequest("This PayPal payment is unknown or belongs to another checkout.")
        if attempt.state == PaymentAttempt.State.PLACED:
            return self.thank_you(attempt.order)
        try:
            attempt = facade.complete_attempt(attempt.pk)
        except facade.OutOfStock as error:
            self.give_basket_back(attempt)
            messages.error(request, str(error))
            return redirect("basket:summary")
        except placement.TotalChanged as error:
            self.give_basket_back(attempt)
            messages.error(request, str(error))
            return redirect("checkout:preview")  # the new total, and the Pay button
        except facade.AttemptClosed as error:
            self.give_basket_back(attempt)
            messages.error(request, str(error))
            return redirect("basket:summary")
        except facade.CaptureNotConfirmed as error:
            messages.warning(request, str(error))
            return redirect("basket:summary")
        except UnableToTakePayment as error:
            self.give_basket_back(attempt)
            messages.error(request, str(error))
            return redirect("checkout:preview")
        except PaymentError as error:
            logger.error("PayPal return for attempt %s failed: %s", attempt.pk, getattr(error, "issue", error))
            attempt.refresh_from_db()
            if attempt.state == PaymentAttempt.State.CREATED:
                self.give_basket_back(attempt)
            messages.error(request, str(error))
            return redirect("checkout:preview")
        return self.thank_you(attempt.order)


class PayPalCancelView(PayPalAttemptMixin, View):
    def get(self, request):
        attempt = self.get_attempt()
        if attempt is None:
            return HttpResponseBadRequest("This PayPal payment is unknown or belongs to another checkout.")
        attempt = facade.cancel_attempt(attempt)
        if attempt.state == PaymentAttempt.State.CANCELLED:
            self.give_basket_back(attempt)
            messages.info(
                request, "You cancelled the payment at PayPal. Nothing was charged; your basket is unchanged."
            )
        return redirect("checkout:preview")
