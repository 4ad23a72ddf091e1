"""The search page (issue 7, "Finding and using lessons": "Full-text search over reports and
lessons with ranking and highlighted matches ..., facets (country, region, tool, strategy,
target group, outcome, year), and results filtered by the policy and by clearance").

Source: seeds/000_588810f2139c9d78.txt, "Readiness to Meet the Challenge" (knowledge from past
operations is not retained) and "Crisis Response Structure and Process" (lessons "must be taken
into account in future crises and policy planning").
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from apc.core import roles
from tests.afteraction import support as s
from tests.afteraction.page_support import (
    audited,
    banner,
    has_testid,
    login,
    section,
    section_html,
    text,
    url,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = roles


@pytest.fixture
def kenya():
    return s.published_report(
        title="Kenya 2007-08",
        iso3="KEN",
        lessons=[
            {"statement": "Mediation by a regional panel ended the violence.",
             "countries": ["KEN"], "tools": [s.tool("Dialogue facilitation/mediation").pk],
             "outcome": "worked"},
            {"statement": "Travel bans on instigators helped.",
             "evidence": "Mediation pressure was sustained by the bans.",
             "countries": ["KEN"], "outcome": "mixed"},
        ],
    )  # fmt: skip


@pytest.fixture
def syria():
    return s.published_report(
        title="Syria 2011-",
        iso3="SYR",
        period_start=date(2011, 3, 15),
        period_end=None,
        lessons=[
            {"statement": "Sanctions alone did not stop the killing.", "countries": ["SYR"],
             "outcome": "did_not_work"},
        ],
    )  # fmt: skip


def reader(clearance: str = "S"):
    return UserFactory(role=A.ANALYST, clearance=clearance)


def hit_ids(response) -> list[str]:
    body = response.content.decode()
    return [part.split('"')[0] for part in body.split('data-testid="hit-')[1:]]


def test_a_search_ranks_the_better_match_first_and_highlights_it(client, kenya, syria):
    response = login(client, reader()).get(url("search"), {"q": "mediation"})
    assert response.status_code == 200
    mediation, bans = kenya.lessons.order_by("position")
    # the statement match ranks above the evidence match; the Syrian lesson does not match
    assert hit_ids(response) == [str(mediation.pk), str(bans.pk)]
    assert "2 lessons found" in section(response, "result-count")
    first = section_html(response, f"hit-{mediation.pk}")
    assert "<mark>Mediation</mark>" in first
    assert "<mark>Mediation</mark>" in section_html(response, f"hit-{bans.pk}")  # in evidence


def test_highlights_escape_the_lessons_own_text(client):
    s.published_report(lessons=[{"statement": "Mediation <script>alert(1)</script> worked."}])
    response = login(client, reader()).get(url("search"), {"q": "mediation"})
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "alert(1)" in section(response, "results")  # the text is shown, never run


def test_facets_count_and_add_and_remove_a_filter(client, kenya, syria):
    login(client, reader())
    response = client.get(url("search"))
    assert "(2)" in section(response, "facet-country-KEN")
    assert "(1)" in section(response, "facet-country-SYR")
    assert "(1)" in section(response, "facet-outcome-did_not_work")
    assert "3 lessons found" in section(response, "result-count")
    link = section_html(response, "facet-country-SYR")
    assert 'href="?country=SYR"' in link
    filtered = client.get(url("search"), {"country": "SYR"})
    assert "1 lesson found" in section(filtered, "result-count")
    assert "Sanctions alone" in text(filtered)
    assert "selected" in section(filtered, "facet-country-SYR")
    assert 'href="?"' in section_html(filtered, "facet-country-SYR")  # the link removes it
    assert "Country: Syria" in section(filtered, "active-filters")


def test_a_year_filter_and_a_tool_filter_combine_with_words(client, kenya, syria):
    login(client, reader())
    tool = s.tool("Dialogue facilitation/mediation")
    response = client.get(url("search"), {"q": "violence", "tool": tool.pk, "year": "2007"})
    assert response.status_code == 200
    assert hit_ids(response) == [str(kenya.lessons.order_by("position")[0].pk)]
    none = client.get(url("search"), {"q": "violence", "year": "2011"})
    assert "0 lessons found" in section(none, "result-count")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"country": "XXX"}, "Unknown country: 'XXX'."),
        ({"year": "last"}, "Unknown year: 'last'."),
        ({"outcome": "great"}, "Unknown outcome: 'great'."),
    ],
)
def test_a_bad_filter_value_answers_400_with_the_message(client, kenya, params, message):
    response = login(client, reader()).get(url("search"), {"q": "mediation", **params})
    assert response.status_code == 400
    assert message in section(response, "search-error")
    assert has_testid(response, "search-form")  # the page is still there to correct it
    assert not has_testid(response, "results")


def test_a_bad_kind_answers_400(client, kenya):
    response = login(client, reader()).get(url("search"), {"q": "x", "kind": "people"})
    assert response.status_code == 400
    assert has_testid(response, "search-error")


def test_a_lesson_above_clearance_is_absent_from_results_counts_and_facets(client, kenya):
    s.published_report(
        title="Closed report",
        iso3="SDN",
        lessons=[{"statement": "Mediation through intercepted channels.", "marking": "S",
                  "countries": ["SDN"]}],
    )  # fmt: skip
    low = reader(clearance="C")
    response = login(client, low).get(url("search"), {"q": "mediation"})
    body = text(response)
    assert "intercepted" not in body
    assert "2 lessons found" in section(response, "result-count")
    assert not has_testid(response, "facet-country-SDN")
    assert banner(response) == "UNCLASSIFIED"
    assert audited("afteraction.search").marking == "U"
    high = login(client, reader(clearance="S")).get(url("search"), {"q": "mediation"})
    assert "3 lessons found" in section(high, "result-count")
    assert has_testid(high, "facet-country-SDN")
    assert banner(high) == "SECRET"
    event = audited("afteraction.search")
    assert event.marking == "S" and "mediation" in event.summary


def test_a_report_not_yet_published_is_never_found(client):
    writer = s.author()
    report = s.commission(authors=[writer], title="Draft about mediation")
    s.write(report, writer, summary="Mediation notes.")
    s.lesson(report, writer, "Mediation draft lesson.")
    login(client, s.directorate())
    assert "0 lessons found" in section(
        client.get(url("search"), {"q": "mediation"}), "result-count"
    )
    reports = client.get(url("search"), {"q": "mediation", "kind": "reports"})
    assert "0 reports found" in section(reports, "result-count")


def test_reports_are_searched_with_their_own_facets(client, kenya, syria):
    response = login(client, reader()).get(url("search"), {"q": "Syria", "kind": "reports"})
    assert response.status_code == 200
    assert hit_ids(response) == [str(syria.pk)]
    assert has_testid(response, "facet-subject")
    assert not has_testid(response, "facet-tool")


@override_settings(APC_PAGE_SIZE=2)
def test_results_are_paginated(client, kenya, syria):
    login(client, reader())
    first = client.get(url("search"))
    assert len(hit_ids(first)) == 2
    assert "Page 1 of 2" in text(first)
    second = client.get(url("search"), {"page": "2"})
    assert len(hit_ids(second)) == 1
    assert set(hit_ids(first)).isdisjoint(hit_ids(second))
    beyond = client.get(url("search"), {"page": "9"})
    assert beyond.status_code == 200 and hit_ids(beyond) == hit_ids(second)


def test_the_auditor_has_no_search(client, kenya):
    assert login(client, UserFactory(role=A.AUDITOR)).get(url("search")).status_code == 403
