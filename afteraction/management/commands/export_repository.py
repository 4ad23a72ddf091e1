"""`export_repository OUT [--max-marking U|CUI|C|S]`: the after-action repository as one archive
file for a successor administration (issue 7, "Permanence and handover"; afteraction/archive.py).
Prints what was written and, when limited, how much was withheld above the limit."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from afteraction.archive import ArchiveError, export_repository
from apc.core import markings


class Command(BaseCommand):
    help = (
        "Write every published after-action report, revision and lesson, with a PDF of each "
        "report and a manifest of checksums, to one archive file (zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="The archive file to write (e.g. repository.zip)")
        parser.add_argument(
            "--max-marking",
            choices=list(markings.Marking.values),
            default=None,
            help="Leave out reports, lessons and narrative links marked above this "
            "(a release to a successor with lower access)",
        )

    def handle(self, *args, **options):
        limit = options["max_marking"]
        try:
            exported = export_repository(options["out"], max_marking=limit)
        except (ArchiveError, OSError) as exc:
            raise CommandError(f"Cannot write {options['out']}: {exc}") from exc
        m = exported.manifest
        c = m["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['out']}: {c['reports']} reports ({c['series']} series), "
                f"{c['lessons']} lessons, {c['links']} narrative links; highest marking "
                f"{markings.label(m['highest_marking'])}."
            )
        )
        if limit:
            w = exported.withheld
            self.stdout.write(
                f"Limited to {markings.label(limit)}: withheld {w['reports']} reports, "
                f"{w['lessons']} lessons and {w['links']} narrative links marked above it."
            )
