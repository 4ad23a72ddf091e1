"""HTML views of the committee's plumbing: home, inbox, audit trail, health."""

from __future__ import annotations

import csv
import json
import os
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from apc import selectors, services
from apc.core.audit import record_event
from apc.core.csvutil import Echo, safe_text
from apc.core.permissions import can, require
from apc.core.views import PolicyDetailView, PolicyListView, get_visible_or_404
from apc.filters import AuditEventFilter
from apc.models import Notification


class HomeView(TemplateView):
    """Who you are, your agency, roles and clearance, your latest notifications."""

    template_name = "apc/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["latest_notifications"] = list(selectors.notifications_for(user)[:5])
        ctx["roles"] = sorted(user.roles)
        if can(user, "meetings.view"):
            from apc.meetings import selectors as meetings

            ctx["next_meetings"] = list(meetings.upcoming(meetings.meetings_for(user))[:3])
            ctx["agency_actions"] = list(
                meetings.action_items_for(user)
                .filter(owner_agency_id=user.agency_id, status__in=["open", "in_progress"])
                .order_by("due", "id")[:5]
            )
        return ctx


home = login_required(HomeView.as_view())


class InboxView(PolicyListView):
    template_name = "apc/inbox.html"
    selector = staticmethod(selectors.notifications_for)
    context_object_name = "notifications"


class NotificationDetailView(PolicyDetailView):
    """Opening a notification marks it read."""

    template_name = "apc/notification_detail.html"
    selector = staticmethod(selectors.notifications_for)
    context_object_name = "notification"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        return services.notification_mark_read(actor=self.request.user, notification=obj)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the notification's link (a local path only)."""
    n = get_visible_or_404(request.user, selectors.notifications_for, Notification, pk)
    services.notification_mark_read(actor=request.user, notification=n)
    if n.link and url_has_allowed_host_and_scheme(n.link, allowed_hosts=None):
        return redirect(n.link)
    return redirect("inbox-detail", n.pk)


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return redirect("inbox")


class AuditListView(PolicyListView):
    """Auditor-only: the audit trail, filtered and paginated."""

    template_name = "apc/audit_list.html"
    required_action = "audit.view"
    selector = staticmethod(selectors.audit_events_for)
    filterset_class = AuditEventFilter
    context_object_name = "events"


# (CSV header, AuditEvent field) in export order.
EXPORT_COLUMNS = [
    ("time_utc", "created_at"),
    ("actor", "actor_username"),
    ("agency", "actor_agency__short_name"),
    ("action", "action"),
    ("object_type", "object_type"),
    ("object_id", "object_id"),
    ("summary", "summary"),
    ("changes", "changes"),
    ("ip", "ip"),
    ("user_agent", "user_agent"),
    ("request_id", "request_id"),
    ("outcome", "outcome"),
    ("marking", "marking"),
    ("actor_protected", "actor_protected"),
]
PROTECTED = "(identity protected)"


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered audit trail (the export itself is audited)."""
    require(request.user, "audit.export")
    flt = AuditEventFilter(request.GET or None, queryset=selectors.audit_events_for(request.user))
    if flt.is_bound and not flt.is_valid():
        return HttpResponse(
            "Invalid filter: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in flt.errors.items()),
            status=400,
            content_type="text/plain",
        )
    qs = flt.qs
    record_event(
        actor=request.user,
        action="audit.export",
        summary=f"filters: {request.GET.urlencode()}"[:300],
        request=request,
    )
    writer = csv.writer(Echo())
    header = [name for name, _ in EXPORT_COLUMNS if name != "actor_protected"]
    fields = [field for _, field in EXPORT_COLUMNS]

    def rows():
        yield writer.writerow(header)
        for row in qs.values_list(*fields).iterator(chunk_size=5000):
            (
                at,
                actor,
                agency,
                action,
                otype,
                oid,
                summary,
                changes,
                ip,
                ua,
                rid,
                outcome,
                mark,
                protected,
            ) = row
            if protected:  # a protected filer: not who, nor from where, nor which request
                actor, agency, ip, ua, rid = PROTECTED, PROTECTED, "", "", ""
            yield writer.writerow(
                [
                    at.isoformat(),
                    actor,
                    agency or "",
                    action,
                    otype,
                    oid,
                    safe_text(summary),
                    safe_text(json.dumps(changes, sort_keys=True) if changes else ""),
                    ip or "",
                    safe_text(ua),
                    rid,
                    outcome,
                    mark,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="apc-audit.csv"'
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness without a login: 200 while the database answers (the broker being
    down degrades background work but filing and reading still work), 503 otherwise."""
    state: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        state["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok"
        state["database"] = {"ok": False, "error": type(exc).__name__}
    state["broker"] = _broker_state()
    ok_db = state["database"]["ok"]
    state["status"] = "ok" if ok_db and state["broker"]["ok"] else ("degraded" if ok_db else "down")
    return JsonResponse(state, status=200 if ok_db else 503)


def _broker_state() -> dict[str, Any]:
    from apc.celery import app

    transport = app.conf.broker_url.split("://", 1)[0]
    if transport == "filesystem":  # no server: the broker is the queue folder
        folder = (app.conf.broker_transport_options or {}).get("data_folder_in", "")
        ok = bool(folder) and os.access(folder, os.W_OK)
        return {"ok": ok, "transport": transport, **({} if ok else {"error": "QueueNotWritable"})}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return {"ok": True, "transport": transport}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "transport": transport, "error": type(exc).__name__}
