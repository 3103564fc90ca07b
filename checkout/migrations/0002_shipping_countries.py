"""Countries the shop ships to, so checkout works on a fresh database."""

from django.db import migrations

from checkout.defaults import create_countries


class Migration(migrations.Migration):
    dependencies = [("checkout", "0001_initial"), ("address", "0007_useraddress_code")]
    operations = [migrations.RunPython(lambda apps, schema_editor: create_countries(apps), migrations.RunPython.noop)]
