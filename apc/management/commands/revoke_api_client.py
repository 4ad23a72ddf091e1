"""Revoke the REST token of a service account: requests with it are refused from now on."""

from django.core.management.base import BaseCommand, CommandError

from apc.core.exceptions import Invalid
from apc.services import api_client_revoke


class Command(BaseCommand):
    help = "Delete the token of an api_client account (the account itself is kept)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Username of the service account")

    def handle(self, *args, **options):
        try:
            user = api_client_revoke(name=options["name"])
        except Invalid as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs)) from None
        self.stdout.write(self.style.SUCCESS(f"Revoked the token of {user.username}."))
