"""PayPal payment records beside Oscar's checkout (docs/design.md §5).

A PaymentAttempt binds one PayPal order to one frozen basket, the amount and currency we
expect, and the Oscar order number (sent to PayPal as invoice_id). Unique constraints make a
second order for the same PayPal order impossible, whatever retries, webhooks or reconciliation
runs happen at once.
"""

import uuid

from django.conf import settings
from django.db import models


class PaymentAttempt(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Waiting for the buyer at PayPal"
        ALLOCATED = "allocated", "Stock held, capture under way"
        PLACED = "placed", "Order placed"
        REFUSED = "refused", "Refused: not enough stock, nothing captured"
        DECLINED = "declined", "Declined by PayPal, nothing captured"
        CANCELLED = "cancelled", "Cancelled by the buyer"
        EXPIRED = "expired", "Never approved, basket released"
        REFUNDED = "refunded", "Captured but unplaceable, refunded"
        SUPERSEDED = "superseded", "Replaced by a newer attempt for the same basket, never captured"
        REPRICED = "repriced", "Basket total changed before capture, nothing captured"
        VOIDED = "voided", "Closed for good: checked at PayPal, never captured"

    # The basket is being paid through this attempt; at most one per basket (see Meta).
    LIVE_STATES = {State.CREATED, State.ALLOCATED}
    # Closed by the shop while the buyer may still approve at PayPal: never captured, and
    # reconciliation voids them (refunding any capture PayPal reports anyway).
    TO_VOID_STATES = {State.SUPERSEDED, State.REPRICED}
    # States after which nothing more happens to the attempt.
    FINAL_STATES = {
        State.PLACED,
        State.REFUSED,
        State.DECLINED,
        State.CANCELLED,
        State.EXPIRED,
        State.REFUNDED,
        State.VOIDED,
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    basket = models.ForeignKey("basket.Basket", on_delete=models.PROTECT, related_name="paypal_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    guest_email = models.EmailField(blank=True)
    order_number = models.CharField(max_length=128, unique=True, help_text="Oscar order number = PayPal invoice_id.")
    paypal_order_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    approve_url = models.URLField(max_length=2048, blank=True, help_text="Where every click on Pay is sent.")
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Expected total, computed on the server.")
    currency = models.CharField(max_length=3)
    shipping_method_code = models.CharField(max_length=128)
    shipping_address = models.JSONField(default=dict, blank=True, help_text="Address fields for the order.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CREATED, db_index=True)
    capture_id = models.CharField(max_length=64, blank=True)
    capture_status = models.CharField(max_length=32, blank=True)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="paypal_attempt"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Backs up facade.start_payment's basket row lock: one basket is never paid twice.
            models.UniqueConstraint(
                fields=["basket"],
                condition=models.Q(state__in=["created", "allocated"]),
                name="one_live_payment_attempt_per_basket",
            )
        ]

    def __str__(self):
        return f"PayPal {self.paypal_order_id or '-'} for order {self.order_number} ({self.state})"

    @property
    def create_request_id(self):
        return f"create-{self.id}"

    @property
    def capture_request_id(self):
        return f"capture-{self.paypal_order_id}"


class WebhookEvent(models.Model):
    """A verified PayPal webhook; the unique event id makes every replay a no-op."""

    event_id = models.CharField(max_length=128, unique=True)
    event_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class PayPalRefund(models.Model):
    """A refund, written before PayPal is called so its id is a stable PayPal-Request-Id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="paypal_refunds")
    capture_id = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    paypal_refund_id = models.CharField(max_length=64, blank=True, null=True, unique=True)
    status = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Refund {self.amount} {self.currency} of {self.capture_id} ({self.status or 'requested'})"

    @property
    def request_id(self):
        return f"refund-{self.id}"


from oscar.apps.checkout.models import *  # noqa: E402, F403
