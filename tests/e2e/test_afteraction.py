"""The after-action repository in a real browser (issue 7, "Tests that must exist": "Browser: the
directorate commissions a report, the author publishes it with lessons, and those lessons appear
on a related plan's panel and in search").

The directorate lead commissions a report on the crisis in Sudan over the period of its move to
"high and rising" (the watchlist demo's tier change), written by a member of the committee (State's
coordinator). The author starts drafting, writes the text, cites the tier change from the
records of the period, adds two tagged lessons and submits the report; the directorate publishes
it (commissioned → drafting → in review → published). The Sudan prevention plan being drafted
then shows both lessons on its lessons panel; its owner marks them considered with a note and
the guideline check "relevant lessons considered" changes with each. Search finds the lessons
with the match highlighted and facets that narrow the results. The published report offers no
edit, and its edit URL answers with the refusal, to the directorate and to the author alike.

A second test opens the search page alone over the Annex A demo (afteraction.demo) and narrows
it with the facets.

The demo accounts, the watchlist demo and the tool catalogue come from `seed_demo` without the
plans, meetings (and, for the first test, after-action) demos (tests/e2e/test_plans.py). Every
page visited goes through the `app` harness (axe-checked, CSP enforced; tests/e2e/conftest.py).
Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (the directorate
commissions "after action" reports to generate lessons learned, whose results "must be taken into
account in future crises and policy planning"; "a permanent and accessible repository").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, expect

from afteraction.models import Lesson, Report
from apc.demo import DEMO_PASSWORD
from apc.meetings.dates import committee_today
from apc.models import User
from plans.models import Plan
from tests.e2e.test_plans import check_of, seed_without_plans
from watchlist.models import Tier, TierChange

AUTHOR = "member.state"  # Laura Benedetti, State's coordinator (a committee member, cleared S)
AUTHOR_NAME = "Laura Benedetti"
EDIT_REFUSAL = "The report is published: it never changes. A correction is a new revision."


def seed_without_repository(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], User]:
    """The demo accounts, the watchlist demo and the tool catalogue, without the after-action
    demo (each test builds its own reports) nor the plans and meetings demos."""
    import afteraction.demo

    monkeypatch.setattr(afteraction.demo, "seed", lambda stdout: None)
    return seed_without_plans(monkeypatch)


@pytest.fixture
def committee(seeded, monkeypatch) -> Callable[[str], User]:
    return seed_without_repository(monkeypatch)


# --- What the test writes ---------------------------------------------------------------------


@dataclass(frozen=True)
class LessonSpec:
    statement: str
    recommendation: str
    evidence: str
    outcome: str  # the label the form shows
    tools: Sequence[str]
    strategies: Sequence[str]
    target_groups: Sequence[str]


@dataclass(frozen=True)
class ReportSpec:
    title: str
    country: str  # the name the form shows
    period: tuple[date, date]
    scope: str
    summary: str
    narrative: str
    findings: str
    lessons: Sequence[LessonSpec] = field(default_factory=tuple)


DISSUADE = "Dissuade potential perpetrators from committing atrocities"
PROTECT = "Protect vulnerable populations"

SIEGES_DONE = LessonSpec(
    statement="Travel bans on the commanders of the besieging forces, announced together with "
    "the regional partners, slowed the attacks on the towns.",
    recommendation="Name the commanders early and act with the region's governments, so the "
    "penalty cannot be waited out.",
    evidence="Attacks on two towns paused within a fortnight of the announcement.",
    outcome="Worked",
    tools=("Travel bans",),
    strategies=(DISSUADE,),
    target_groups=("Perpetrators", "Decision makers"),
)
SIEGES_LATE = LessonSpec(
    statement="Relief convoys reached the besieged towns only after the killings: the warnings "
    "were acted on too late.",
    recommendation="Pre-position relief and agree humanitarian access as soon as a town is "
    "encircled, before the tier changes.",
    evidence="The convoys crossed the lines three weeks after the first reports of sieges.",
    outcome="Did not work",
    tools=("Increased aid",),
    strategies=(PROTECT,),
    target_groups=("Victims",),
)


def sudan_report() -> ReportSpec:
    today = committee_today()
    return ReportSpec(
        title="Sudan: the sieges of the Darfur towns",
        country="Sudan",
        period=(today - timedelta(days=120), today - timedelta(days=30)),
        scope="Did the warnings reach the committee in time?\nWhich measures slowed the sieges?",
        summary="Militias besieged towns in Darfur and killed civilians by identity; the "
        "committee raised Sudan to high and rising.",
        narrative="The sieges began after weeks of mobilisation along ethnic lines. The "
        "committee moved Sudan to high and rising and opened a response.",
        findings="Coercive measures aimed at named commanders worked; relief came late.",
        lessons=(SIEGES_DONE, SIEGES_LATE),
    )


# --- Page helpers (shared with test_afteraction_done.py) ------------------------------------


def flash(app) -> Locator:
    return app.page.get_by_role("status")


def status_of(app, report: Report) -> Locator:
    return app.page.get_by_test_id("report-summary").get_by_test_id(f"status-{report.pk}")


def open_repository(app) -> None:
    app.click_and_wait(app.page.get_by_role("link", name="After-action", exact=True))
    assert app.path == "/afteraction/"
    expect(app.page.get_by_role("heading", level=1)).to_have_text("After-action reports")


def open_report(app, report: Report) -> None:
    """From the repository's list: a commission in progress, or a published report."""
    open_repository(app)
    row = app.page.get_by_test_id(f"commission-{report.pk}").or_(
        app.page.get_by_test_id(f"report-{report.pk}")
    )
    app.click_and_wait(row.get_by_role("link").first)
    assert app.path == f"/afteraction/reports/{report.pk}/"


