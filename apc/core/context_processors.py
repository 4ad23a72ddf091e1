"""Template context every page needs: navigation, unread count, the page's classification."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def apc(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "unread_count": 0}
    from apc.navigation import sections_for
    from apc.selectors import unread_count

    return {
        "nav_sections": SimpleLazyObject(lambda: sections_for(user, request.path)),
        "unread_count": SimpleLazyObject(lambda: unread_count(user)),
    }
