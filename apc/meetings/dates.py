"""The committee's calendar day (MEETING_TIMEZONE, Washington by default): due dates, overdue
action items and seats turn over at the committee's midnight, not UTC's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def committee_today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), ZoneInfo(settings.MEETING_TIMEZONE)).date()
