"""Filing works while Redis (cache and broker) is down: the warning, its review, its emergency
request and the outbox messages commit; nothing waits on Redis (issue 4, "Never lost, never
doubled": "Filing succeeds (201 / success page) while Redis is down")."""

import time

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from apc.celery import app
from apc.core.throttling import FailOpenUserRateThrottle
from apc.models import EmergencyRequest, OutboxMessage
from tests.factories import UserFactory, country
from watchlist.models import PolicyReview, Warning

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
}
ACUTE = {
    "country": "SDN",
    "severity": "acute",
    "title": "Sieges",
    "narrative": "Civilians targeted.",
    "marking": "U",
}


@pytest.fixture
def redis_down():
    original = app.conf.broker_url
    app.conf.broker_url = DEAD_REDIS
    with override_settings(CACHES=DEAD_CACHE):
        yield
    app.conf.broker_url = original


def assert_filed_and_pending():
    warning = Warning.objects.get()
    assert PolicyReview.objects.filter(warning=warning).exists()
    assert EmergencyRequest.objects.filter(source_ref=f"watchlist.warning:{warning.pk}").exists()
    pending = OutboxMessage.objects.filter(published_at__isnull=True, done_at__isnull=True)
    assert pending.count() == 2  # the directorate's and the co-chairs' notifications, kept


def test_the_filing_page_succeeds_with_redis_down(client, redis_down):
    country("SDN")
    client.force_login(UserFactory(role="analyst"))
    started = time.monotonic()
    response = client.post(reverse("watchlist:warning-file"), ACUTE)
    assert response.status_code == 302, response.content[:500]
    assert time.monotonic() - started < 10
    assert_filed_and_pending()


def test_the_filing_api_succeeds_with_redis_down(client, redis_down):
    country("SDN")
    client.force_login(UserFactory(role="analyst"))
    response = client.post(reverse("api:alerts-list"), ACUTE, content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    assert response.json()["emergency_request"] is not None
    assert_filed_and_pending()


def test_the_rate_limiter_lets_requests_through_when_its_cache_is_down(redis_down):
    request = RequestFactory().get("/api/v1/alerts/")
    request.user = UserFactory()
    throttle = FailOpenUserRateThrottle()
    throttle.rate, (throttle.num_requests, throttle.duration) = "1/minute", (1, 60)
    assert throttle.allow_request(request, view=None) is True