def commission(app, spec: ReportSpec, author_name: str) -> Report:
    """The directorate commissions a report on a crisis in a country over a period."""
    page = app.page
    open_repository(app)
    app.click_and_wait(page.get_by_test_id("commission"))
    form = page.get_by_test_id("commission-form")
    form.get_by_label("Title of the report").fill(spec.title)
    form.get_by_label("What the report is about").select_option(
        label="A crisis in a country over a period"
    )
    form.get_by_label("Country", exact=True).select_option(label=spec.country)
    form.get_by_label("Period from").fill(spec.period[0].isoformat())
    form.get_by_label("Period to").fill(spec.period[1].isoformat())
    form.get_by_label("Scope questions").fill(spec.scope)
    form.get_by_label("Author team").select_option(label=author_name)
    form.get_by_label("Marking of the report").select_option(label="UNCLASSIFIED")
    app.submit("Commission the report")
    report = Report.objects.get(title=spec.title, revision=1)
    assert app.path == f"/afteraction/reports/{report.pk}/"
    expect(flash(app)).to_contain_text(f"{spec.title} is commissioned")
    expect(status_of(app, report)).to_have_text("Commissioned")
    expect(page.get_by_test_id("authors")).to_contain_text(author_name)
    questions = page.get_by_test_id("scope-questions").get_by_role("listitem")
    expect(questions).to_have_text(spec.scope.splitlines())
    assert report.country.name == spec.country
    assert (report.period_start, report.period_end) == spec.period
    return report


def take_step(app, report: Report, action: str, label: str, status: str) -> None:
    """Press a button of the report's "Next steps"."""
    form = app.page.get_by_test_id(f"action-{action}")
    app.submit(form.get_by_role("button", name=label, exact=True))
    assert app.path == f"/afteraction/reports/{report.pk}/"
    expect(flash(app)).to_contain_text(f"The report is now: {status}.")
    expect(status_of(app, report)).to_have_text(status)


