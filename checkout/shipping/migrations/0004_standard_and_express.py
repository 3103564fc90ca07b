from decimal import Decimal

from django.conf import settings
from django.db import migrations


def create_methods(apps, schema_editor):
    OrderAndItemCharges = apps.get_model("shipping", "OrderAndItemCharges")
    OrderAndItemCharges.objects.get_or_create(
        code="standard",
        defaults={
            "name": "Standard",
            "description": "3–5 working days.",
            "price_per_order": Decimal("3.90"),
            "free_shipping_threshold": settings.SHOP_FREE_SHIPPING_THRESHOLD,
        },
    )
    OrderAndItemCharges.objects.get_or_create(
        code="express",
        defaults={"name": "Express", "description": "Next working day.", "price_per_order": Decimal("7.90")},
    )


class Migration(migrations.Migration):
    dependencies = [("shipping", "0003_auto_20181115_1953")]
    operations = [migrations.RunPython(create_methods, migrations.RunPython.noop)]
