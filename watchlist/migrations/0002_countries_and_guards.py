"""Load every country (ISO 3166-1 + Kosovo, from watchlist.reference) and make tier history
append-only. `python manage.py load_countries` refreshes the same data idempotently."""

from django.db import migrations

from apc.core import append_only


def load(apps, schema_editor):
    from watchlist.reference import country_rows

    Country = apps.get_model("watchlist", "Country")
    for row in country_rows():
        Country.objects.update_or_create(iso3=row["iso3"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("watchlist", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(
            append_only.guard("watchlist_tierchange"), append_only.unguard("watchlist_tierchange")
        ),
    ]
