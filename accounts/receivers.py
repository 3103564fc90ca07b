"""Guest orders join the account once the customer proves the address is theirs (docs/accounts.md)."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver
from oscar.core.loading import get_model

Order = get_model("order", "Order")


@receiver(email_confirmed, dispatch_uid="accounts.attach_guest_orders")
def attach_guest_orders(request, email_address, **kwargs):
    """Only a confirmed address: anyone can sign up with someone else's, and must not see their orders."""
    Order.objects.filter(user__isnull=True, guest_email__iexact=email_address.email).update(
        user=email_address.user, guest_email=""
    )
