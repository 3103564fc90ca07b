"""Shop resources: basket, checkout, orders, newsletter and "me" (docs/api.md)."""

urlpatterns = []
