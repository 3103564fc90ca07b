"""Oscar's order EventHandler, forked: what staff do in /dashboard/ moves money and stock for real.

- A "Refunded" payment event refunds at PayPal (checkout/paypal/facade.py); refunding whole lines
  gives their copies back to stock, and refunding everything that was paid makes the order
  "Refunded".
- "Cancelled" first refunds what is left of the payment through the same facade.refund; if PayPal
  refuses, the order stays as it was and staff see why.
- "Refunded" cannot be set by hand: only a refund reaches it.
- A shipping event consumes the shipped copies' allocation.

What a status change does to stock and which email it sends is in checkout/order/receivers.py, so
PayPal's webhooks get the same rules. Each line's own allocation record (Line.num_allocated,
Line.allocation_cancelled) makes releasing or consuming twice a no-op.
"""

from django.db import transaction
from oscar.apps.order import processing
from oscar.core.loading import get_class, get_model

from checkout.order.statuses import CANCELLED, REFUNDED
from checkout.order.tasks import queue_order_email
from checkout.paypal import facade
from checkout.paypal.source import paypal_source, refundable_amount, refunded_amount

Order = get_model("order", "Order")
Line = get_model("order", "Line")
PaymentError = get_class("payment.exceptions", "PaymentError")

REFUND_FIRST = (
    'An order becomes "Refunded" only by refunding its payment: under "Payment events" choose '
    '"Refunded" and the amount. Nothing was changed.'
)


class EventHandler(processing.EventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        if new_status == REFUNDED:
            raise PaymentError(REFUND_FIRST)
        if new_status == CANCELLED and new_status in order.available_statuses():
            left = refundable_amount(order)
            if left > 0:  # raises PaymentError (shown to staff, order unchanged) if PayPal does not refund
                facade.refund(order, left, note=f"Your order {order.number} was cancelled.")
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            super().handle_order_status_change(locked, new_status, note_msg)
        order.refresh_from_db()

    def handle_payment_event(self, order, event_type, amount, lines=None, line_quantities=None, **kwargs):
        if event_type.code != "refunded":
            return super().handle_payment_event(order, event_type, amount, lines, line_quantities, **kwargs)
        self.validate_payment_event(order, event_type, amount, lines, line_quantities)
        refund = facade.refund(order, amount, lines=lines or (), line_quantities=line_quantities or ())
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            if lines:
                self.cancel_stock_allocations(order, lines, line_quantities)
            if refunded_amount(order) >= paypal_source(order).amount_debited and REFUNDED in order.available_statuses():
                order.set_status(REFUNDED)  # its status email says what was refunded
            else:
                queue_order_email(order, "ORDER_REFUNDED", {"refund_amount": str(refund.amount)})
        return refund

    def handle_shipping_event(self, order, event_type, lines, line_quantities, **kwargs):
        with transaction.atomic():
            event = super().handle_shipping_event(order, event_type, lines, line_quantities, **kwargs)
            self.consume_stock_allocations(order, lines, line_quantities)
        return event

    # Stock: Oscar's two calls, bounded by what each line still holds, so a repeat changes nothing.

    def cancel_stock_allocations(self, order, lines=None, line_quantities=None):
        with transaction.atomic():
            for line, quantity in self._still_held(order, lines, line_quantities):
                line.cancel_allocation(quantity)

    def consume_stock_allocations(self, order, lines=None, line_quantities=None):
        with transaction.atomic():
            for line, quantity in self._still_held(order, lines, line_quantities):
                line.consume_allocation(quantity)

    def _still_held(self, order, lines, line_quantities):
        """(locked line, quantity) for each line's allocation still held, at most the quantity asked."""
        if not lines:
            lines = list(order.lines.all())
            line_quantities = [line.quantity for line in lines]
        for line, quantity in zip(lines, line_quantities, strict=True):
            locked = Line.objects.select_for_update().get(pk=line.pk)
            held = 0 if locked.allocation_cancelled or locked.stockrecord_id is None else locked.num_allocated
            if min(quantity, held) > 0:
                yield locked, min(quantity, held)
