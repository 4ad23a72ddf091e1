"""Create (or refresh) the demo accounts; idempotent; refuses unless DEBUG is on."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from apc.demo import DEMO_PASSWORD, DEMO_USERS
from apc.models import Agency, User
from apc.services import notify


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and demo data. DEBUG only; idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it runs only with DEBUG on."
            )
        agencies = {a.code: a for a in Agency.objects.all()}
        groups = {g.name: g for g in Group.objects.all()}
        created_users = []
        with transaction.atomic():
            for demo in DEMO_USERS:
                user, created = User.objects.update_or_create(
                    username=demo.username,
                    defaults={
                        "first_name": demo.first_name,
                        "last_name": demo.last_name,
                        "email": f"{demo.username}@apc.example",
                        "agency": agencies[demo.agency],
                        "clearance": demo.clearance,
                        "title": demo.title,
                        "is_active": True,
                        "is_staff": demo.superuser,
                        "is_superuser": demo.superuser,
                        "is_directorate_lead": demo.lead,
                    },
                )
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.set([groups[demo.role]] if demo.role else [])
                if demo.role == "api_client":
                    token, _ = Token.objects.get_or_create(user=user)
                    self.stdout.write(f"API token of {user.username}: {token.key}")
                if created:
                    created_users.append(user)
            if created_users:
                notify(
                    created_users,
                    "Welcome to the APC case-management system",
                    "This is your inbox. Warnings, meeting notices and plan reviews that concern "
                    "you will arrive here; e-mail only tells you that something is waiting.",
                    link="/",
                )
        # Each app that has demo content provides <app>/demo.py with seed(stdout).
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "seed"):
                module.seed(self.stdout)
        # The meetings (part of the apc app) read every app's demo data: they come last.
        from apc.meetings.demo import seed as seed_meetings

        seed_meetings(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts ready ({len(DEMO_USERS)}; {len(created_users)} new). "
                f"Password for all: {DEMO_PASSWORD}"
            )
        )
