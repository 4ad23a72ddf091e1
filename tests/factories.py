"""Factories that build a valid object with no arguments."""

from __future__ import annotations

import datetime as _dt

import factory
from django.contrib.auth.models import Group

from apc.core.markings import Marking
from apc.models import Agency, AuditEvent, Notification, User

TEST_PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105


class AgencyFactory(factory.django.DjangoModelFactory):
    """Agencies are seeded by migration; transactional tests flush them, so get or create."""

    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = "state"
    name = "Department of State"
    short_name = "State"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@apc.example")
    agency = factory.SubFactory(AgencyFactory)
    clearance = Marking.S
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """`UserFactory(role="analyst")` or `role=["member", "red_team"]`."""
        if not create or not extracted:
            return
        names = [extracted] if isinstance(extracted, str) else list(extracted)
        self.groups.set([Group.objects.get_or_create(name=n)[0] for n in names])
        self.__dict__.pop("roles", None)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Notice {n}")
    body = "Details of the notice."
    link = "/"
    marking = Marking.U
    email_wanted = False


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    actor_username = factory.LazyAttribute(lambda e: e.actor.username if e.actor else "")
    actor_agency = factory.LazyAttribute(lambda e: e.actor.agency if e.actor else None)
    action = "test.event"


# --- watchlist ------------------------------------------------------------------------------


def country(iso3: str = "SDN"):
    """A country from the reference data (loaded by migration; reloaded after a flush)."""
    from watchlist.models import Country

    ensure_countries()
    return Country.objects.get(iso3=iso3)


def ensure_countries() -> None:
    """Transactional tests flush the tables the migrations filled: put the countries back."""
    from watchlist.models import Country
    from watchlist.reference import country_rows

    if not Country.objects.exists():
        Country.objects.bulk_create(Country(**row) for row in country_rows())


def ensure_reference_data() -> None:
    """Agencies, roles and countries, as the migrations create them."""
    import importlib

    from django.apps import apps as global_apps

    importlib.import_module("apc.migrations.0002_seed_and_append_only").seed(global_apps, None)
    ensure_countries()


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "watchlist.Indicator"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Indicator {n}")
    description = "What to look for."
    category = "political"


class RiskVintageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "watchlist.RiskVintage"

    source = "Early Warning Project"
    vintage = factory.Sequence(lambda n: __import__("datetime").date(2020 + n % 6, 1 + n % 12, 1))
    forecast_window = "2026-2027"
    risk_column = "risk_1or2.from2025"
    rank_column = "risk_rank.from2025"
    imported_by = factory.SubFactory(UserFactory, role="directorate")


class MeetingFactory(factory.django.DjangoModelFactory):
    """A regular meeting in its own slot (a distinct month far in the future per instance);
    `status=` puts it straight into a state without running the workflow."""

    class Meta:
        model = "apc.Meeting"

    kind = "regular"
    level = "apc"
    slot = factory.Sequence(lambda n: _dt.date(2100 + n // 12, n % 12 + 1, 10))
    starts_at = factory.LazyAttribute(
        lambda m: (
            _dt.datetime.combine(m.slot, _dt.time(15, 0), tzinfo=_dt.UTC)
            if m.slot
            else _dt.datetime(2100, 1, 10, 15, tzinfo=_dt.UTC)
        )
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + _dt.timedelta(hours=2))
    location = "EEOB"


def held_meeting(**kwargs):
    """A meeting that is being held (decisions, attendance and minutes are possible)."""
    return MeetingFactory(status="held", **kwargs)
