"""Section 4 of a meeting's draft agenda, "plans awaiting an APC decision" (apc/meetings/
agenda.py): crisis prevention plans in APC review (plans/workflow.py: draft → APC review →
approved). One query, whatever the number of plans; each entry carries the plan's marking."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apc.core import markings
from plans.models import Plan


def plans_awaiting_decision(meeting: Any, since: datetime) -> list[dict[str, Any]]:
    plans = Plan.objects.filter(status=Plan.Status.APC_REVIEW).select_related("country")
    if meeting.kind == "emergency":
        plans = plans.filter(country_id__in=meeting.countries)
    return [
        {
            "type": "plan",
            "marking": markings.highest([p.marking, p.country.marking]),
            "plan": p.pk,
            "country": p.country_id,
            "text": f"{p.title} (plan #{p.pk}), in APC review since {p.updated_at:%Y-%m-%d}",
        }
        for p in plans.order_by("-country__priority", "id")
    ]
