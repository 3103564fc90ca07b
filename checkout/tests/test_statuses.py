"""The settings' order status pipeline spells exactly the statuses the checkout code uses."""

from checkout.order.statuses import CANCELLED, PAID, PAYMENT_PENDING, REFUNDED, SHIPPED


def test_the_status_settings_name_only_the_shops_statuses(settings):
    pipeline = settings.OSCAR_ORDER_STATUS_PIPELINE
    cascade = settings.OSCAR_ORDER_STATUS_CASCADE
    named = {settings.OSCAR_INITIAL_ORDER_STATUS, *pipeline, *cascade, *cascade.values()}
    named |= {status for next_statuses in pipeline.values() for status in next_statuses}

    assert named == {PAYMENT_PENDING, PAID, SHIPPED, CANCELLED, REFUNDED}
