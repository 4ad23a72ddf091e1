"""Put back the audit trail's append-only triggers on SQLite: 0005 added a column with a default,
which SQLite does by rebuilding the table, and a rebuilt table has lost its triggers. PostgreSQL
alters the table in place and keeps them, so this does nothing there."""

from django.db import migrations

from apc.core import append_only


def reguard_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        append_only.guard("apc_auditevent")(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("apc", "0006_meetings")]

    operations = [migrations.RunPython(reguard_on_sqlite, migrations.RunPython.noop)]
