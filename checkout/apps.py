import oscar.apps.checkout.apps as apps
from django.urls import path
from django.views.decorators.cache import never_cache


class CheckoutConfig(apps.CheckoutConfig):
    name = "checkout"

    def ready(self):
        super().ready()
        from checkout.paypal import views, webhooks

        self.paypal_return_view = views.PayPalReturnView
        self.paypal_cancel_view = views.PayPalCancelView
        self.paypal_webhook_view = webhooks.webhook

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls(
            [
                # PayPal sends the buyer back here (GET ?token=<order id>&PayerID=...).
                path("paypal/return/", never_cache(self.paypal_return_view.as_view()), name="paypal-return"),
                path("paypal/cancel/", never_cache(self.paypal_cancel_view.as_view()), name="paypal-cancel"),
                path("paypal/webhook/", self.paypal_webhook_view, name="paypal-webhook"),
            ]
        )
        return urls
