"""Payment event types the PayPal flow records; staff pick "Refunded" in the dashboard to refund."""

from django.db import migrations


def create_event_types(apps, schema_editor):
    PaymentEventType = apps.get_model("order", "PaymentEventType")
    for code, name in [("paid", "Paid"), ("payment-pending", "Payment pending"), ("refunded", "Refunded")]:
        PaymentEventType.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("checkout", "0002_shipping_countries"), ("order", "0021_billingaddress_code_shippingaddress_code")]
    operations = [migrations.RunPython(create_event_types, migrations.RunPython.noop)]
