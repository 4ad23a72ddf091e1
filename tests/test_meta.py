"""Project-wide rules: every model has an admin entry and its own __str__; migrations are
complete; every service module function is keyword-only where it writes."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models

PRODUCT_APPS = ("apc", "watchlist", "plans", "afteraction")


def product_models():
    return [m for label in PRODUCT_APPS for m in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", product_models(), ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_entry_and_str(model):
    assert model in admin.site._registry, f"{model._meta.label} is not registered in the admin"
    assert model.__str__ is not models.Model.__str__, f"{model._meta.label} has no __str__"
    assert model.__doc__ and not model.__doc__.startswith(model.__name__ + "("), (
        f"{model._meta.label} has no docstring"
    )


# Plumbing with nothing for an administrator to see or change.
NOT_IN_ADMIN = {
    "contenttypes.ContentType",
    "sessions.Session",
    "authtoken.Token",  # registered through its TokenProxy
    "axes.AccessAttemptExpiration",
    "django_celery_beat.PeriodicTasks",
}


def test_every_installed_model_is_in_the_admin_or_listed_as_plumbing():
    missing = sorted(
        m._meta.label
        for m in apps.get_models()
        if m not in admin.site._registry
        and m._meta.label not in NOT_IN_ADMIN
        and m._meta.app_label != "policyapp"  # test-only app
    )
    assert not missing, f"models missing from the admin: {missing}"


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
