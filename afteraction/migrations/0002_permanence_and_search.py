"""A published report never changes and is never deleted (database triggers on PostgreSQL and
SQLite), its life-cycle history is append-only, and PostgreSQL keeps the full-text search
vectors under GIN indexes (afteraction/permanence.py)."""

from django.db import migrations

from afteraction import permanence
from apc.core import append_only


class Migration(migrations.Migration):
    dependencies = [("afteraction", "0001_initial")]

    operations = [
        migrations.RunPython(permanence.guard(), permanence.unguard()),
        migrations.RunPython(
            append_only.guard("afteraction_reportevent"),
            append_only.unguard("afteraction_reportevent"),
        ),
    ]
