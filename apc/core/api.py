"""The base viewset: querysets from selectors, 404 for what the user may not see (audited),
a classification header with the highest marking in the response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework import viewsets

from apc.core import markings
from apc.core.audit import record_event
from apc.core.views import get_visible_or_404

CLASSIFICATION_HEADER = "X-APC-Classification"


class PolicyViewSet(viewsets.GenericViewSet):
    """Configure with `selector` (user -> visible queryset) and `serializer_class`."""

    selector: ClassVar[Callable[[Any], QuerySet]]
    sensitive: ClassVar[bool] = False

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
