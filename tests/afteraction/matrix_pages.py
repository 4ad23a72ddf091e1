"""Permission-matrix rows of the after-action pages (merged by tests/test_permission_matrix.py):
every route of afteraction/urls.py × every role and anonymous.

Source of the rules: afteraction/policy.py (seeds/000, "Crisis Response Structure and Process":
the directorate commissions the reports; the repository is "permanent and accessible"). A
published report, its lessons and its PDF are read by every crisis role (co-chairs, members,
the directorate, analysts, the red team, the Deputies and Principals secretariats); the auditor
and service accounts see nothing of the repository (404 on records, 403 on lists). A report not
yet published is seen by the directorate and its author team only (404 to others). The author
team writes (the "mine" targets make the calling user an author when their role may write
reports); the directorate steers (commission, team, life cycle, revisions) but does not write
unless on the team (403). Exercises are the directorate's records, read by the co-chairs. The
lessons panel's "considered" marks are the plan's drafting team's (the directorate): a co-chair
who sees the plan is refused (403), others do not see a draft plan (404).

The matrix posts no body: where the role may act, a form answers 400 with its errors, or, where
nothing is needed (remove an author, a lesson, a link), the step is done (302); the "considered"
marks answer with a redirect to the plan and the error as a message (302). Anonymous users are
sent to sign in.
"""

from __future__ import annotations

from typing import Any

from afteraction import services
from afteraction.models import Report
from apc.core import roles
from tests.afteraction import support as s
from tests.plans.support import make_plan
from tests.test_permission_matrix import each

A = roles
DIR, CHAIR = A.DIRECTORATE, A.CO_CHAIR
MISSING = 987654321
NON_READERS = {A.AUDITOR: 404, A.API_CLIENT: 404}
WRITERS = (A.DIRECTORATE, A.MEMBER, A.ANALYST, A.CO_CHAIR, A.RED_TEAM)  # services.AUTHOR_ROLES
MINE = {role: 200 for role in WRITERS}


def _team(user: Any) -> list:
    """The calling user is on the author team when their role may write reports."""
    if user is not None and user.roles & services.AUTHOR_ROLES:
        return [user]
    return [s.author()]


def _draft(user: Any = None, *, mine: bool = False) -> Report:
    return s.commission(authors=_team(user) if mine else [s.author()])


def _published_with_link() -> Report:
    """A published report with a lesson and a narrative link (to a plan)."""
    writer = s.directorate()
    report = s.commission(authors=[writer])
    s.write(report, writer)
    s.lesson(report, writer)
    services.link_add(actor=writer, report=report, kind="plan", record=make_plan())
    return s.publish(report, writer)


def _two_authors() -> list[int]:
    first, second = s.author(), s.author()
    report = s.commission(authors=[first, second])
    return [report.pk, second.pk]


def _mine_lesson(user: Any) -> list[int]:
    team = _team(user)
    report = s.commission(authors=team)
    return [s.lesson(report, team[0]).pk]


def _draft_lesson() -> list[int]:
    writer = s.author()
    report = s.commission(authors=[writer])
    return [s.lesson(report, writer).pk]


def _exercise() -> list[int]:
    from datetime import date

    exercise = services.exercise_record(
        actor=s.directorate(),
        kind="procedures",
        title="Tabletop of the crisis procedures",
        held_on=date(2024, 3, 1),
        scenario="Mass killings in a border region.",
        participants="Directorate; State; Defense.",
        results="The emergency meeting convened in 36 hours.",
    )
    return [exercise.pk]


def _plan_and_lesson() -> list[int]:
    report = s.published_report(iso3="SDN")
    plan = make_plan(iso3="SDN")
    return [plan.pk, report.lessons.get().pk]


TARGETS = {
    "aa_published": lambda user: [s.published_report().pk],
    "aa_draft": lambda user: [_draft().pk],
    "aa_mine": lambda user: [_draft(user, mine=True).pk],
    "aa_missing": lambda user: [MISSING],
    "aa_two_authors": lambda user: _two_authors(),
    "aa_published_lesson": lambda user: [s.published_report().lessons.get().pk],
    "aa_draft_lesson": lambda user: _draft_lesson(),
    "aa_mine_lesson": _mine_lesson,
    "aa_published_link": lambda user: [_published_with_link().links.get().pk],
    "aa_exercise": lambda user: _exercise(),
    "aa_plan_lesson": lambda user: _plan_and_lesson(),
    "aa_plan_lesson_missing": lambda user: [MISSING, MISSING],
}

