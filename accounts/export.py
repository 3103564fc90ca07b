""" "Export my data": what the shop holds about one account, as JSON (docs/accounts.md).

Money is written as decimal strings ("12.50"), never as floats.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from oscar.core.loading import get_model

from accounts.erasure import own_addresses

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")
ProductReview = get_model("reviews", "ProductReview")
Subscriber = get_model("newsletters", "Subscriber")


def moment(value):
    return value.isoformat() if value else None


def address_data(address):
    if address is None:
        return None
    return {
        "name": address.name,
        "lines": [line for line in address.active_address_fields()],
        "phone_number": str(getattr(address, "phone_number", "") or ""),
    }


def order_data(order):
    return {
        "number": order.number,
        "placed_at": moment(order.date_placed),
        "status": order.status,
        "currency": order.currency,
        "total_excl_tax": str(order.total_excl_tax),
        "total_incl_tax": str(order.total_incl_tax),
        "shipping_incl_tax": str(order.shipping_incl_tax),
        "shipping_method": order.shipping_method,
        "shipping_address": address_data(order.shipping_address),
        "billing_address": address_data(order.billing_address),
        "lines": [
            {
                "title": line.title,
                "upc": line.upc,
                "quantity": line.quantity,
                "unit_price_incl_tax": str(line.unit_price_incl_tax),
                "line_price_incl_tax": str(line.line_price_incl_tax),
            }
            for line in order.lines.all()
        ],
    }


def account_data(user):
    subscribers = Subscriber.objects.filter(user=user) | Subscriber.objects.filter(email__in=own_addresses(user))
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined_at": moment(user.date_joined),
            "last_sign_in_at": moment(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "connected_accounts": [
            {"provider": account.provider, "uid": account.uid} for account in SocialAccount.objects.filter(user=user)
        ],
        "addresses": [
            {**address_data(address), "default_for_shipping": address.is_default_for_shipping}
            for address in UserAddress.objects.filter(user=user).order_by("pk")
        ],
        "orders": [
            order_data(order)
            for order in Order.objects.filter(user=user)
            .select_related("shipping_address", "billing_address")
            .prefetch_related("lines")
            .order_by("date_placed")
        ],
        "newsletter_subscriptions": [
            {
                "email": subscriber.email,
                "status": subscriber.status,
                "topics": [topic.name for topic in subscriber.topics.all()],
                "confirmed_at": moment(subscriber.confirmed_at),
            }
            for subscriber in subscribers.distinct().order_by("email")
        ],
        "reviews": [
            {
                "book": review.product.title if review.product else None,
                "score": review.score,
                "title": review.title,
                "body": review.body,
                "status": review.get_status_display(),
                "written_at": moment(review.date_created),
            }
            for review in ProductReview.objects.filter(user=user).select_related("product").order_by("date_created")
        ],
    }
