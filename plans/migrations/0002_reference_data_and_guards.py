"""The reference data of plans, written from the source documents (plans/reference.py: the
Task Force's Tables 1 and 2, the USHMM's Table 1 and Annex C; tests/plans compare it with the
documents), and the append-only guards of the plans' history (transitions and frozen
versions are never edited)."""

from django.db import migrations

from apc.core import append_only


def load(apps, schema_editor):
    from plans.reference_load import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(
            append_only.guard("plans_planevent"), append_only.unguard("plans_planevent")
        ),
        migrations.RunPython(
            append_only.guard("plans_planversion"), append_only.unguard("plans_planversion")
        ),
    ]
