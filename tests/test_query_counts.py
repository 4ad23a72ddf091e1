"""Each list page and list endpoint runs the same number of queries for 1 row and 25 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apc.core import roles
from tests.factories import AuditEventFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["inbox", "api:inbox-list", "home"])
def test_inbox_lists(client, url_name, django_assert_max_num_queries):
    me = UserFactory()
    client.force_login(me)
    NotificationFactory(recipient=me)
    one = count_queries(client, reverse(url_name))
    NotificationFactory.create_batch(24, recipient=me)
    with django_assert_max_num_queries(one):
        many = count_queries(client, reverse(url_name))
    assert one == many
    assert one <= 12


@pytest.mark.parametrize("url_name", ["audit-list", "audit-export"])
def test_audit_lists(client, url_name, django_assert_max_num_queries):
    auditor = UserFactory(role=roles.AUDITOR)
    client.force_login(auditor)
    AuditEventFactory()
    one = count_queries(client, reverse(url_name))
    agencies = ["state", "defense", "treasury", "justice", "usaid"]
    for i in range(24):
        AuditEventFactory(
            actor=UserFactory(
                agency__code=agencies[i % 5],
                agency__name=agencies[i % 5],
                agency__short_name=agencies[i % 5],
            )
        )
    with django_assert_max_num_queries(one + 1):  # +1: the export writes its own audit row
        many = count_queries(client, reverse(url_name))
    assert many <= one + (1 if url_name == "audit-export" else 0)
