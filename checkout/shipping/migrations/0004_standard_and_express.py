from django.db import migrations

from checkout.defaults import create_shipping_methods


class Migration(migrations.Migration):
    dependencies = [("shipping", "0003_auto_20181115_1953")]
    operations = [
        migrations.RunPython(lambda apps, schema_editor: create_shipping_methods(apps), migrations.RunPython.noop)
    ]
