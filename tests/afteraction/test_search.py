"""Full-text search over the repository (afteraction/search.py): ranking, PostgreSQL's websearch
syntax, highlights that escape user text, facets that count what the user may see, filters, and
the SQLite fallback's own functions.

Source: issue 7, "Finding and using lessons": "Full-text search over reports and lessons with
ranking and highlighted matches ... facets (country, region, tool, strategy, target group,
outcome, year), and results filtered by the policy and by clearance"; seeds/000, "Readiness to
Meet the Challenge" (knowledge from past operations is not retained unless it can be found).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection

from afteraction import search, services
from afteraction.models import Lesson
from apc.core import roles
from apc.core.exceptions import Invalid
from tests.afteraction import support as s
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def reader(clearance: str = "S", role: str = roles.MEMBER):
    return UserFactory(role=role, clearance=clearance)


def statements(results: search.Results) -> list[str]:
    return [h.obj.statement for h in results.hits]


def counts(results: search.Results, facet: str) -> dict[str, int]:
    return {v.key: v.count for v in results.facets[facet]}


# --- Ranking and syntax --------------------------------------------------------------------------


@on_postgres
def test_the_better_match_comes_first():
    """A lesson that states the matter ranks above one that only mentions it in its evidence."""
    s.published_report(
        lessons=[
            {"statement": "Sanctions came late.", "evidence": "Mediation was tried once."},
            {"statement": "Mediation by regional leaders ended the violence; mediation "
                          "needs backing.", "recommendation": "Back the mediation."},
            {"statement": "Aid arrived.", "recommendation": "Fund the mediation."},
        ]
    )  # fmt: skip
    results = search.search_lessons(reader(), "mediation")
    assert results.total == 3
    assert statements(results)[0].startswith("Mediation by regional leaders")
    assert statements(results)[-1] == "Sanctions came late."
    ranks = [h.rank for h in results.hits]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]


@on_postgres
def test_websearch_syntax_phrases_and_exclusions():
    s.published_report(
        lessons=[
            {"statement": "Regional leaders mediated and the violence ended."},
            {"statement": "The leaders of the regional body stayed silent."},
            {"statement": "Regional leaders backed the sanctions."},
        ]
    )
    user = reader()
    phrase = search.search_lessons(user, '"regional leaders"')
    assert sorted(statements(phrase)) == [
        "Regional leaders backed the sanctions.",
        "Regional leaders mediated and the violence ended.",
    ]
    excluded = search.search_lessons(user, '"regional leaders" -sanctions')
    assert statements(excluded) == ["Regional leaders mediated and the violence ended."]
    either = search.search_lessons(user, "silent or sanctions")
    assert either.total == 2
    assert search.search_lessons(user, "leaders").total == 3  # stemmed: "leaders" = "leader"


@on_postgres
def test_highlights_mark_the_match_and_escape_user_text():
    s.published_report(
        lessons=[{"statement": "Mediation <script>alert(1)</script> & <b>diplomacy</b> worked."}]
    )
    (hit,) = search.search_lessons(reader(), "mediation").hits
    html = str(hit.highlights["statement"])
    assert "<mark>Mediation</mark>" in html
    # PostgreSQL's parser drops tags from the headline; whatever is left is escaped
    assert "<script>" not in html and "<b>" not in html and "&amp;" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_an_empty_query_lists_everything_newest_first_and_a_long_one_is_refused():
    s.published_report(period_start=date(2007, 12, 1), lessons=[{"statement": "Old."}])
    s.published_report(iso3="SYR", period_start=date(2011, 3, 15), period_end=None,
                       lessons=[{"statement": "New."}])  # fmt: skip
    results = search.search_lessons(reader(), "")
    assert statements(results) == ["New.", "Old."] and results.total == 2
    with pytest.raises(Invalid):
        search.search_lessons(reader(), "x" * (search.MAX_QUERY + 1))


# --- Facets and filters --------------------------------------------------------------------------


@pytest.fixture
def prepared():
    """Kenya 2007 (a lesson tagged KEN; one with no country tag) and Syria 2011 (a lesson tagged
    SYR and KEN)."""
    ken = s.published_report(
        iso3="KEN",
        lessons=[
            {"statement": "Mediation worked.", "countries": ["KEN"],
             "tools": [s.tool("Mediation").pk], "strategies": [s.strategy("dissuade")],
             "target_groups": [s.group("decision_makers")], "outcome": "worked"},
            {"statement": "Threats helped the mediation.", "outcome": "mixed",
             "tools": [s.tool("Targeted Sanctions").pk, s.tool("Mediation").pk],
             "target_groups": [s.group("decision_makers"), s.group("third_parties")]},
        ],
    )  # fmt: skip
    syr = s.published_report(
        iso3="SYR", period_start=date(2011, 3, 15), period_end=None,
        lessons=[
            {"statement": "Sanctions alone did not stop the mediation failing.",
             "countries": ["SYR", "KEN"], "tools": [s.tool("Targeted Sanctions").pk],
             "strategies": [s.strategy("degrade")], "outcome": "did_not_work"},
        ],
    )  # fmt: skip
    return {"ken": ken, "syr": syr}


def test_facets_count_each_lesson_once_per_value(prepared):
    """A lesson's country is the one it is tagged with, or else its report's."""
    results = search.search_lessons(reader(), "")
    assert results.total == 3
    assert counts(results, "country") == {"KEN": 3, "SYR": 1}
    assert counts(results, "region") == {"Eastern Africa": 3, "Western Asia": 1}
    mediation, sanctions = s.tool("Mediation"), s.tool("Targeted Sanctions")
    assert counts(results, "tool") == {str(mediation.pk): 2, str(sanctions.pk): 2}
    assert counts(results, "strategy") == {"dissuade": 1, "degrade": 1}
    assert counts(results, "target_group") == {"decision_makers": 2, "third_parties": 1}
    assert counts(results, "outcome") == {"worked": 1, "mixed": 1, "did_not_work": 1}
    assert [(v.key, v.count) for v in results.facets["year"]] == [("2011", 1), ("2007", 2)]
    labels = {v.key: v.label for v in results.facets["outcome"]}
    assert labels["did_not_work"] == "Did not work"
    assert results.facets["country"][0].label == "Kenya"


@on_postgres
def test_facets_count_the_matches_of_the_query(prepared):
    results = search.search_lessons(reader(), "sanctions")
    assert results.total == 1
    assert counts(results, "country") == {"SYR": 1, "KEN": 1}
    assert counts(results, "year") == {"2011": 1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "syr"}, {"Sanctions alone did not stop the mediation failing."}),
        ({"country": "KEN"}, {"Mediation worked.", "Threats helped the mediation.",
                              "Sanctions alone did not stop the mediation failing."}),
        ({"region": "Western Asia"}, {"Sanctions alone did not stop the mediation failing."}),
        ({"strategy": "dissuade"}, {"Mediation worked."}),
        ({"target_group": "third_parties"}, {"Threats helped the mediation."}),
        ({"outcome": "mixed"}, {"Threats helped the mediation."}),
        ({"year": "2007"}, {"Mediation worked.", "Threats helped the mediation."}),
        ({"year": "2011", "country": "KEN"},
         {"Sanctions alone did not stop the mediation failing."}),
    ],
)  # fmt: skip
def test_filters_narrow_the_results(prepared, filters, expected):
    results = search.search_lessons(reader(), "", filters)
    assert set(statements(results)) == expected and results.total == len(expected)
    for name, value in filters.items():
        chosen = [v for v in results.facets.get(name, []) if v.selected]
        if name in ("country",):
            assert [v.key for v in chosen] == [value.upper()]


def test_a_tool_filter_takes_the_catalogue_id(prepared):
    tool = s.tool("Mediation")
    results = search.search_lessons(reader(), "", {"tool": str(tool.pk)})
    assert results.total == 2
    assert [v.key for v in results.facets["tool"] if v.selected] == [str(tool.pk)]


@pytest.mark.parametrize(
    "bad",
    [{"country": "XXX"}, {"tool": "mediation"}, {"tool": "999999"}, {"strategy": "win"},
     {"outcome": "great"}, {"year": "20x7"}, {"region": "Atlantis"}, {"target_group": "all"}],
)  # fmt: skip
def test_an_unknown_filter_value_is_refused(prepared, bad):
    with pytest.raises(Invalid) as exc:
        search.search_lessons(reader(), "", bad)
    assert set(exc.value.errors) == set(bad)


def test_report_search_has_its_own_facets(prepared):
    results = search.search_reports(reader(), "")
    assert results.total == 2
    assert counts(results, "country") == {"KEN": 1, "SYR": 1}
    assert counts(results, "subject") == {"crisis": 2}
    assert search.search_reports(reader(), "", {"country": "SYR"}).total == 1


# --- Clearance and policy ------------------------------------------------------------------------


def test_a_lesson_above_the_users_clearance_never_appears():
    """Markings per lesson (issue 7): a reader below a lesson's marking never learns of it, not
    in results, totals, facets or highlights."""
    s.published_report(
        iso3="KEN",
        lessons=[
            {"statement": "Mediation worked in public.", "outcome": "worked"},
            {"statement": "Mediation through a secret channel to the commander.",
             "marking": "S", "countries": ["KEN", "SDN"], "tools": [s.tool("Mediation").pk],
             "outcome": "did_not_work"},
        ],
    )  # fmt: skip
    s.published_report(iso3="SYR", marking="S", lessons=[{"statement": "Mediation in Syria."}])
    low = reader("C")
    for q in ("mediation", "secret", "commander", ""):
        results = search.search_lessons(low, q)
        text = " ".join(
            [h.obj.statement for h in results.hits]
            + [str(v) for h in results.hits for v in h.highlights.values()]
        )
        assert "secret" not in text.lower() and "Syria" not in text
        assert results.total == len(results.hits) <= 1
        assert "SDN" not in counts(results, "country") and "SYR" not in counts(results, "country")
        assert "did_not_work" not in counts(results, "outcome")
        assert not results.facets["tool"]
    high = search.search_lessons(reader("S"), "mediation")
    assert high.total == 3
    assert counts(high, "country") == {"KEN": 2, "SDN": 1, "SYR": 1}


def test_unpublished_lessons_are_never_searchable_even_by_their_authors():
    writer = s.author()
    draft = s.commission(authors=[writer])
    s.lesson(draft, writer, "Mediation in draft.")
    for user in (writer, s.directorate(), reader()):
        assert search.search_lessons(user, "").total == 0
        assert search.search_reports(user, "").total == 0


def test_the_auditor_and_service_accounts_search_nothing():
    s.published_report(lessons=[{"statement": "Mediation worked."}])
    assert search.search_lessons(reader(), "").total == 1
    for role in (roles.AUDITOR, roles.API_CLIENT):
        results = search.search_lessons(reader(role=role), "")
        assert results.total == 0 and not any(results.facets.values())


def test_superseded_lessons_are_left_out_unless_asked_for():
    writer = s.author()
    original = s.published_report(writer=writer, lessons=[{"statement": "Mediation worked."}])
    staff = s.directorate()
    revision = services.report_revise(actor=staff, report=original, reason="Fix.")
    s.publish(revision, writer, staff)
    current = search.search_lessons(reader(), "")
    assert [h.obj.report_id for h in current.hits] == [revision.pk]
    every = search.search_lessons(reader(), "", current_only=False)
    assert {h.obj.report_id for h in every.hits} == {original.pk, revision.pk}
    assert search.search_reports(reader(), "").total == 1
    assert search.search_reports(reader(), "", current_only=False).total == 2


# --- The SQLite fallback -------------------------------------------------------------------------


def test_terms_are_the_words_of_the_query():
    assert search._terms('"Regional Leaders" OR mediation') == ["regional", "leaders", "mediation"]
    assert search._terms("regional or mediation and not") == ["regional", "mediation"]
    assert search._terms("power-sharing deal's") == ["power-sharing", "deal's"]
    assert search._terms("  ") == []


def test_the_fallback_excludes_a_minus_word(monkeypatch):
    """The search page documents websearch syntax ("-word" leaves out); the fallback must not
    turn an exclusion into a requirement."""
    monkeypatch.setattr(search, "_postgres", lambda: False)
    s.published_report(
        lessons=[{"statement": "Mediation worked."}, {"statement": "Mediation and sanctions."}]
    )
    assert statements(search.search_lessons(reader(), "mediation -sanctions")) == [
        "Mediation worked."
    ]


def test_snippet_marks_every_term_and_escapes_the_rest():
    html = search._snippet("Mediation <b>worked</b>; the MEDIATION & talks.", ["mediation"])
    assert html == (
        "<mark>Mediation</mark> &lt;b&gt;worked&lt;/b&gt;; the <mark>MEDIATION</mark> &amp; talks."
    )
    assert search._snippet("<script>alert(1)</script> mediation", ["mediation"]) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>mediation</mark>"
    )
    assert search._snippet("Nothing here.", ["mediation"]) is None
    assert search._snippet("", ["mediation"]) is None
    assert search._snippet("Mediation.", []) is None


def test_snippet_cuts_around_the_first_match():
    words = [f"w{i}" for i in range(100)]
    words[60] = "mediation"
    html = search._snippet(" ".join(words), ["mediation"], words=30)
    assert html.startswith("… w50 ") and html.endswith(" …")
    assert "<mark>mediation</mark>" in html and "w49" not in html and "w80" not in html
    start = search._snippet("mediation " + " ".join(words[:50]), ["mediation"], words=30)
    assert start.startswith("<mark>mediation</mark>") and start.endswith(" …")


def test_sqlite_rank_weights_the_fields():
    lesson = SimpleNamespace(
        statement="Mediation, mediation.", recommendation="Back the mediation.", evidence=None
    )
    assert search._sqlite_rank(lesson, ["mediation"], search.LESSON_FIELDS) == pytest.approx(2.4)
    only_evidence = SimpleNamespace(statement="x", recommendation="y", evidence="mediation")
    assert search._sqlite_rank(only_evidence, ["mediation"], search.LESSON_FIELDS) == (
        pytest.approx(0.2)
    )


def test_the_fallback_search_ranks_filters_and_highlights(monkeypatch):
    """The embedded default's search, run through the same entry point (the vendor switch turned
    to the fallback): every word must appear; the statement outranks the evidence."""
    monkeypatch.setattr(search, "_postgres", lambda: False)
    s.published_report(
        lessons=[
            {
                "statement": "Aid arrived.",
                "evidence": "Mediation by regional leaders.",
                "outcome": "mixed",
            },
            {"statement": "Mediation by regional leaders <i>worked</i>.", "outcome": "worked"},
            {"statement": "Regional leaders stayed silent."},
        ]
    )
    s.published_report(
        lessons=[{"statement": "Secret mediation by regional leaders.", "marking": "S"}]
    )
    results = search.search_lessons(reader("C"), "regional mediation")
    assert statements(results) == ["Mediation by regional leaders <i>worked</i>.", "Aid arrived."]
    assert results.total == 2
    first = results.hits[0].highlights["statement"]
    assert "<mark>Mediation</mark>" in first and "&lt;i&gt;" in first and "<i>" not in first
    assert "evidence" in results.hits[1].highlights
    assert counts(results, "outcome") == {"worked": 1, "mixed": 1}
    assert (
        search.search_lessons(reader("C"), "regional mediation", {"outcome": "worked"}).total == 1
    )
    assert search.search_lessons(reader("C"), "or").total == 0
    assert isinstance(results.hits[0].obj, Lesson)
