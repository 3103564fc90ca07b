default_app_config = "checkout.order.apps.OrderConfig"
