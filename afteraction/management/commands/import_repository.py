"""`import_repository FILE [--verify-only]`: load an archive written by `export_repository`
(issue 7, "Permanence and handover"; afteraction/archive.py). The archive is verified before
anything is written; a damaged or tampered archive, or one that contradicts a published report
already here, is refused with one line naming the problem, and nothing changes. Importing the
same archive twice adds nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from afteraction.archive import ArchiveError, import_archive, read_archive
from apc.core import markings


class Command(BaseCommand):
    help = (
        "Import an after-action archive (zip) idempotently: verify its checksums and schema, "
        "then add the reports not already here, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive file (written by export_repository)")
        parser.add_argument(
            "--verify-only", action="store_true", help="Verify the archive and import nothing"
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            archive = read_archive(path)
            m = archive.manifest
            self.stdout.write(
                f"Verified {path}: {m['counts']['reports']} reports from {m['source']} "
                f"(archive of {m['created_at']}"
                + (f", limited to {markings.label(m['max_marking'])}" if m["max_marking"] else "")
                + ")."
            )
            if options["verify_only"]:
                return
            result = import_archive(archive)
        except ArchiveError as exc:
            raise CommandError(f"Refused {path}: {exc}. Nothing was imported.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.added)} reports added ({result.lessons_added} lessons), "
                f"{len(result.skipped)} already here skipped."
            )
        )
        if result.lessons_not_added:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.lessons_not_added)} lessons of reports already published here "
                    "were not added (a published report never changes): "
                    + ", ".join(result.lessons_not_added[:10])
                )
            )