def write_text(app, report: Report, summary: str, narrative: str, findings: str) -> None:
    page = app.page
    app.click_and_wait(page.get_by_test_id("edit-text"))
    assert app.path == f"/afteraction/reports/{report.pk}/edit/"
    form = page.get_by_test_id("report-form")
    form.get_by_label("Summary", exact=True).fill(summary)
    form.get_by_label("Narrative", exact=True).fill(narrative)
    form.get_by_label("Findings", exact=True).fill(findings)
    app.submit("Save the report")
    assert app.path == f"/afteraction/reports/{report.pk}/"
    expect(flash(app)).to_contain_text("The report is saved.")
    expect(page.get_by_test_id("summary")).to_have_text(summary)
    expect(page.get_by_test_id("findings")).to_have_text(findings)


def cite_tier_change(app, report: Report, change: TierChange, label: str) -> None:
    """The link picker: the tier change of the period, cited in the narrative."""
    page = app.page
    app.click_and_wait(page.get_by_test_id("add-link"))
    assert app.path == f"/afteraction/reports/{report.pk}/links/"
    row = page.get_by_test_id(f"candidate-tier_change-{change.pk}")
    expect(row).to_contain_text(label)
    app.submit(row.get_by_role("button", name=f"Cite {label}"))
    assert app.path == f"/afteraction/reports/{report.pk}/#links"
    expect(flash(app)).to_contain_text(f"The narrative now cites “{label}”.")
    link = report.links.get(tier_change=change)
    expect(page.get_by_test_id(f"link-{link.pk}")).to_contain_text(label)


def add_lesson(app, report: Report, spec: LessonSpec, country: str) -> Lesson:
    page = app.page
    app.click_and_wait(page.get_by_test_id("add-lesson"))
    assert app.path == f"/afteraction/reports/{report.pk}/lessons/add/"
    form = page.get_by_test_id("lesson-form")
    # the report's country is offered as the lesson's first tag
    expect(form.get_by_label("Countries")).to_have_values([report.country_id])
    form.get_by_label("Lesson", exact=True).fill(spec.statement)
    form.get_by_label("Recommendation").fill(spec.recommendation)
    form.get_by_label("Evidence").fill(spec.evidence)
    form.get_by_label("Outcome of what was done").select_option(label=spec.outcome)
    form.get_by_label("Tools (from the catalogue)").select_option(label=list(spec.tools))
    form.get_by_label("Strategies").select_option(label=list(spec.strategies))
    form.get_by_label("Target groups").select_option(label=list(spec.target_groups))
    app.submit("Save the lesson")
    assert app.path == f"/afteraction/reports/{report.pk}/#lessons"
    expect(flash(app)).to_contain_text("The lesson is saved.")
    lesson = report.lessons.get(statement=spec.statement)
    shown = page.get_by_test_id(f"lesson-{lesson.pk}")
    expect(shown).to_contain_text(spec.statement)
    for name in (country, *spec.tools, *spec.strategies, *spec.target_groups):
        expect(shown).to_contain_text(name)
    assert sorted(lesson.countries.values_list("name", flat=True)) == [country]
    assert sorted(lesson.tools.values_list("name", flat=True)) == sorted(spec.tools)
    assert lesson.get_outcome_display() == spec.outcome
    return lesson


def write_and_submit(app, report: Report, spec: ReportSpec, cite=None) -> list[Lesson]:
    """The author: start drafting, write the text, cite a record (`cite(app, report)`), add
    the lessons, submit for review."""
    open_report(app, report)
    expect(app.page.get_by_test_id("edit-commission")).to_have_count(0)  # the directorate's
    take_step(app, report, "start", "Start drafting", "Drafting")
    write_text(app, report, spec.summary, spec.narrative, spec.findings)
    if cite is not None:
        cite(app, report)
    lessons = [add_lesson(app, report, lesson, spec.country) for lesson in spec.lessons]
    expect(app.page.get_by_test_id("action-publish")).to_have_count(0)  # not the author's
    take_step(app, report, "submit", "Submit for review", "In review")
    # in review, the authors write no more
    expect(app.page.get_by_test_id("edit-text")).to_have_count(0)
    expect(app.page.get_by_test_id("add-lesson")).to_have_count(0)
    return lessons


