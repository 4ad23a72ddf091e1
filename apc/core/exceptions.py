"""The DomainError tree and the one DRF exception handler.

Services raise these; the API handler and the HTML middleware turn them into responses:
NotPermitted -> 404 when the actor may not even see the object (its existence must not leak),
otherwise 403; Invalid -> 400; InvalidTransition and Conflict -> 409. Every refusal by the
policy is written to the audit trail at that boundary, after the service's transaction has
rolled back, so the record of the refusal survives.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    default_detail = "The request could not be carried out."

    def __init__(self, detail: str | None = None, *, errors: dict[str, list[str]] | None = None):
        self.detail = detail or self.default_detail
        self.errors = errors or {}
        super().__init__(self.detail)


class NotPermitted(DomainError):
    """The policy refused. `hidden` means the actor may not see the object at all (404)."""

    status_code = 403
    default_detail = "You do not have permission to do this."

    def __init__(
        self,
        detail: str | None = None,
        *,
        action: str = "",
        obj: Any = None,
        actor: Any = None,
        hidden: bool = False,
    ):
        super().__init__(detail)
        self.action = action
        self.obj = obj
        self.actor = actor
        self.hidden = hidden
        if hidden:
            self.status_code = 404
            self.detail = "Not found."


class Invalid(DomainError):
    """Input breaks a rule; `errors` maps field names to messages. Nothing was changed."""

    status_code = 400
    default_detail = "The input is not valid."


class InvalidTransition(DomainError):
    """The state machine does not allow this action from the current state."""

    status_code = 409
    default_detail = "That action is not available in the current state."


class Conflict(DomainError):
    """The change collides with the current state (a duplicate, a stale version). `details`
    carries what the client needs to resolve it (for a stale save: the newer text and its
    version, and the text that was refused, so nothing is lost)."""

    status_code = 409
    default_detail = "The change conflicts with the current state."

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(detail, errors=errors)
        self.details = details or {}


def errors_from_validation(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to `{"detail", "errors"}` with 400/403/404/409; DRF does the rest."""
    request = context.get("request")
    if isinstance(exc, NotPermitted):
        from apc.core.audit import record_denied

        record_denied(request=request, exc=exc)
        return Response({"detail": exc.detail, "errors": {}}, status=exc.status_code)
    if isinstance(exc, DomainError):
        body = {"detail": exc.detail, "errors": exc.errors}
        if getattr(exc, "details", None):
            body["conflict"] = exc.details
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(
            {"detail": "The input is not valid.", "errors": errors_from_validation(exc)},
            status=400,
        )
    if isinstance(exc, Http404 | PermissionDenied):
        exc = (
            drf_exceptions.NotFound()
            if isinstance(exc, Http404)
            else drf_exceptions.PermissionDenied()
        )
    response = drf_default_handler(exc, context)
    if response is not None and isinstance(exc, drf_exceptions.ValidationError):
        data = response.data
        response.data = {
            "detail": "The input is not valid.",
            "errors": data if isinstance(data, dict) else {"__all__": data},
        }
    elif response is not None and isinstance(response.data, dict):
        response.data.setdefault("errors", {})
    return response


def full_clean(obj: Any, **kwargs: Any) -> None:
    """`obj.full_clean()` that raises Invalid (400, field errors) instead of Django's
    ValidationError, for services."""
    try:
        obj.full_clean(**kwargs)
    except DjangoValidationError as exc:
        raise Invalid(errors=errors_from_validation(exc)) from None
