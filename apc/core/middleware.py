"""Request plumbing: request id and client context, session timeouts, domain errors in HTML."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from apc.core.context import RequestContext, current
from apc.core.exceptions import DomainError, NotPermitted

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SESSION_LOGIN_AT = "apc_login_at"
SESSION_LAST_SEEN = "apc_last_seen"


class RequestContextMiddleware:
    """Give every request an id (kept from a well-formed X-Request-ID) and remember who is
    calling from where, for the audit trail. The id is echoed in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx = RequestContext(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.headers.get("User-Agent", "")[:300],
            request_id=request_id,
        )
        request.apc_context = ctx
        token = current.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT of inactivity or SESSION_ABSOLUTE_TIMEOUT after
    login, whichever comes first, checked on the server at every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            login_at = request.session.get(SESSION_LOGIN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                from apc.core.audit import record_event

                record_event(
                    actor=user,
                    action="auth.session_expired",
                    summary="idle timeout" if idle else "absolute timeout",
                    request=request,
                )
                logout(request)
                if request.path.startswith("/api/"):
                    return HttpResponse(status=401)
                messages.info(request, "Your session ended. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SESSION_LOGIN_AT, login_at)
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class DomainErrorMiddleware:
    """HTML side of the error mapping: a policy refusal is audited and answers 404 or 403;
    another domain error becomes a message on the page the user came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, NotPermitted):
            from apc.core.audit import record_denied

            record_denied(request=request, exc=exc)
            template = "404.html" if exc.hidden else "403.html"
            response = TemplateResponse(
                request, template, {"detail": exc.detail}, status=exc.status_code
            )
            return response.render()
        if isinstance(exc, DomainError):
            messages.error(request, exc.detail)
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                back = "/"
            return redirect(back)
        return None
