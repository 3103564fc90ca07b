"""Oscar's order EventHandler: a "Refunded" payment event from the dashboard refunds at PayPal."""

from oscar.apps.order import processing

from checkout.order.statuses import REFUNDED
from checkout.order.tasks import email_after_commit
from checkout.paypal import facade
from checkout.paypal.source import paypal_source


class EventHandler(processing.EventHandler):
    def handle_payment_event(self, order, event_type, amount, lines=None, line_quantities=None, **kwargs):
        if event_type.code != "refunded":
            return super().handle_payment_event(order, event_type, amount, lines, line_quantities, **kwargs)
        # Raises PaymentError (shown to staff) when PayPal refuses; nothing is recorded then.
        refund = facade.refund(order, amount)
        if paypal_source(order).amount_available_for_refund <= 0 and REFUNDED in order.available_statuses():
            order.set_status(REFUNDED)  # order_status_changed sends the status email
        email_after_commit(order, "ORDER_REFUNDED", {"refund_amount": str(refund.amount)})
        return refund
