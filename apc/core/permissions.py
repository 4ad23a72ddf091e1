"""THE access policy: the one place that answers "may this user see / do this".

A user may act on a record when
  * they are an active, authenticated user, and
  * their clearance is at least the record's marking (DESIGN.md, "Users"), and
  * their role allows the action on every record of that kind, or they own it, or a rule of the
    model's policy admits them (alert-channel distribution, say), or django-guardian grants
    them (or one of their groups) the object permission ``<action>_<model>``.
Actions that concern no particular record ("audit.view") are allowed by role alone.

Roles are data (groups); models declare their policy with `register()` next to their services,
and every view, API endpoint, task and service asks `can`, `visible` or `require`.
Superusers get the Django admin; the product itself grants them nothing by that flag alone.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from apc.core import markings
from apc.core.exceptions import NotPermitted

ScopeFn = Callable[[Any, str], Q | None]


@dataclass(frozen=True)
class Policy:
    """How one model is guarded.

    roles: action -> roles that may take it on every record of the model (clearance permitting).
    owner: name of a user foreign key whose holder may take `owner_actions`.
    scope: extra rule, (user, action) -> Q of the records it admits, or None for none.
    grants: whether django-guardian object grants count (``<action>_<model>`` permissions).
    marked_via: foreign-key paths to marked records this one belongs to (e.g. "country"): the
        user's clearance must dominate their markings too, so a child never outlives its parent's
        protection.
    """

    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    owner: str | None = None
    owner_actions: frozenset[str] = frozenset({"view"})
    scope: ScopeFn | None = None
    grants: bool = False
    marked_via: tuple[str, ...] = ()


_POLICIES: dict[type[Model], Policy] = {}
_ACTIONS: dict[str, frozenset[str]] = {}


def register(model: type[Model], policy: Policy) -> None:
    """Declare how `model` is guarded (called once, at import of the app's policy module)."""
    _POLICIES[model] = policy


def register_action(action: str, roles: Iterable[str]) -> None:
    """Declare an action that concerns no particular record, allowed to `roles`."""
    _ACTIONS[action] = frozenset(roles)


def roles_for(action: str, model: type[Model] | None = None) -> frozenset[str]:
    """Which roles hold `action` outright (for documentation, the matrix test, the UI)."""
    if model is None:
        return _ACTIONS[action]
    return frozenset(policy_for(model).roles.get(action, frozenset()))


def policy_for(model: type[Model]) -> Policy:
    model = getattr(model, "_meta", None) and model._meta.concrete_model or model
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"No access policy registered for {model!r}") from None


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _cleared(user: Any, obj: Model, policy: Policy) -> bool:
    if isinstance(obj, markings.MarkedModel) and not markings.dominates(
        user.clearance, obj.marking
    ):
        return False
    for path in policy.marked_via:
        parent: Any = obj
        for step in path.split("__"):
            parent = getattr(parent, step, None)
        if parent is not None and not markings.dominates(user.clearance, parent.marking):
            return False
    return True


def _codename(action: str, model: type[Model]) -> str:
    return f"{action}_{model._meta.model_name}"


def _granted(user: Any, action: str, obj: Model) -> bool:
    model = type(obj)
    if user.is_superuser:  # guardian's checker says yes to superusers; we want real grants
        return _granted_queryset(user, action, model).filter(pk=obj.pk).exists()
    checker = getattr(user, "_apc_perm_checker", None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        user._apc_perm_checker = checker
    return checker.has_perm(_codename(action, type(obj)), obj)


def _granted_queryset(user: Any, action: str, model: type[Model]) -> QuerySet:
    return get_objects_for_user(
        user,
        f"{model._meta.app_label}.{_codename(action, model)}",
        klass=model._default_manager.all(),
        accept_global_perms=False,
        with_superuser=False,
    )


def can(user: Any, action: str, obj: Model | type[Model] | None = None) -> bool:
    """May `user` take `action` (on `obj`, a record or a model class, or on nothing)?"""
    if not _active(user):
        return False
    if obj is None:
        try:
            allowed = _ACTIONS[action]
        except KeyError:
            raise LookupError(f"Unknown action {action!r}") from None
        return bool(user.roles & allowed)
    if isinstance(obj, type):
        return bool(user.roles & policy_for(obj).roles.get(action, frozenset()))
    policy = policy_for(type(obj))
    if not _cleared(user, obj, policy):
        return False
    if user.roles & policy.roles.get(action, frozenset()):
        return True
    if (
        policy.owner
        and action in policy.owner_actions
        and getattr(obj, f"{policy.owner}_id", None) == user.pk
    ):
        return True
    if policy.scope is not None:
        q = policy.scope(user, action)
        if q is not None and type(obj)._default_manager.filter(q, pk=obj.pk).exists():
            return True
    return policy.grants and _granted(user, action, obj)


def visible(user: Any, queryset: QuerySet, action: str = "view") -> QuerySet:
    """`queryset` restricted to the records `user` may take `action` on, in one query."""
    if not _active(user):
        return queryset.none()
    model = queryset.model
    policy = policy_for(model)
    allowed = markings.up_to(user.clearance)
    if issubclass(model, markings.MarkedModel):
        queryset = queryset.filter(marking__in=allowed)
    for path in policy.marked_via:
        queryset = queryset.filter(**{f"{path}__marking__in": allowed})
    if user.roles & policy.roles.get(action, frozenset()):
        return queryset
    conditions: list[Q] = []
    if policy.owner and action in policy.owner_actions:
        conditions.append(Q(**{policy.owner: user}))
    if policy.scope is not None:
        q = policy.scope(user, action)
        if q is not None:
            conditions.append(q)
    if policy.grants:
        granted = _granted_queryset(user, action, model)
        conditions.append(Q(pk__in=granted.values("pk")))
    if not conditions:
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))


def require(user: Any, action: str, obj: Model | type[Model] | None = None) -> None:
    """Raise NotPermitted unless `can(user, action, obj)`; hidden (404) if `obj` is not even
    visible to `user`."""
    if can(user, action, obj):
        return
    hidden = isinstance(obj, Model) and (action == "view" or not can(user, "view", obj))
    raise NotPermitted(action=action, obj=obj, actor=user, hidden=hidden)
