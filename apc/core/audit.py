"""The audit trail: `record_event` writes one AuditEvent in the caller's transaction.

Written for every change a service makes, for reads of sensitive records (warnings,
assessments, plans) and for every access the policy refused. The AuditEvent model lives in
apc/models.py; the table is append-only (triggers in migration 0002).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from apc.core import markings
from apc.core.context import RequestContext, current

if TYPE_CHECKING:
    from apc.models import AuditEvent


def _object_ref(obj: Any) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, type) and issubclass(obj, models.Model):
        return obj._meta.label_lower, ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk or "")
    return type(obj).__name__.lower(), ""


def _request_context(request: HttpRequest | None) -> RequestContext:
    if request is not None and hasattr(request, "apc_context"):
        return request.apc_context
    return current.get() or RequestContext()


def record_event(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    changes: Mapping[str, Any] | None = None,
    outcome: str = "allowed",
    request: HttpRequest | None = None,
    summary: str = "",
    marking: str | None = None,
    protect_actor: bool | None = None,
) -> AuditEvent:
    """Write one audit event in the current transaction (rolled back with the change). The event
    is marked like the record it concerns (or higher, with `marking`), since its summary and
    changes may carry that record's content."""
    from apc.models import AuditEvent

    ctx = _request_context(request)
    own = obj.marking if isinstance(obj, markings.MarkedModel) else None
    if protect_actor is None:
        # a record may say that acting on it reveals a protected identity (a filer's warning)
        protects = getattr(obj, "audit_protects_actor", None)
        protect_actor = bool(protects and not isinstance(obj, type) and protects(actor))
    levels = [m for m in (own, marking) if m]
    object_type, object_id = _object_ref(obj)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_username=getattr(real_actor, "username", "") or "",
        actor_agency_id=getattr(real_actor, "agency_id", None),
        action=action[:80],
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=dict(changes or {}),
        ip=ctx.ip,
        user_agent=ctx.user_agent[:300],
        request_id=ctx.request_id[:64],
        outcome=outcome,
        marking=markings.highest(levels),
        actor_protected=protect_actor,
    )


def record_denied(*, request: Any, exc: Any) -> None:
    """Record a refusal by the policy. Called at the response boundary, outside the service's
    (rolled-back) transaction, so the record of the refusal is kept."""
    actor = getattr(exc, "actor", None) or getattr(request, "user", None)
    record_event(
        actor=actor,
        action=f"{exc.action or 'access'}",
        obj=exc.obj,
        outcome="denied",
        request=getattr(request, "_request", request),
        summary="not visible" if exc.hidden else "not permitted",
    )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (foreign keys as ids), for a before/after diff."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = getattr(obj, field.attname)
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {"before": x, "after": y}}` for every field whose value changed."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
