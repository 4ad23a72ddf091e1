"""Issue 4, "Done when", in one run: an analyst files an acute warning in the browser; within
seconds, through a real Celery worker on Redis, the co-chairs have it in their inbox, and the
emergency request waits for them there. (Rising to Deputies level on the deadline and filing
while Redis is down are shown with the same worker in tests/watchlist/test_alerts_worker.py
and tests/watchlist/test_alerts_redis_down.py.)"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apc.demo import DEMO_PASSWORD
from apc.models import EmergencyRequest, Notification
from tests.e2e.test_alerts import tick
from tests.processes import celery_worker, wait_for, worker_env
from watchlist.models import Warning

pytestmark = pytest.mark.worker

TITLE = "Fighters surround a displacement camp"


def test_an_acute_warning_reaches_the_co_chairs_inbox_within_seconds(app, demo_users, tmp_path):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = worker_env()
    chair = demo_users("cochair.nsc")
    page = app.page
    with celery_worker(env, tmp_path / "worker.log", queue=queue) as log:
        app.login("analyst.ic", DEMO_PASSWORD)
        app.goto("/watchlist/alerts/new/")
        page.get_by_label("Country").select_option(label="Sudan")
        tick(page, "Acute")
        page.get_by_label("Title").fill(TITLE)
        page.get_by_label("Warning", exact=True).fill("Armed men around the camp since dawn.")
        app.submit("File the warning")
        warning = Warning.objects.get(title=TITLE)
        expect(page.get_by_test_id("warning-status")).to_have_text("Received")
        app.logout()

        key = f"warning:{warning.pk}:acute"
        assert wait_for(
            lambda: Notification.objects.filter(recipient=chair, event_key=key).exists(), timeout=20
        ), log.read_text()[-3000:]

    request = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    app.login("cochair.nsc", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name=re.compile(r"^Inbox\b")))
    subject = f"Acute warning #{warning.pk}: emergency meeting requested"
    app.click_and_wait(page.get_by_role("link", name=re.compile(re.escape(subject))))
    app.submit("Open the item")
    assert app.path == f"/emergency/{request.pk}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(request.pk))
