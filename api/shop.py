"""Shop resources: the basket, checkout, orders, the newsletter and "me" (docs/api.md).

The basket is the site's own Oscar basket: `request.basket` from Oscar's BasketMiddleware (the
`oscar_open_basket` cookie for a guest, the user's open basket once signed in, by session or by
token), changed through Oscar's own basket methods and checked by the same strategy, so a line
added here shows on /basket/ and back. Checkout starts the same PayPal payment as the site's
"Pay with PayPal" button (`checkout.paypal.facade.start_payment`) and records the basket in the
caller's checkout session, so PayPal's return goes through the site's return view. Everything
here is personal: `private, no-store` (EDGE_CACHE_PRIVATE_PREFIXES).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer, inline_serializer
from oscar.core.loading import get_class, get_model
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.converters import MAX_ID
from api.errors import Conflict, Unprocessable
from api.policy import ApiPolicy
from catalogue.pages import BookPage
from checkout.paypal import facade
from checkout.paypal.client import PayPalUnavailable
from newsletters.forms import SIGNUP_SOURCES
from newsletters.models import Subscriber, Topic
from newsletters.subscriptions import request_subscription
from newsletters.tokens import read_manage_token

Applicator = get_class("offer.applicator", "Applicator")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
PaymentError = get_class("payment.exceptions", "PaymentError")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Voucher = get_model("voucher", "Voucher")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")

MONEY = {"max_digits": 12, "decimal_places": 2}


def money(value):
    return None if value is None else f"{value:.2f}"


# The basket ---------------------------------------------------------------------------------

BASKET_EXAMPLE = {
    "id": 17,
    "lines": [
        {
            "id": 31,
            "book": 42,
            "title": "Pride and Prejudice",
            "url": "https://shop.example/fiction/classics/pride-and-prejudice/",
            "quantity": 2,
            "unit_price": "8.99",
            "line_total": "17.98",
        }
    ],
    "num_items": 2,
    "vouchers": ["SPRING10"],
    "discounts": [{"name": "Spring voucher", "amount": "1.80"}],
    "subtotal": "17.98",
    "total": "16.18",
    "currency": "EUR",
    "shipping_options": [
        {"code": "standard", "name": "Standard", "charge": "3.90"},
        {"code": "express", "name": "Express", "charge": "7.90"},
    ],
}


class BasketLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    book = serializers.IntegerField(allow_null=True, help_text="The book's id (GET /api/v1/books/{id}/).")
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True)
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY, allow_null=True)
    line_total = serializers.DecimalField(**MONEY, allow_null=True)


class DiscountSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class ShippingOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    charge = serializers.DecimalField(**MONEY)


BASKET_ANSWER = OpenApiExample("A basket", value=BASKET_EXAMPLE, response_only=True, status_codes=["200", "201"])


@extend_schema_serializer(examples=[BASKET_ANSWER])
class BasketSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null until something is put in it.")
    lines = BasketLineSerializer(many=True)
    num_items = serializers.IntegerField()
    vouchers = serializers.ListField(child=serializers.CharField())
    discounts = DiscountSerializer(many=True)
    subtotal = serializers.DecimalField(**MONEY, help_text="Lines before offers and vouchers.")
    total = serializers.DecimalField(**MONEY, help_text="After offers and vouchers, before shipping.")
    currency = serializers.CharField()
    shipping_options = ShippingOptionSerializer(many=True)


def shipping_options(request, basket):
    methods = Repository().get_shipping_methods(basket, user=request.user, request=request)
    return [
        {"code": method.code, "name": method.name, "charge": method.calculate(basket).incl_tax} for method in methods
    ]


def basket_data(request, basket):
    books = dict(
        BookPage.objects.filter(product_id__in=[line.product_id for line in basket.all_lines()]).values_list(
            "product_id", "pk"
        )
    )
    lines = [
        {
            "id": line.pk,
            "book": books.get(line.product_id),
            "title": line.product.get_title(),
            "url": request.build_absolute_uri(line.product.get_absolute_url()),
            "quantity": line.quantity,
            "unit_price": money(line.unit_price_incl_tax),
            "line_total": money(line.line_price_incl_tax_incl_discounts),
        }
        for line in basket.all_lines()
    ]
    empty = basket.id is None
    return {
        "id": basket.id,
        "lines": lines,
        "num_items": basket.num_items,
        "vouchers": [] if empty else [voucher.code for voucher in basket.vouchers.all()],
        "discounts": [
            {"name": discount["name"], "amount": money(discount["discount"])}
            for discount in (basket.offer_discounts + basket.voucher_discounts if not empty else [])
        ],
        "subtotal": money(basket.total_incl_tax_excl_discounts if not empty else 0),
        "total": money(basket.total_incl_tax if not empty else 0),
        "currency": basket.currency or settings.OSCAR_DEFAULT_CURRENCY,
        "shipping_options": shipping_options(request, basket) if lines else [],
    }


class BasketMixin(ApiPolicy):
    """The caller's open basket, as the site's middleware found it for this request.

    Oscar's middleware loads it lazily, after DRF has authenticated the caller, so a token
    client gets their own basket; a guest's new basket gets the site's basket cookie."""

    def basket(self):
        return self.request._request.basket

    def saved_basket(self):
        basket = self.basket()
        if basket.id is None:
            basket.save()
        return basket

    def reapply_offers(self, basket):
        basket.reset_offer_applications()
        Applicator().apply(basket, self.request.user, self.request)

    def answer(self, basket, code=status.HTTP_200_OK):
        return Response(basket_data(self.request, basket), status=code)


class BasketView(BasketMixin, GenericAPIView):
    serializer_class = BasketSerializer

    @extend_schema(operation_id="basket_retrieve")
    def get(self, request, *args, **kwargs):
        """The caller's basket (the same one /basket/ shows), with totals after offers and shipping options."""
        return self.answer(self.basket())

    @extend_schema(operation_id="basket_create", request=None, responses={201: BasketSerializer})
    def post(self, request, *args, **kwargs):
        """Make sure the caller has a stored basket (a guest gets the basket cookie)."""
        return self.answer(self.saved_basket(), status.HTTP_201_CREATED)


