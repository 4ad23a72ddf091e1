"""HTML pages of the after-action repository (issue 7): the report list, commissioning, a report
and its parts (text, lessons, narrative links, author team, life cycle, revisions, PDF), a
lesson, the search, the exercises, and the "considered" marks the plan page's lessons panel
posts. afteraction/urls.py names every page; this package holds them:

    reports.py   the list, commissioning, a report's page and its author team
    writing.py   writing the report (409 with both texts on a stale save), the commission
    lifecycle.py the steps of the life cycle, revisions, the PDF
    lessons.py   lessons (add, edit, remove, the lesson's page) and narrative links (the picker)
    find.py      the search, the exercises, lessons considered on a plan
    common.py    helpers they share

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the
directorate "oversees exercising and rehearsal" and commissions "after action" reports "to
generate lessons learned", whose results "must be taken into account in future crises and
policy planning"; "a permanent and accessible repository".

Views are thin: reads through afteraction.selectors (a record the user may not see answers 404
and the attempt is audited), writes through afteraction.services. A policy refusal goes to
DomainErrorMiddleware (403, or 404 when hidden); a service's `Invalid` answers 400 with the page
and the message; a step the report's state no longer allows answers 409; a stale save answers
409 with both texts side by side. Reads of a report, a lesson, the search and the PDF are
audited with the highest marking they showed.
"""

from afteraction.views.find import (
    exercise_detail,
    exercise_list,
    exercise_new,
    lesson_consider,
    lesson_unconsider,
    search,
)
from afteraction.views.lessons import (
    lesson_add,
    lesson_detail,
    lesson_edit,
    lesson_remove,
    link_add,
    link_candidates,
    link_remove,
)
from afteraction.views.lifecycle import (
    report_marking,
    report_pdf,
    report_revise,
    report_transition,
)
from afteraction.views.reports import (
    author_add,
    author_remove,
    report_commission,
    report_detail,
    report_list,
)
from afteraction.views.writing import commission_edit, report_edit

__all__ = [
    "report_marking",
    "author_add",
    "author_remove",
    "commission_edit",
    "exercise_detail",
    "exercise_list",
    "exercise_new",
    "lesson_add",
    "lesson_consider",
    "lesson_detail",
    "lesson_edit",
    "lesson_remove",
    "lesson_unconsider",
    "link_add",
    "link_candidates",
    "link_remove",
    "report_commission",
    "report_detail",
    "report_edit",
    "report_list",
    "report_pdf",
    "report_revise",
    "report_transition",
    "search",
]
