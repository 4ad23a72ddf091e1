"""The plan pages' sub-navigation (templates/plans/_plan_nav.html): the sections the reader's
clearance admits, and whether they may download the PDF."""

from __future__ import annotations

from typing import Any

from django import template

from apc.core.permissions import can
from plans import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_nav(context: template.Context, plan: Any) -> dict[str, Any]:
    """Keys and titles of the sections shown to the user (never a hidden one, nor a marked
    record, so the banner is untouched), and whether the PDF link is theirs."""
    cache = context.render_context
    key = ("plan_nav", plan.pk)
    if key not in cache:
        user = context["request"].user
        cache[key] = {
            "sections": [(s.key, s.title) for s in selectors.sections_for(user, plan)],
            "can_export": can(user, "export", plan),
        }
    return cache[key]