class BasketByIdView(BasketMixin, GenericAPIView):
    serializer_class = BasketSerializer

    @extend_schema(operation_id="baskets_retrieve")
    def get(self, request, pk, *args, **kwargs):
        """A basket by id: only the caller's own; any other id is a 404."""
        basket = self.basket()
        if basket.id != pk:
            return self.not_found()
        return self.answer(basket)

    def not_found(self):
        from rest_framework.exceptions import NotFound

        raise NotFound("No such basket.")


ADD_EXAMPLE = OpenApiExample("Two copies", value={"book": 42, "quantity": 2}, request_only=True)


class AddLineSerializer(serializers.Serializer):
    book = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The book's id.")
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)


class QuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=1000, help_text="0 removes the line.")


def refuse_unless_purchasable(basket, product, total_quantity):
    """Oscar's own checks, as its basket form makes them: the shop's purchasable rule, the stock
    (copies not already held), and the basket's quantity limit."""
    allowed, message = basket.is_quantity_allowed(total_quantity)
    if not allowed:
        raise Unprocessable(str(message))
    info = basket.strategy.fetch_for_product(product)
    allowed, message = info.availability.is_purchase_permitted(total_quantity)
    if not allowed:
        raise Unprocessable(str(message))


class BasketLinesView(BasketMixin, GenericAPIView):
    serializer_class = AddLineSerializer

    @extend_schema(
        operation_id="basket_lines_create", examples=[ADD_EXAMPLE, BASKET_ANSWER], responses={201: BasketSerializer}
    )
    def post(self, request, *args, **kwargs):
        """Put copies of a book in the basket (added to a line already there), capped at the stock."""
        data = AddLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        book = BookPage.objects.live().filter(pk=data.validated_data["book"]).select_related("product").first()
        if book is None or book.product is None:
            raise Unprocessable("There is no book on sale with this id.")
        basket = self.basket()
        quantity = data.validated_data["quantity"]
        already = basket.line_quantity(book.product, basket.strategy.fetch_for_product(book.product).stockrecord)
        refuse_unless_purchasable(basket, book.product, already + quantity)
        basket = self.saved_basket()
        basket.add_product(book.product, quantity)
        self.reapply_offers(basket)
        return self.answer(basket, status.HTTP_201_CREATED)


