"""Authentication events into the audit trail (Django sends these; no domain flow here)."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apc.core.audit import record_event
from apc.core.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # Django's login() has already rotated the session key; start both session clocks now.
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now
    record_event(actor=user, action="auth.login", request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action="auth.logout", request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    # The actor is unknown (whoever typed the password); the targeted account is the object.
    record_event(
        actor=None,
        obj=user,
        action="auth.login_failed",
        outcome="denied",
        request=request,
        summary=f"username: {username}"[:300],
    )
