"""The staff operations panel in the Wagtail admin: a fortnight of orders, revenue and mail, and
what needs an operator now (stuck payments, the outbox), as bar charts drawn on the server."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

DAYS = 14
WIDTH, HEIGHT, AXIS = 640, 180, 24


def bar_chart(title, bars, unit=""):
    """An inline SVG bar chart: `bars` is [(label, value)]; each bar has a tooltip with its value."""
    highest = max((value for _, value in bars), default=0)
    top = highest or 1
    step = WIDTH / max(len(bars), 1)
    width = max(step - 4, 2)

    def bar(index, label, value):
        height = (HEIGHT - AXIS) * float(value) / float(top)
        x, y = index * step + 2, HEIGHT - AXIS - height
        numbers = [f"{number:.1f}" for number in (x, y, width, height, x + width / 2)]
        short = label[5:] if len(label) == 10 and label[4] == "-" else label  # 2026-12-01 -> 12-01
        return (*numbers[:4], label, value, unit, numbers[4], HEIGHT - 8, short)

    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="#007d7e">'
        "<title>{}: {}{}</title></rect>"
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text></g>',
        (bar(index, label, value) for index, (label, value) in enumerate(bars)),
    )
    return format_html(
        '<figure class="ops-chart"><figcaption>{} (highest: {}{})</figcaption>'
        '<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" height="{}">{}'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#888"/></svg></figure>',
        title,
        highest,
        unit,
        title,
        WIDTH,
        HEIGHT,
        HEIGHT,
        body,
        HEIGHT - AXIS,
        WIDTH,
        HEIGHT - AXIS,
    )


CENTS = Decimal("0.01")


def per_day(queryset, field, days, **aggregates):
    """{date: {name: value}} for the rows of `queryset` whose `field` falls on one of `days`."""
    rows = (
        queryset.filter(**{f"{field}__date__gte": days[0]})
        .annotate(day=TruncDate(field))
        .values("day")
        .annotate(**aggregates)
    )
    return {row["day"]: row for row in rows}


def ops_panel(request):
    if not request.user.is_staff:
        raise PermissionDenied
    today = timezone.now().date()
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    labels = [day.isoformat() for day in days]

    Order = apps.get_model("order", "Order")
    orders = per_day(Order.objects.all(), "date_placed", days, n=Count("pk"), revenue=Sum("total_incl_tax"))
    OutboxEmail = apps.get_model("outbox", "OutboxEmail")
    mail = per_day(OutboxEmail.objects.filter(state=OutboxEmail.State.SENT), "sent_at", days, n=Count("pk"))
    Delivery = apps.get_model("newsletters", "Delivery")
    newsletters = per_day(Delivery.objects.filter(status=Delivery.Status.SENT), "sent_at", days, n=Count("pk"))

    PaymentAttempt = apps.get_model("checkout", "PaymentAttempt")
    cutoff = timezone.now() - timedelta(seconds=settings.PAYPAL_RECONCILE_AFTER_SECONDS)
    stuck = dict(
        PaymentAttempt.objects.filter(state__in=PaymentAttempt.LIVE_STATES, updated_at__lt=cutoff)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    outbox = dict(
        OutboxEmail.objects.exclude(state=OutboxEmail.State.SENT).values_list("state").annotate(n=Count("pk"))
    )

    def series(table, key="n"):
        return [(label, (table.get(day) or {}).get(key) or 0) for label, day in zip(labels, days, strict=True)]

    charts = [
        bar_chart("Orders per day", series(orders)),
        bar_chart(
            "Revenue per day",
            # Two decimals whatever the database returns (SQLite's sum drops the field's scale).
            [(label, Decimal(value).quantize(CENTS)) for label, value in series(orders, "revenue")],
            f" {settings.OSCAR_DEFAULT_CURRENCY}",
        ),
        bar_chart("Shop emails sent per day", series(mail)),
        bar_chart("Newsletter emails sent per day", series(newsletters)),
        bar_chart(
            "Payment attempts stuck past reconciliation",
            [(state, stuck.get(state, 0)) for state in sorted(PaymentAttempt.LIVE_STATES)],
        ),
        bar_chart(
            "Outbox: emails waiting or given up",
            [(state, outbox.get(state, 0)) for state in (OutboxEmail.State.PENDING, OutboxEmail.State.FAILED)],
        ),
    ]
    return TemplateResponse(
        request,
        "operations/admin/panel.html",
        {"charts": charts, "header_title": "Operations", "page_title": "Operations", "header_icon": "table"},
    )