class BasketLineView(BasketMixin, GenericAPIView):
    serializer_class = QuantitySerializer

    def line(self, pk):
        basket = self.basket()
        if basket.id is None:
            raise_not_found("No such line in your basket.")
        return get_object_or_404(Line.objects.select_related("product"), pk=pk, basket_id=basket.id)

    @extend_schema(
        operation_id="basket_lines_update",
        examples=[OpenApiExample("Three copies", value={"quantity": 3}, request_only=True), BASKET_ANSWER],
        responses=BasketSerializer,
    )
    def patch(self, request, pk, *args, **kwargs):
        """Change a line's quantity (0 removes it), capped at the stock. Another basket's line is a 404."""
        line = self.line(pk)
        data = QuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quantity = data.validated_data["quantity"]
        basket = self.basket()
        if quantity == 0:
            line.delete()
        else:
            if quantity > line.quantity:
                refuse_unless_purchasable(basket, line.product, quantity)
            line.quantity = quantity
            line.save(update_fields=["quantity"])
        basket._lines = None  # Oscar's cached lines
        self.reapply_offers(basket)
        return self.answer(basket)

    @extend_schema(operation_id="basket_lines_destroy", request=None, responses={200: BasketSerializer})
    def delete(self, request, pk, *args, **kwargs):
        """Remove a line. Another basket's line is a 404."""
        self.line(pk).delete()
        basket = self.basket()
        basket._lines = None
        self.reapply_offers(basket)
        return self.answer(basket)


def raise_not_found(detail):
    from rest_framework.exceptions import NotFound

    raise NotFound(detail)


class VoucherSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=128)


class BasketVouchersView(BasketMixin, GenericAPIView):
    serializer_class = VoucherSerializer

    @extend_schema(
        operation_id="basket_vouchers_create",
        examples=[OpenApiExample("A voucher", value={"code": "SPRING10"}, request_only=True), BASKET_ANSWER],
        responses=BasketSerializer,
    )
    def post(self, request, *args, **kwargs):
        """Apply a voucher, with the checks of the site's basket page; 422 says why one does not apply."""
        data = VoucherSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["code"].strip().upper()
        basket = self.basket()
        if basket.id is None or not basket.num_lines:
            raise Unprocessable("Your basket is empty.")
        voucher = Voucher._default_manager.filter(code=code).first()
        if voucher is None:
            raise Unprocessable(f"No voucher found with code '{code}'.")
        if basket.contains_voucher(code):
            raise Conflict(f"You have already added the '{code}' voucher to your basket.")
        if voucher.is_expired() or not voucher.is_active():
            raise Unprocessable(f"The '{code}' voucher is not active.")
        available, message = voucher.is_available_to_user(request.user)
        if not available:
            raise Unprocessable(str(message))
        basket.vouchers.add(voucher)
        self.reapply_offers(basket)
        if not any(discount["voucher"] == voucher for discount in basket.offer_applications):
            basket.vouchers.remove(voucher)
            self.reapply_offers(basket)
            raise Unprocessable("Your basket does not qualify for this voucher's discount.")
        return self.answer(basket)


# Checkout -----------------------------------------------------------------------------------


class AddressSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=255)
    last_name = serializers.CharField(max_length=255)
    line1 = serializers.CharField(max_length=255)
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line4 = serializers.CharField(max_length=255, help_text="City.")
    postcode = serializers.CharField(max_length=64)
    country = serializers.CharField(max_length=2, min_length=2, help_text="ISO 3166-1 alpha-2, e.g. DE.")

    def validate_country(self, value):
        country = Country.objects.filter(iso_3166_1_a2=value.upper(), is_shipping_country=True).first()
        if country is None:
            raise serializers.ValidationError("We do not ship to this country.")
        return country


