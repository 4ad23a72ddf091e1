"""`load_countries`: refresh the country table from watchlist.reference (ISO 3166-1 from
pycountry plus Kosovo, regions from country_converter, Correlates of War numbers from
countrycode). Idempotent; touches reference fields only, never a tier or the country's file.
Migration 0002 loads the same rows at install."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apc.core.audit import record_event
from watchlist.models import Country
from watchlist.reference import country_rows


class Command(BaseCommand):
    help = "Create or refresh every country (ISO 3166-1 + Kosovo) from the reference data."

    def handle(self, *args, **options):
        rows = country_rows()
        now = timezone.now()
        with transaction.atomic(durable=True):
            existing = Country.objects.select_for_update().in_bulk([r["iso3"] for r in rows])
            new = [Country(**row) for row in rows if row["iso3"] not in existing]
            Country.objects.bulk_create(new)
            updated = 0
            for row in rows:
                country = existing.get(row["iso3"])
                if country is None:
                    continue
                changed = [k for k, v in row.items() if getattr(country, k) != v]
                if changed:
                    for key in changed:
                        setattr(country, key, row[key])
                    # API clients poll with updated_since: a renamed or moved country changed.
                    country.updated_at = now
                    country.save(update_fields=[*changed, "updated_at"])
                    updated += 1
            if new or updated:
                record_event(
                    actor=None,
                    action="watchlist.load_countries",
                    # obj=Country (the class) would be right, but record_event reads a class's
                    # `marking` descriptor as a value for MarkedModel classes.
                    obj=None,
                    summary=f"Country reference data: {len(new)} created, {updated} updated",
                    changes={"created": len(new), "updated": updated},
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Countries: {len(new)} created, {updated} updated, "
                f"{len(rows) - len(new) - updated} unchanged ({len(rows)} in the reference data)."
            )
        )
