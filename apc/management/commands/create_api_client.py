"""Create a service account of another agency for the REST API and print its token."""

from django.core.management.base import BaseCommand, CommandError

from apc.core.exceptions import Invalid
from apc.core.markings import ORDER, Marking
from apc.services import api_client_create

DEFAULT_AGENCY = "state"
# Least privilege: a service account sees only unclassified records unless told otherwise.
DEFAULT_CLEARANCE = Marking.U


class Command(BaseCommand):
    help = (
        "Create an api_client account (no password: it signs in with its token only) and print "
        "its token, for `Authorization: Token <key>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Username of the service account")
        parser.add_argument(
            "--agency",
            default=DEFAULT_AGENCY,
            help=f"Code of the agency it serves (default: {DEFAULT_AGENCY})",
        )
        parser.add_argument(
            "--clearance",
            default=DEFAULT_CLEARANCE,
            help=f"One of {', '.join(ORDER)} (default: {DEFAULT_CLEARANCE})",
        )

    def handle(self, *args, **options):
        try:
            user, key = api_client_create(
                name=options["name"], agency_code=options["agency"], clearance=options["clearance"]
            )
        except Invalid as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created API client {user.username} ({user.agency.short_name}, "
                f"clearance {user.clearance})."
            )
        )
        self.stdout.write(f"Token: {key}")
