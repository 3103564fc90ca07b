"""Oscar's order EventHandler: a "Refunded" payment event from the dashboard refunds at PayPal."""

from django.db import transaction
from oscar.apps.order import processing

from checkout.paypal import facade


class EventHandler(processing.EventHandler):
    def handle_payment_event(self, order, event_type, amount, lines=None, line_quantities=None, **kwargs):
        if event_type.code != "refunded":
            return super().handle_payment_event(order, event_type, amount, lines, line_quantities, **kwargs)
        # Raises PaymentError (shown to staff) when PayPal refuses; nothing is recorded then.
        refund = facade.refund(order, amount)
        source = order.sources.get(source_type__code="paypal")
        if source.amount_available_for_refund <= 0 and "Refunded" in order.available_statuses():
            order.set_status("Refunded")  # order_status_changed sends the status email
        from checkout.tasks import send_order_email

        transaction.on_commit(
            lambda: send_order_email.delay(order.pk, "ORDER_REFUNDED", {"refund_amount": str(refund.amount)}),
            robust=True,
        )
        return refund