CHECKOUT_EXAMPLE = {
    "email": "ada@example.com",
    "shipping_address": {"first_name": "Grace", "last_name": "Hopper", "line1": "7 Harbour Road", "line4": "Hamburg"}
    | {"postcode": "20095", "country": "DE"},
    "shipping_method": "standard",
}


class CheckoutSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, help_text="Required for guests: where the confirmation goes.")
    shipping_address = AddressSerializer()
    shipping_method = serializers.CharField(max_length=128, help_text="A code from the basket's shipping_options.")


class PaymentSerializer(serializers.Serializer):
    order_number = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    approve_url = serializers.URLField(help_text="Send the buyer here; PayPal returns them to the shop's return page.")


class CheckoutView(BasketMixin, GenericAPIView):
    serializer_class = CheckoutSerializer

    @extend_schema(
        operation_id="checkout_create",
        examples=[
            OpenApiExample("A guest checkout", value=CHECKOUT_EXAMPLE, request_only=True),
            OpenApiExample(
                "The payment",
                value={
                    "order_number": "100017",
                    "total": "21.88",
                    "currency": "EUR",
                    "approve_url": "https://www.paypal.com/checkoutnow?token=5O190127TN364715T",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
        responses={201: PaymentSerializer},
    )
    def post(self, request, *args, **kwargs):
        """Start paying the basket with PayPal, as the site's "Pay with PayPal" button does.

        The answer's approve_url is where the buyer approves the payment; PayPal then sends them
        to the shop's /checkout/paypal/return/, which captures and places the order (in the same
        browser session, or signed in as the same user)."""
        data = CheckoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        if not user.is_authenticated and not values.get("email"):
            raise serializers.ValidationError({"email": ["Guests give an email address."]})
        basket = self.basket()
        if basket.id is None or basket.is_empty:
            raise Unprocessable("Your basket is empty.")
        for line in basket.all_lines():
            refuse_unless_purchasable(basket, line.product, line.quantity)
        address_values = dict(values["shipping_address"])
        shipping_address = ShippingAddress(**address_values)
        methods = Repository().get_shipping_methods(basket, user=user, shipping_addr=shipping_address, request=request)
        method = next((method for method in methods if method.code == values["shipping_method"]), None)
        if method is None:
            raise serializers.ValidationError({"shipping_method": ["Not one of the basket's shipping options."]})
        charge = method.calculate(basket)
        total = OrderTotalCalculator(request).calculate(basket, charge)
        if facade.nothing_to_pay(total):
            raise Unprocessable("Nothing to pay: place this order on the site's checkout.")
        facade.freeze_for_payment(basket)
        try:
            attempt, approve_url = facade.start_payment(
                basket=basket,
                user=user,
                guest_email=values.get("email", ""),
                shipping_address=shipping_address,
                shipping_method=method,
                shipping_charge=charge,
                order_total=total,
                return_url=request.build_absolute_uri(reverse("checkout:paypal-return")),
                cancel_url=request.build_absolute_uri(reverse("checkout:paypal-cancel")),
            )
        except PayPalUnavailable as error:
            facade.release_basket(basket)
            raise PaymentUnavailable(str(error))
        except PaymentError as error:
            facade.release_basket(basket)
            raise Conflict(str(error))
        # What the site's return view checks: this session submitted this basket.
        session = CheckoutSessionData(request._request)
        session.set_submitted_basket(basket)
        session.set_order_number(attempt.order_number)
        if values.get("email"):
            session.set_guest_email(values["email"])
        return Response(
            {
                "order_number": attempt.order_number,
                "total": money(attempt.amount),
                "currency": attempt.currency,
                "approve_url": approve_url,
            },
            status=status.HTTP_201_CREATED,
        )


class PaymentUnavailable(Conflict):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


# Orders -------------------------------------------------------------------------------------

ORDER_EXAMPLE = {
    "number": "100017",
    "status": "Paid",
    "placed": "2026-11-30T10:15:00Z",
    "email": "ada@example.com",
    "lines": [{"title": "Pride and Prejudice", "quantity": 2, "line_total": "17.98"}],
    "shipping_method": "Standard",
    "shipping": "3.90",
    "total": "21.88",
    "currency": "EUR",
}


class OrderLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(**MONEY)


@extend_schema_serializer(examples=[OpenApiExample("An order", value=ORDER_EXAMPLE, response_only=True)])
class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    placed = serializers.DateTimeField()
    email = serializers.EmailField()
    lines = OrderLineSerializer(many=True)
    shipping_method = serializers.CharField()
    shipping = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()


def order_data(order):
    return {
        "number": order.number,
        "status": order.status,
        "placed": order.date_placed,
        "email": order.email,
        "lines": [
            {"title": line.title, "quantity": line.quantity, "line_total": money(line.line_price_incl_tax)}
            for line in order.lines.all()
        ],
        "shipping_method": order.shipping_method,
        "shipping": money(order.shipping_incl_tax),
        "total": money(order.total_incl_tax),
        "currency": order.currency,
    }


class OrderListView(ApiPolicy, GenericAPIView):
    serializer_class = OrderSerializer

    @extend_schema(
        operation_id="orders_list",
        responses=OrderSerializer(many=True),
        examples=[OpenApiExample("My orders", value=[ORDER_EXAMPLE], response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        """The signed-in caller's orders, newest first (the last 50). Guests: 401."""
        if not request.user.is_authenticated:
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated("Sign in to list your orders; guests look an order up by number and email.")
        orders = Order.objects.filter(user=request.user).prefetch_related("lines").order_by("-date_placed")[:50]
        return Response([order_data(order) for order in orders])


class OrderLookupSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, help_text="The order's email; not needed for your own orders.")


class OrderDetailView(ApiPolicy, GenericAPIView):
    serializer_class = OrderSerializer

    @extend_schema(operation_id="orders_retrieve", parameters=[OrderLookupSerializer])
    def get(self, request, number, *args, **kwargs):
        """One order: your own by number when signed in, or by number plus the order's email.
        Anything else, another customer's order included, is a 404."""
        lookup = OrderLookupSerializer(data=request.query_params)
        lookup.is_valid(raise_exception=True)
        orders = Order.objects.prefetch_related("lines").filter(number=number)
        email = lookup.validated_data.get("email")
        mine = orders.filter(user=request.user).first() if request.user.is_authenticated else None
        order = mine or (orders.filter(guest_email__iexact=email).first() if email else None)
        if order is None and email:
            order = orders.filter(user__email__iexact=email, user__isnull=False).first()
            if order is not None and request.user.is_authenticated and order.user_id != request.user.pk:
                order = None
        if order is None:
            raise_not_found("No order with this number and email.")
        return Response(order_data(order))


# Newsletter ---------------------------------------------------------------------------------

NEUTRAL_ANSWER = (
    "If this address can receive our newsletter, a message is on its way to it: follow its link to confirm."
)


class SubscribeSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    source = serializers.CharField(required=False, max_length=20, default="api")


class NewsletterView(ApiPolicy, GenericAPIView):
    serializer_class = SubscribeSerializer

    @extend_schema(
        operation_id="newsletter_subscribe",
        examples=[
            OpenApiExample("Subscribe", value={"email": "ada@example.com"}, request_only=True),
            OpenApiExample(
                "Always this answer", value={"detail": NEUTRAL_ANSWER}, response_only=True, status_codes=["202"]
            ),
        ],
        responses={202: inline_serializer("SubscribeAnswer", {"detail": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        """Double opt-in, as the site's form: the same answer whether or not the address is known;
        the confirmation link (or a link to the preferences) goes to the address only."""
        data = SubscribeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = data.validated_data["source"]
        with transaction.atomic():
            request_subscription(
                data.validated_data["email"],
                source=source if source in SIGNUP_SOURCES else "api",
                request=request._request,
            )
        return Response({"detail": NEUTRAL_ANSWER}, status=status.HTTP_202_ACCEPTED)


PREFERENCES_EXAMPLE = {
    "email": "ada@example.com",
    "status": "confirmed",
    "name": "Ada",
    "topics": [{"id": 1, "name": "New crime fiction", "chosen": True}],
}


class TopicChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    chosen = serializers.BooleanField()


@extend_schema_serializer(examples=[OpenApiExample("Preferences", value=PREFERENCES_EXAMPLE, response_only=True)])
class PreferencesSerializer(serializers.Serializer):
    email = serializers.EmailField()
    status = serializers.CharField()
    name = serializers.CharField()
    topics = TopicChoiceSerializer(many=True)


class PreferencesChangeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, allow_blank=True)
    topics = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), many=True)


class PreferencesView(ApiPolicy, GenericAPIView):
    """A subscriber's preferences, by the signed token of the link in every newsletter (the same
    token as the site's preferences page, newsletters.tokens.manage_token)."""

    serializer_class = PreferencesChangeSerializer

    def subscriber(self, token):
        try:
            subscriber_id = read_manage_token(token)
        except (signing.BadSignature, ValueError):
            raise_not_found("This preferences link is not valid.")
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None:
            raise_not_found("This preferences link is not valid.")
        return subscriber

    def answer(self, subscriber):
        chosen = set(subscriber.topics.values_list("pk", flat=True))
        return Response(
            {
                "email": subscriber.email,
                "status": subscriber.status,
                "name": subscriber.name,
                "topics": [
                    {"id": topic.pk, "name": topic.name, "chosen": topic.pk in chosen}
                    for topic in Topic.objects.order_by("name")
                ],
            }
        )

    @extend_schema(operation_id="newsletter_preferences_retrieve", responses=PreferencesSerializer)
    def get(self, request, token, *args, **kwargs):
        """The name and topics of the subscriber the token names."""
        return self.answer(self.subscriber(token))

    @extend_schema(
        operation_id="newsletter_preferences_update",
        examples=[
            OpenApiExample("Change", value={"name": "Ada", "topics": [1]}, request_only=True),
            OpenApiExample("Preferences", value=PREFERENCES_EXAMPLE, response_only=True),
        ],
        responses=PreferencesSerializer,
    )
    def put(self, request, token, *args, **kwargs):
        """Set the greeting name and the topics, as the site's preferences page does."""
        subscriber = self.subscriber(token)
        data = PreferencesChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscriber.name = data.validated_data["name"]
        subscriber.save(update_fields=["name"])
        subscriber.topics.set(data.validated_data["topics"])
        return self.answer(subscriber)


# Me -----------------------------------------------------------------------------------------

ME_EXAMPLE = {
    "authenticated": True,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "is_staff": False,
    "basket_count": 2,
}


@extend_schema_serializer(examples=[OpenApiExample("Signed in", value=ME_EXAMPLE, response_only=True)])
class MeSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    name = serializers.CharField()
    email = serializers.CharField()
    is_staff = serializers.BooleanField()
    basket_count = serializers.IntegerField()


class MeView(BasketMixin, GenericAPIView):
    serializer_class = MeSerializer

    @extend_schema(operation_id="me_retrieve")
    def get(self, request, *args, **kwargs):
        """Who is calling: signed in (session or token) or not, and how many items their basket holds."""
        user = request.user
        signed_in = user.is_authenticated
        basket = self.basket()
        return Response(
            {
                "authenticated": signed_in,
                "name": (user.get_full_name() or user.get_username()) if signed_in else "",
                "email": user.email if signed_in else "",
                "is_staff": signed_in and user.is_staff,
                "basket_count": basket.num_items if basket.id else 0,
            }
        )


urlpatterns = [
    path("basket/", BasketView.as_view(), name="basket"),
    path("basket/lines/", BasketLinesView.as_view(), name="basket-lines"),
    path("basket/lines/<row_id:pk>/", BasketLineView.as_view(), name="basket-line"),
    path("basket/vouchers/", BasketVouchersView.as_view(), name="basket-vouchers"),
    path("baskets/<row_id:pk>/", BasketByIdView.as_view(), name="basket-by-id"),
    path("checkout/", CheckoutView.as_view(), name="checkout"),
    path("orders/", OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", OrderDetailView.as_view(), name="order-detail"),
    path("newsletter/subscriptions/", NewsletterView.as_view(), name="newsletter-subscribe"),
    path("newsletter/preferences/<str:token>/", PreferencesView.as_view(), name="newsletter-preferences"),
    path("me/", MeView.as_view(), name="me"),
]
