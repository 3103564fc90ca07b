import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "checkout.order"

    def ready(self):
        super().ready()
        from checkout.order import receivers  # noqa: F401  (connects the status emails)
