"""Permission-matrix rows of the after-action REST API (merged by tests/test_permission_matrix.py).

Who sees what (afteraction/policy.py; the brief of issue 7): a published report, its lessons and
the lists are for every crisis role (co-chairs, members, the directorate, analysts, the red
team, the Deputies and Principals secretariats); the auditor and service accounts get 403 on
the lists and 404 on records. A report not yet published is the directorate's (and its author
team's, which no matrix user is on). Nothing is written through the API: write methods answer
405, or 403 to service accounts, which are refused before any lookup (issue 7: "a published
report never changes and is never deleted, by anyone, through any path").
"""

from __future__ import annotations

from afteraction.models import Lesson
from apc.core import roles
from tests.afteraction import support as s

API_ANON = 401
A = roles


def each(status: int, anon: int = API_ANON, **overrides: int) -> dict[str, int]:
    """As tests/test_permission_matrix.each, for the API (anonymous: 401)."""
    return {**dict.fromkeys(roles.ALL, status), "anonymous": anon, **overrides}


def to(status: int, who: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(who, status)


def _published(user) -> list[int]:
    return [s.published_report().pk]


def _commissioned(user) -> list[int]:
    return [s.commission().pk]


def _lesson(user) -> list[int]:
    return [Lesson.objects.filter(report=s.published_report()).get().pk]


def _draft_lesson(user) -> list[int]:
    writer = s.author()
    report = s.commission(authors=[writer])
    return [s.lesson(report, writer).pk]


TARGETS = {
    "aa_api_published": _published,
    "aa_api_commissioned": _commissioned,
    "aa_api_unknown": lambda user: [987654321],
    "aa_api_lesson": _lesson,
    "aa_api_draft_lesson": _draft_lesson,
}

READERS = (A.CO_CHAIR, A.MEMBER, A.DIRECTORATE, A.ANALYST, A.RED_TEAM, A.DEPUTIES, A.PRINCIPALS)
LIST = each(403, **to(200, READERS))
SEE_PUBLISHED = each(404, **to(200, READERS))
SEE_UNPUBLISHED = each(404, **{A.DIRECTORATE: 200})
# no write route: 405 for whoever gets past authentication, 403 for service accounts first
WRITE = each(405, **{A.API_CLIENT: 403})

REPORTS, REPORT = "api:afteraction-report-list", "api:afteraction-report-detail"
LESSONS, LESSON = "api:lesson-list", "api:lesson-detail"

MATRIX = {
    (REPORTS, None, "GET"): LIST,
    (REPORTS, None, "POST"): WRITE,
    (REPORT, "aa_api_published", "GET"): SEE_PUBLISHED,
    (REPORT, "aa_api_commissioned", "GET"): SEE_UNPUBLISHED,
    (REPORT, "aa_api_unknown", "GET"): each(404),
    (REPORT, "aa_api_published", "PUT"): WRITE,
    (REPORT, "aa_api_published", "PATCH"): WRITE,
    (REPORT, "aa_api_published", "DELETE"): WRITE,
    (LESSONS, None, "GET"): LIST,
    (LESSONS, None, "POST"): WRITE,
    (LESSON, "aa_api_lesson", "GET"): SEE_PUBLISHED,
    (LESSON, "aa_api_draft_lesson", "GET"): SEE_UNPUBLISHED,
    (LESSON, "aa_api_unknown", "GET"): each(404),
    (LESSON, "aa_api_lesson", "PUT"): WRITE,
    (LESSON, "aa_api_lesson", "DELETE"): WRITE,
}

REFUSED_METHODS = {
    REPORTS: ("POST", "PUT", "DELETE"),
    REPORT: ("POST", "PUT", "PATCH", "DELETE"),
    LESSONS: ("POST", "PUT", "DELETE"),
    LESSON: ("POST", "PUT", "PATCH", "DELETE"),
}
