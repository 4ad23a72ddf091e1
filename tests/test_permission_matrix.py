"""Role x route x method -> status, for every route of the product. A route missing from the
table fails `test_every_route_is_in_the_matrix`, so each new route must get its row here.

Objects a role may not see answer 404 ("other" rows); actions a role may not take answer 403;
anonymous users are sent to sign in (HTML) or refused (API)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apc.core import roles
from tests.factories import NotificationFactory, UserFactory

ANON = "anonymous"
EVERY = (*roles.ALL, ANON)


def each(status: int, anon: int = 302, **overrides: int) -> dict[str, int]:
    """Every role gets `status`, anonymous gets `anon`, with per-role exceptions."""
    table = {role: status for role in roles.ALL}
    table[ANON] = anon
    table.update(overrides)
    return table


ONLY_AUDITOR = each(403, **{roles.AUDITOR: 200})
API_ANON = 401  # token authentication comes first: no credentials -> 401 with a challenge

# (url name, target, method) -> expectations; target names a builder in TARGETS that returns
# the URL arguments for the calling user (None: no argument). Each app adds its rows in
# tests/<app>/matrix*.py (MATRIX, TARGETS, REFUSED_METHODS), merged below.
TARGETS: dict[str, Callable[[Any], list]] = {
    "own": lambda user: [NotificationFactory(recipient=user or UserFactory()).pk],
    "other": lambda user: [NotificationFactory().pk],
}
MATRIX: dict[tuple[str, str | None, str], dict[str, int]] = {
    ("home", None, "GET"): each(200),
    ("healthz", None, "GET"): each(200, anon=200),
    ("login", None, "GET"): each(302, anon=200),
    ("logout", None, "POST"): each(302, anon=302),
    ("inbox", None, "GET"): each(200),
    ("inbox-read-all", None, "POST"): each(302),
    ("inbox-detail", "own", "GET"): each(200),
    ("inbox-detail", "other", "GET"): each(404),
    ("inbox-open", "own", "POST"): each(302),
    ("inbox-open", "other", "POST"): each(404),
    ("audit-list", None, "GET"): ONLY_AUDITOR,
    ("audit-export", None, "GET"): ONLY_AUDITOR,
    ("api:me", None, "GET"): each(200, anon=API_ANON),
    ("api:schema", None, "GET"): each(200, anon=API_ANON),
    ("api:inbox-list", None, "GET"): each(200, anon=API_ANON),
    ("api:inbox-detail", "own", "GET"): each(200, anon=API_ANON),
    ("api:inbox-detail", "other", "GET"): each(404, anon=API_ANON),
    # service accounts never write, not even their own inbox state
    ("api:inbox-read", "own", "POST"): each(200, anon=API_ANON, **{roles.API_CLIENT: 403}),
    ("api:inbox-read", "other", "POST"): each(404, anon=API_ANON, **{roles.API_CLIENT: 403}),
}
# Write methods that a read-only route must refuse.
REFUSED_METHODS: dict[str, tuple[str, ...]] = {
    "api:inbox-list": ("POST",),
    "api:inbox-detail": ("PUT", "PATCH", "DELETE"),
    "inbox-read-all": ("GET",),
    "inbox-open": ("GET",),
    "audit-export": ("POST",),
}

for _path in sorted(Path(__file__).parent.glob("*/matrix*.py")):
    _module = importlib.import_module(f"tests.{_path.parent.name}.{_path.stem}")
    MATRIX.update(_module.MATRIX)
    TARGETS.update(_module.TARGETS)
    REFUSED_METHODS.update(getattr(_module, "REFUSED_METHODS", {}))

CASES = [
    pytest.param(
        name, target, method, role, status, id=f"{method} {name}[{target or '-'}] as {role}"
    )
    for (name, target, method), table in MATRIX.items()
    for role, status in table.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "target", "method", "role", "status"), CASES)
def test_matrix(client, name, target, method, role, status):
    user = None if role == ANON else UserFactory(role=role)
    args = TARGETS[target](user) if target else []
    if user:
        client.force_login(user)
    response = getattr(client, method.lower())(reverse(name, args=args))
    assert response.status_code == status, response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "methods"), REFUSED_METHODS.items())
def test_refused_methods(client, name, methods):
    user = UserFactory(role=roles.CO_CHAIR)
    client.force_login(user)
    target = next((t for (n, t, _) in MATRIX if n == name and t not in (None, "other")), None)
    args = TARGETS[target](user) if target else []
    for method in methods:
        response = getattr(client, method.lower())(reverse(name, args=args))
        assert response.status_code == 405, (method, name)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "staff", *roles.ALL])
def test_admin_is_for_superusers_only(client, kind):
    user = UserFactory(
        is_superuser=(kind == "superuser"),
        is_staff=kind in ("superuser", "staff"),
        role=kind if kind in roles.ALL else None,
    )
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == (200 if kind == "superuser" else 302)


def _walk(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _walk(entry, ns)
        elif isinstance(entry, URLPattern):
            # an unnamed route cannot be listed in the matrix, so it fails the walk
            names.add(f"{namespace}{entry.name or f'<unnamed {entry.pattern}>'}")
    return names


def test_every_route_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    routes = {n for n in _walk(get_resolver()) if not n.startswith("admin:")}
    missing = sorted(routes - covered)
    assert not missing, f"routes without a row in the permission matrix: {missing}"
    assert not sorted(covered - routes), "matrix rows for routes that no longer exist"
