"""Payment event types the PayPal flow records; staff pick "Refunded" in the dashboard to refund."""

from django.db import migrations

from checkout.defaults import create_payment_event_types


class Migration(migrations.Migration):
    dependencies = [("checkout", "0002_shipping_countries"), ("order", "0021_billingaddress_code_shippingaddress_code")]
    operations = [
        migrations.RunPython(lambda apps, schema_editor: create_payment_event_types(apps), migrations.RunPython.noop)
    ]
