"""GET /healthz: no login, JSON state of the database and the broker."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True and body["broker"]["transport"] == "redis"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_degrades_but_answers_when_the_broker_is_down(client):
    from apc.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        with override_settings():
            response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["broker"]["ok"] is False
    assert response.json()["status"] == "degraded"
