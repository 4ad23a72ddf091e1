"""The meeting columns become foreign keys to apc.Meeting, keeping their data and column names
(tierchange.meeting_id, warning.agenda_meeting_id). On SQLite the table is rebuilt, which drops
the tier history's append-only triggers: they are put back."""

import django.db.models.deletion
from django.db import migrations, models

from apc.core import append_only


def _fk(related_name: str, column: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="apc.meeting",
        db_column=column,
    )


def reguard_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        append_only.guard("watchlist_tierchange")(apps, schema_editor)


def convert(
    model: str, old: str, new: str, related_name: str
) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.AlterField(model_name=model, name=old, field=_fk(related_name, old))
        ],
        state_operations=[
            migrations.RemoveField(model_name=model, name=old),
            migrations.AddField(
                model_name=model,
                name=new,
                field=models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name=related_name,
                    to="apc.meeting",
                ),
            ),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("apc", "0006_meetings"),
        ("watchlist", "0004_alert_channel"),
    ]

    operations = [
        convert("tierchange", "meeting_id", "meeting", "tier_changes"),
        convert("warning", "agenda_meeting_id", "agenda_meeting", "+"),
        migrations.RunPython(reguard_on_sqlite, migrations.RunPython.noop),
    ]
