"""Closing an account: personal data goes, the money records stay (docs/accounts.md).

Orders, their lines and totals, payments and refunds are the shop's accounts, which the law has
us keep for years; they stay, with nothing left in them that names the customer. The user row is
deactivated and anonymised rather than deleted: deleting it would cascade into Oscar's baskets,
which the PayPal payment attempts protect.
"""

import uuid

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.db.models import Q
from oscar.core.loading import get_model

Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
UserAddress = get_model("address", "UserAddress")
WishList = get_model("wishlists", "WishList")
ProductReview = get_model("reviews", "ProductReview")
ProductAlert = get_model("customer", "ProductAlert")
CustomerEmail = get_model("communication", "Email")
PaymentAttempt = get_model("checkout", "PaymentAttempt")
Subscriber = get_model("newsletters", "Subscriber")

PLACEHOLDER = "Deleted customer"

# What an order's addresses keep: the country (for tax and shipping figures), nothing personal.
ANONYMOUS_ADDRESS = {
    "title": "",
    "first_name": PLACEHOLDER,
    "last_name": "",
    "line1": PLACEHOLDER,
    "line2": "",
    "line3": "",
    "line4": "",
    "state": "",
    "postcode": "",
    "search_text": "",
}


def own_addresses(user):
    """The addresses this user proved are theirs: a newsletter subscription or a guest order under
    an unverified address may belong to someone else."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in [user.email, *verified] if address}


@transaction.atomic
def erase_account(user):
    addresses = own_addresses(user)
    orders = Order.objects.filter(user=user)
    ShippingAddress.objects.filter(order__in=orders).update(**ANONYMOUS_ADDRESS, phone_number="", notes="")
    BillingAddress.objects.filter(order__in=orders).update(**ANONYMOUS_ADDRESS)
    attempts = PaymentAttempt.objects.filter(Q(user=user) | Q(order__in=orders))
    attempts.update(user=None, guest_email="", shipping_address={})
    orders.update(user=None, guest_email="")

    subscriptions = Q(user=user)
    for address in addresses:
        subscriptions |= Q(email__iexact=address)
    Subscriber.objects.filter(subscriptions).delete()
    UserAddress.objects.filter(user=user).delete()
    WishList.objects.filter(owner=user).delete()
    ProductReview.objects.filter(user=user).delete()
    ProductAlert.objects.filter(user=user).delete()
    CustomerEmail.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()

    user.username = f"deleted-{uuid.uuid4().hex}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # A new password hash also ends every session the user has elsewhere (Django checks the
    # session's hash of the password on each request).
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
