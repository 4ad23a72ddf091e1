"""Panels one app contributes to another app's page, without the page's app importing it
(DESIGN.md: dependencies point one way). The after-action repository adds the lessons panel to
a plan's page and the reports and lessons to a country's page:

    panels.register("plan_detail", provider)       # in the contributing app's ready()
    ctx["panels"] = panels.collect("plan_detail", request, plan)   # in the page's view

A provider answers `Panel` or None (nothing to show this user). A panel's `marking` is the
highest marking of what it shows, counted into the page's banner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from apc.core import markings


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    marking: str = markings.Marking.U
    order: int = 100


Provider = Callable[[HttpRequest, Any], Panel | None]
_PROVIDERS: dict[str, list[Provider]] = {}


def register(slot: str, provider: Provider) -> None:
    """Add `provider` to the pages of `slot` (once, however often it is called)."""
    providers = _PROVIDERS.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def collect(slot: str, request: HttpRequest, obj: Any) -> list[Panel]:
    """The panels of `slot` for this request, in their order."""
    found = [p for p in (provider(request, obj) for provider in _PROVIDERS.get(slot, [])) if p]
    return sorted(found, key=lambda p: p.order)


def marking_of(panels: list[Panel]) -> str:
    return markings.highest(p.marking for p in panels)