def publish(app, report: Report) -> None:
    open_report(app, report)
    take_step(app, report, "publish", "Publish", "Published")
    report.refresh_from_db()
    assert report.status == Report.Status.PUBLISHED and report.published_at is not None
    # nothing on the published report's page writes it
    page = app.page
    for testid in ("edit-text", "add-lesson", "add-link", "edit-commission"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    expect(page.locator("#lessons").get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    expect(page.get_by_test_id("revise-form")).to_be_visible()


def open_plan(app, plan: Plan) -> None:
    app.click_and_wait(app.page.get_by_role("link", name="Plans", exact=True))
    row = app.page.get_by_test_id(f"plan-{plan.pk}")
    app.click_and_wait(row.get_by_role("link", name=plan.title, exact=True))
    assert app.path == f"/plans/{plan.pk}/"


def panel_lesson(app, lesson: Lesson) -> Locator:
    return app.page.get_by_test_id("lessons-panel").get_by_test_id(f"panel-lesson-{lesson.pk}")


def consider(app, plan: Plan, lesson: Lesson, note: str) -> None:
    """A drafting-team member marks a lesson of the plan's panel considered, with a note."""
    form = panel_lesson(app, lesson).get_by_test_id(f"consider-{lesson.pk}")
    form.get_by_label("How the plan takes this lesson into account").fill(note)
    app.submit(form.get_by_role("button", name=re.compile("^Mark considered")))
    assert app.path == f"/plans/{plan.pk}/#lessons"
    expect(flash(app)).to_contain_text("The lesson is marked considered.")
    item = panel_lesson(app, lesson)
    expect(item).to_have_attribute("data-considered", "yes")
    expect(item.get_by_test_id(f"note-{lesson.pk}")).to_contain_text(note)


def search(app, words: str) -> None:
    """The repository's search form, from the list page or the search page itself."""
    page = app.page
    if not app.path.startswith("/afteraction/search/"):
        open_repository(app)
        app.click_and_wait(page.get_by_test_id("search-link"))
    form = page.get_by_test_id("search-form")
    form.get_by_label("Search words").fill(words)
    app.submit(form.get_by_role("button", name="Search", exact=True))
    assert app.path.startswith("/afteraction/search/?")


def result_count(app) -> Locator:
    return app.page.get_by_test_id("result-count")


def facet(app, name: str, key: str) -> Locator:
    return app.page.get_by_test_id("facets").get_by_test_id(f"facet-{name}-{key}")


def hit(app, lesson: Lesson) -> Locator:
    return app.page.get_by_test_id("results").get_by_test_id(f"hit-{lesson.pk}")


def refused_to_edit(app, report: Report, *, author: bool) -> None:
    """The edit URL of a published report: the author team is told it never changes (and is
    given no form); anyone else is not permitted to write it at all."""
    page = app.page
    url = f"/afteraction/reports/{report.pk}/edit/"
    if author:
        app.goto(url)
        expect(page.get_by_test_id("not-editable")).to_have_text(EDIT_REFUSAL)
    else:
        app.goto(url, status=403)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not permitted")
    expect(page.get_by_test_id("report-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Save the report")).to_have_count(0)


# --- The tests ------------------------------------------------------------------------------


def test_a_commissioned_report_is_published_and_its_lessons_reach_a_plan_and_search(app, committee):
    page = app.page
    spec = sudan_report()
    author = committee(AUTHOR)
    # the prevention plan its move to "moderate concern" opened (plans.services.plan_for_task)
    plan = Plan.objects.get(country_id="SDN", kind=Plan.Kind.PREVENTION)
    assert plan.status == Plan.Status.DRAFT
    change = TierChange.objects.get(country_id="SDN", to_tier=Tier.HIGH_RISING)
    assert spec.period[0] <= change.effective <= spec.period[1]
    change_label = "Sudan: Moderate concern → High and rising"

    # The directorate commissions the report; the author team is one committee member.
    app.login("directorate", DEMO_PASSWORD)
    report = commission(app, spec, AUTHOR_NAME)
    assert report.status == Report.Status.COMMISSIONED
    assert author.has_perm("afteraction.author_report", report)
    app.logout()

    # The author drafts it: the text, a record of the period cited, two tagged lessons.
    app.login(AUTHOR, DEMO_PASSWORD)
    lessons = write_and_submit(
        app,
        report,
        spec,
        cite=lambda app, report: cite_tier_change(app, report, change, change_label),
    )
    done, late = lessons
    app.logout()

    # The directorate reviews and publishes it.
    app.login("directorate", DEMO_PASSWORD)
    publish(app, report)
    history = page.get_by_test_id("history")
    for step in ("Commissioned", "Start drafting", "Submit for review", "Publish"):
        expect(history).to_contain_text(step)
    expect(page.get_by_test_id("links")).to_contain_text(change_label)

    # The Sudan prevention plan being drafted shows both lessons, and the check asks for them.
    open_plan(app, plan)
    check = check_of(page, "lessons_considered")
    expect(check).to_have_attribute("data-ok", "failed")
    expect(check).to_contain_text("2 of the 2 most relevant lessons not yet considered")
    for lesson in lessons:
        expect(panel_lesson(app, lesson)).to_contain_text(lesson.statement)
        expect(panel_lesson(app, lesson)).to_have_attribute("data-considered", "no")
        expect(page.get_by_test_id(f"reasons-{lesson.pk}")).to_contain_text("same country (Sudan)")
    # nothing else bears on the plan; at equal relevance, in the report's order
    shown = page.get_by_test_id("lessons-panel").locator("[data-considered]")
    expect(shown).to_have_count(2)
    expect(shown.first).to_have_attribute("data-testid", f"panel-lesson-{done.pk}")

    # Its owner (on the drafting team) marks them considered; the check changes each time.
    consider(app, plan, done, "Option 2 puts travel bans on the commanders, with the region.")
    check = check_of(page, "lessons_considered")
    expect(check).to_have_attribute("data-ok", "failed")
    expect(check).to_contain_text("1 of the 2 most relevant lessons not yet considered")
    consider(app, plan, late, "Relief is pre-positioned in the section on the victims.")
    check = check_of(page, "lessons_considered")
    expect(check).to_have_attribute("data-ok", "ok")
    expect(check).to_contain_text("The 2 most relevant lessons have been considered.")
    assert set(plan.lesson_considerations.values_list("lesson_id", flat=True)) == {
        done.pk,
        late.pk,
    }

    # Search finds the lessons, the match highlighted, with facets that narrow the results.
    search(app, "besieged")
    expect(result_count(app)).to_contain_text("2 lessons found for “besieged”")
    for lesson in lessons:
        expect(hit(app, lesson).locator("mark").first).to_have_text(re.compile(r"^besieg"))
    expect(facet(app, "country", "SDN")).to_contain_text("Sudan (2)")
    expect(facet(app, "outcome", "worked")).to_contain_text("Worked (1)")
    expect(facet(app, "outcome", "did_not_work")).to_contain_text("Did not work (1)")
    app.click_and_wait(facet(app, "outcome", "worked").get_by_role("link"))
    expect(result_count(app)).to_contain_text("1 lesson found")
    expect(hit(app, done)).to_be_visible()
    expect(hit(app, late)).to_have_count(0)
    expect(page.get_by_test_id("active-filters")).to_contain_text("Outcome: Worked")
    search(app, "convoys")
    expect(result_count(app)).to_contain_text("0 lessons found")  # the filter still applies
    app.click_and_wait(page.get_by_test_id("active-filters").get_by_role("link", name="Remove all"))
    search(app, "convoys")
    expect(result_count(app)).to_contain_text("1 lesson found for “convoys”")
    # the statement and the evidence both hold the word: each match marked
    expect(hit(app, late).locator("mark")).to_have_text(["convoys", "convoys"])
    app.click_and_wait(hit(app, late).get_by_role("link", name=re.compile("convoys")))
    assert app.path == f"/afteraction/lessons/{late.pk}/"

    # The published report offers no edit; its edit URL answers with the refusal.
    refused_to_edit(app, report, author=False)
    app.logout()
    app.login(AUTHOR, DEMO_PASSWORD)
    open_report(app, report)
    for testid in ("edit-text", "add-lesson", "add-link"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    refused_to_edit(app, report, author=True)
    report.refresh_from_db()
    assert report.summary == spec.summary and report.lessons.count() == 2


def found(app, n: int) -> None:
    expect(result_count(app)).to_have_text(re.compile(rf"^{n} lessons? found"))


def count_of(locator: Locator) -> int:
    return int(re.search(r"\((\d+)\)", locator.inner_text()).group(1))


def test_the_search_page_narrows_the_annex_a_cases_with_its_facets(app, seeded, monkeypatch):
    """Over the Annex A demo (afteraction.demo; seeds/003_f6ce1c28a03a1958.txt, "Annex A. Case
    illustrations of the four general strategies"): each facet value chosen narrows the
    results to the count it showed; words search within the filters; removing a filter widens
    the results again."""
    users = seed_without_plans(monkeypatch)  # the after-action demo stays on
    page = app.page
    analyst = users("analyst.state")  # cleared CONFIDENTIAL: the counts are what she may see
    assert Lesson.objects.filter(report__status=Report.Status.PUBLISHED).count() >= 8

    app.login(analyst.username, DEMO_PASSWORD)
    open_repository(app)
    app.click_and_wait(page.get_by_test_id("search-link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the repository")
    app.submit(page.get_by_test_id("search-form").get_by_role("button", name="Search"))
    total = int(re.match(r"(\d+) lessons found", result_count(app).inner_text()).group(1))
    assert total >= 8
    hits = page.get_by_test_id("results").locator("[data-testid^=hit-]")

    # Country: the Kenya case only.
    n_kenya = count_of(facet(app, "country", "KEN"))
    assert 1 < n_kenya < total
    app.click_and_wait(facet(app, "country", "KEN").get_by_role("link"))
    found(app, n_kenya)
    expect(hits).to_have_count(n_kenya)
    expect(facet(app, "country", "KEN")).to_have_attribute("data-selected", "true")
    for text in hits.all_inner_texts():
        assert "Kenya" in text

    # Then an outcome within it: what worked in Kenya.
    n_worked = count_of(facet(app, "outcome", "worked"))
    assert 0 < n_worked < n_kenya
    app.click_and_wait(facet(app, "outcome", "worked").get_by_role("link"))
    found(app, n_worked)
    expect(hits).to_have_count(n_worked)
    active = page.get_by_test_id("active-filters")
    expect(active).to_contain_text("Country: Kenya")
    expect(active).to_contain_text("Outcome: Worked")
    for text in hits.all_inner_texts():
        assert "Outcome: Worked" in text and "Kenya" in text

    # Words within the filters, highlighted; removing the country filter widens them again.
    form = page.get_by_test_id("search-form")
    form.get_by_label("Search words").fill("assistance")
    app.submit(form.get_by_role("button", name="Search"))
    n_words = int(re.match(r"(\d+) lessons? found", result_count(app).inner_text()).group(1))
    assert 0 < n_words <= n_worked
    expect(hits.first.locator("mark").first).to_have_text(re.compile("^assist", re.I))
    app.click_and_wait(active.get_by_role("link", name=re.compile("^Country")))
    expect(active).not_to_contain_text("Country:")
    expect(active).to_contain_text("Outcome: Worked")
    widened = int(re.match(r"(\d+) lessons? found", result_count(app).inner_text()).group(1))
    assert widened > n_words  # assistance worked elsewhere too (the CAR case)
    expect(facet(app, "country", "CAF")).to_be_visible()