READ = each(200, **NON_READERS)  # a published record
LIST = each(200, **{A.AUDITOR: 403, A.API_CLIENT: 403})  # a repository page
STAFF_ONLY = each(404, **{DIR: 200})  # a record not yet published
SEE_NOT_DO = each(403, **NON_READERS)  # readers of a published record who may not act on it

MATRIX = {
    # The list, the search: the readers of the repository.
    ("afteraction:report-list", None, "GET"): LIST,
    ("afteraction:search", None, "GET"): LIST,
    # Commissioning: the directorate (no body posted: 400).
    ("afteraction:report-commission", None, "GET"): each(403, **{DIR: 200}),
    ("afteraction:report-commission", None, "POST"): each(403, **{DIR: 400}),
    # A report: published for every reader; a commission for the directorate and its authors.
    ("afteraction:report-detail", "aa_published", "GET"): READ,
    ("afteraction:report-detail", "aa_draft", "GET"): STAFF_ONLY,
    ("afteraction:report-detail", "aa_mine", "GET"): each(404, **MINE),
    ("afteraction:report-detail", "aa_missing", "GET"): each(404),
    # Writing: the author team only; a published report is read, never written (403).
    ("afteraction:report-edit", "aa_mine", "GET"): each(404, **MINE),
    ("afteraction:report-edit", "aa_mine", "POST"): each(404, **{r: 400 for r in WRITERS}),
    ("afteraction:report-edit", "aa_draft", "GET"): each(404, **{DIR: 403}),
    ("afteraction:report-edit", "aa_published", "GET"): SEE_NOT_DO,
    ("afteraction:report-edit", "aa_missing", "GET"): each(404),
    # The commission: the directorate.
    ("afteraction:commission-edit", "aa_draft", "GET"): STAFF_ONLY,
    ("afteraction:commission-edit", "aa_draft", "POST"): each(404, **{DIR: 400}),
    ("afteraction:commission-edit", "aa_published", "GET"): each(403, **NON_READERS, **{DIR: 200}),
    ("afteraction:commission-edit", "aa_published", "POST"): each(403, **NON_READERS, **{DIR: 409}),
    ("afteraction:commission-edit", "aa_missing", "GET"): each(404),
    ("afteraction:author-add", "aa_draft", "POST"): each(404, **{DIR: 400}),
    ("afteraction:author-add", "aa_published", "POST"): each(403, **NON_READERS, **{DIR: 400}),
    ("afteraction:author-add", "aa_missing", "POST"): each(404),
    ("afteraction:author-remove", "aa_two_authors", "POST"): each(404, **{DIR: 302}),
    # Lessons: added by the author team; read wherever the report is.
    ("afteraction:lesson-add", "aa_mine", "GET"): each(404, **MINE),
    ("afteraction:lesson-add", "aa_mine", "POST"): each(404, **{r: 400 for r in WRITERS}),
    ("afteraction:lesson-add", "aa_draft", "GET"): each(404, **{DIR: 403}),
    ("afteraction:lesson-add", "aa_published", "POST"): SEE_NOT_DO,
    ("afteraction:lesson-add", "aa_missing", "GET"): each(404),
    ("afteraction:lesson-detail", "aa_published_lesson", "GET"): READ,
    ("afteraction:lesson-detail", "aa_draft_lesson", "GET"): STAFF_ONLY,
    ("afteraction:lesson-detail", "aa_missing", "GET"): each(404),
    ("afteraction:lesson-edit", "aa_mine_lesson", "GET"): each(404, **MINE),
    ("afteraction:lesson-edit", "aa_published_lesson", "GET"): SEE_NOT_DO,
    ("afteraction:lesson-edit", "aa_draft_lesson", "POST"): each(404, **{DIR: 403}),
    ("afteraction:lesson-edit", "aa_missing", "GET"): each(404),
    ("afteraction:lesson-remove", "aa_mine_lesson", "POST"): each(404, **{r: 302 for r in WRITERS}),
    ("afteraction:lesson-remove", "aa_published_lesson", "POST"): SEE_NOT_DO,
    ("afteraction:lesson-remove", "aa_missing", "POST"): each(404),
    # Narrative links: picked and removed by the author team.
    ("afteraction:link-add", "aa_mine", "GET"): each(404, **MINE),
    ("afteraction:link-add", "aa_mine", "POST"): each(404, **{r: 400 for r in WRITERS}),
    ("afteraction:link-add", "aa_draft", "GET"): each(404, **{DIR: 403}),
    ("afteraction:link-add", "aa_published", "GET"): SEE_NOT_DO,
    ("afteraction:link-add", "aa_missing", "GET"): each(404),
    ("afteraction:link-remove", "aa_published_link", "POST"): SEE_NOT_DO,
    ("afteraction:link-remove", "aa_missing", "POST"): each(404),
    # The life cycle (no action posted: 400 for those who may take a step, else 403).
    ("afteraction:report-transition", "aa_draft", "POST"): each(404, **{DIR: 400}),
    ("afteraction:report-transition", "aa_mine", "POST"): each(404, **{r: 400 for r in WRITERS}),
    ("afteraction:report-transition", "aa_published", "POST"): each(
        403, **NON_READERS, **{DIR: 400}
    ),
    ("afteraction:report-transition", "aa_missing", "POST"): each(404),
    ("afteraction:report-revise", "aa_published", "POST"): each(403, **NON_READERS, **{DIR: 400}),
    ("afteraction:report-revise", "aa_missing", "POST"): each(404),
    # Re-marking before publication: the directorate (an empty form: 400).
    ("afteraction:report-marking", "aa_draft", "POST"): each(404, **{DIR: 400}),
    ("afteraction:report-marking", "aa_missing", "POST"): each(404),
    # The PDF: whoever reads the report.
    ("afteraction:report-pdf", "aa_published", "GET"): READ,
    ("afteraction:report-pdf", "aa_draft", "GET"): STAFF_ONLY,
    ("afteraction:report-pdf", "aa_missing", "GET"): each(404),
    # Exercises: the directorate records them; the co-chairs read them.
    ("afteraction:exercise-list", None, "GET"): each(403, **{DIR: 200, CHAIR: 200}),
    ("afteraction:exercise-new", None, "GET"): each(403, **{DIR: 200}),
    ("afteraction:exercise-new", None, "POST"): each(403, **{DIR: 400}),
    ("afteraction:exercise-detail", "aa_exercise", "GET"): each(404, **{DIR: 200, CHAIR: 200}),
    ("afteraction:exercise-detail", "aa_missing", "GET"): each(404),
    # Lessons considered on a draft plan: its drafting team (the directorate).
    ("afteraction:lesson-consider", "aa_plan_lesson", "POST"): each(404, **{DIR: 302, CHAIR: 403}),
    ("afteraction:lesson-consider", "aa_plan_lesson_missing", "POST"): each(404),
    ("afteraction:lesson-unconsider", "aa_plan_lesson", "POST"): each(
        404, **{DIR: 302, CHAIR: 403}
    ),
    ("afteraction:lesson-unconsider", "aa_plan_lesson_missing", "POST"): each(404),
}

REFUSED_METHODS = {
    "afteraction:report-list": ("POST",),
    "afteraction:search": ("POST",),
    "afteraction:report-commission": ("PUT", "DELETE"),
    "afteraction:report-detail": ("POST", "PUT", "DELETE"),
    "afteraction:report-edit": ("PUT", "DELETE"),
    "afteraction:author-add": ("GET",),
    "afteraction:author-remove": ("GET",),
    "afteraction:lesson-remove": ("GET",),
    "afteraction:link-remove": ("GET",),
    "afteraction:report-transition": ("GET",),
    "afteraction:report-revise": ("GET",),
    "afteraction:report-marking": ("GET",),
    "afteraction:report-pdf": ("POST",),
    "afteraction:lesson-detail": ("POST",),
    "afteraction:exercise-list": ("POST",),
    "afteraction:exercise-detail": ("POST",),
    "afteraction:lesson-consider": ("GET",),
    "afteraction:lesson-unconsider": ("GET",),
}
