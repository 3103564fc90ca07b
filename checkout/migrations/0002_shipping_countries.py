"""Countries the shop ships to, so checkout works on a fresh database (Dashboard → Countries via admin)."""

from django.db import migrations

COUNTRIES = [
    ("AT", "AUT", "040", "Austria", "Republic of Austria"),
    ("BE", "BEL", "056", "Belgium", "Kingdom of Belgium"),
    ("DE", "DEU", "276", "Germany", "Federal Republic of Germany"),
    ("FR", "FRA", "250", "France", "French Republic"),
    ("GB", "GBR", "826", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland"),
    ("IE", "IRL", "372", "Ireland", "Ireland"),
    ("IT", "ITA", "380", "Italy", "Italian Republic"),
    ("NL", "NLD", "528", "Netherlands", "Kingdom of the Netherlands"),
    ("ES", "ESP", "724", "Spain", "Kingdom of Spain"),
]


def create_countries(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    for order, (alpha2, alpha3, numeric, name, official) in enumerate(COUNTRIES):
        Country.objects.get_or_create(
            iso_3166_1_a2=alpha2,
            defaults={
                "iso_3166_1_a3": alpha3,
                "iso_3166_1_numeric": numeric,
                "name": official,
                "printable_name": name,
                "display_order": 100 - order,
                "is_shipping_country": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("checkout", "0001_initial"), ("address", "0007_useraddress_code")]
    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
