"""`import_risk_scores FILE --source NAME --vintage DATE --user USERNAME`: one vintage of
statistical risk scores, through watchlist.risk_import.risk_scores_import (issue 3, "Risk
scores"). Prints how many countries matched and the top ten, or every problem and fails."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apc.core.audit import record_denied
from apc.core.exceptions import Invalid, NotPermitted
from apc.models import User
from watchlist.risk_import import risk_scores_import


def _open(path: str, what: str):
    try:
        return Path(path).open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} {path}: {exc.strerror}.") from exc


class Command(BaseCommand):
    help = (
        "Import statistical risk scores (Early Warning Project format: ewp_name, optional ccode, "
        "risk_1or2.from<YEAR>, risk_rank.from<YEAR>) as one vintage. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file of scores")
        parser.add_argument("--source", required=True, help='e.g. "Early Warning Project"')
        parser.add_argument("--vintage", required=True, help="date of the model run, YYYY-MM-DD")
        parser.add_argument("--forecast-window", default="", help='e.g. "2024-2025"')
        parser.add_argument("--risk-column", default=None, help="name of the risk column")
        parser.add_argument("--rank-column", default=None, help="name of the rank column")
        parser.add_argument("--mapping", default=None, help="CSV with columns name,iso3")
        parser.add_argument(
            "--user",
            default=None,
            help="username of the directorate member importing (default: the "
            "WATCHLIST_IMPORT_USER setting)",
        )

    def handle(self, *args, **options):
        username = options["user"] or settings.WATCHLIST_IMPORT_USER
        if not username:
            raise CommandError(
                "Say who imports: --user USERNAME (a member of the directorate). The vintage "
                "records who imported it."
            )
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user named {username!r}.")
        path = options["file"]
        with _open(path, "scores file") as file:
            mapping = _open(options["mapping"], "mapping file") if options["mapping"] else None
            try:
                report = risk_scores_import(
                    actor=actor,
                    file=file,
                    source=options["source"],
                    vintage=options["vintage"],
                    forecast_window=options["forecast_window"],
                    risk_column=options["risk_column"],
                    rank_column=options["rank_column"],
                    mapping=mapping,
                    file_name=Path(path).name,
                )
            except NotPermitted as exc:
                record_denied(request=None, exc=exc)
                raise CommandError(
                    f"{username} may not import risk scores: that is for the directorate."
                ) from exc
            except Invalid as exc:
                for field, messages in exc.errors.items():
                    label = {"file": path, "mapping": options["mapping"]}.get(field, field)
                    for message in messages:
                        self.stderr.write(f"{label}: {message}")
                raise CommandError(exc.detail) from exc
            finally:
                if mapping is not None:
                    mapping.close()
        self.stdout.write(
            self.style.SUCCESS(f"Imported {report.matched} countries (vintage {report.vintage}).")
        )
        self.stdout.write(f"Top {len(report.top)} by risk:")
        for position, entry in enumerate(report.top, start=1):
            self.stdout.write(
                f"{position:>3}. {entry.name} ({entry.iso3})  {entry.value}  rank {entry.rank}"
            )
