"""Template helpers: the classification banner and portion markings."""

from __future__ import annotations

from typing import Any

from django import template

from apc.core import markings

register = template.Library()

_CSS = {
    markings.Marking.U: "apc-banner--u",
    markings.Marking.CUI: "apc-banner--cui",
    markings.Marking.C: "apc-banner--c",
    markings.Marking.S: "apc-banner--s",
}


@register.simple_tag(takes_context=True)
def page_marking(context: template.Context) -> dict[str, str]:
    """The highest marking of any record in the page's context (computed once per render)."""
    cache = context.render_context
    if "apc_page_marking" not in cache:
        found: set[str] = set()
        explicit = context.get("page_marking")
        if explicit:
            found.add(explicit)
        for key, value in context.flatten().items():
            if key in {"request", "user", "perms", "view", "messages", "csrf_token"}:
                continue
            found |= markings.markings_in(value)
        level = markings.highest(found)
        cache["apc_page_marking"] = {
            "code": level,
            "label": markings.label(level),
            "css": _CSS[level],
        }
    return cache["apc_page_marking"]


@register.filter
def portion(obj: Any) -> str:
    """Portion marking of a record, e.g. "(CUI)"."""
    value = getattr(obj, "marking", None)
    return f"({value})" if value else ""


@register.filter
def marking_label(value: str) -> str:
    return markings.label(value) if value in markings.ORDER else ""
