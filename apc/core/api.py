"""The base viewset: querysets from selectors, 404 for what the user may not see (audited),
a classification header with the highest marking in the response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import NotPermitted
from apc.core.permissions import require
from apc.core.views import get_visible_or_404

CLASSIFICATION_HEADER = "X-APC-Classification"


class ReadOnlyForAPIClients(BasePermission):
    """Service accounts of other agencies read; they never write, whatever else they hold.
    Refused before the object is looked up, so the answer (403) tells nothing about it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if roles.API_CLIENT in getattr(request.user, "roles", frozenset()):
            raise NotPermitted(
                "API client accounts may only read.",
                action=f"api.{getattr(view, 'action', None) or 'write'}",
                actor=request.user,
            )
        return True


class PolicyViewSet(viewsets.GenericViewSet):
    """Configure with `selector` (user -> visible queryset) and `serializer_class`. Service
    accounts (api_client) may only read, on every endpoint built on it."""

    permission_classes = [IsAuthenticated, ReadOnlyForAPIClients]

    selector: ClassVar[Callable[[Any], QuerySet]]
    sensitive: ClassVar[bool] = False
    # The record-less action a list needs (a role that may see none answers 403, not an empty
    # list); None: the list is the selector's business alone.
    list_action: ClassVar[str | None] = None

    def check_permissions(self, request) -> None:
        super().check_permissions(request)
        if self.action == "list" and self.list_action:
            require(request.user, self.list_action)

    def get_queryset(self) -> QuerySet:
        return type(self).selector(self.request.user)

    def get_object(self) -> Model:
        qs = self.get_queryset()
        obj = get_visible_or_404(
            self.request.user, type(self).selector, qs.model, self.kwargs["pk"]
        )
        self.check_object_permissions(self.request, obj)
        if self.sensitive:
            record_event(
                actor=self.request.user,
                action=f"{qs.model._meta.model_name}.view",
                obj=obj,
                request=self.request,
            )
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        found: set[str] = set()
        _collect(data, found)
        response[CLASSIFICATION_HEADER] = markings.label(markings.highest(found))
        return response


def _collect(data: Any, found: set[str], depth: int = 0) -> None:
    """Markings named in a serialized payload (any `marking` key, at any depth up to 6)."""
    if depth > 6:
        return
    if isinstance(data, dict):
        value = data.get("marking")
        if isinstance(value, str) and value in markings.ORDER:
            found.add(value)
        for item in data.values():
            if isinstance(item, dict | list):
                _collect(item, found, depth + 1)
    elif isinstance(data, list):
        for item in data:
            _collect(item, found, depth + 1)
