"""Forms of the after-action pages (validation of input only; the rules live in services).

Choices that depend on the user (countries, plans, exercises, people, the markings up to the
user's clearance) are passed in by the view, already restricted to what the user may see;
`cleaned_data` gives back the objects. A service's `Invalid` errors are put back on the fields
with `add_domain_errors` (apc.core.forms.StyledForm).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from afteraction.models import Exercise, Lesson, NarrativeLink, Report
from apc.core import markings
from apc.core.forms import StyledForm, style_form

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def person(user: Any) -> str:
    return user.get_full_name() or user.username


def marking_choices(clearance: str) -> list[tuple[str, str]]:
    return [(m, markings.label(m)) for m in markings.up_to(clearance)]


def people_choices(users: Iterable[Any]) -> list:
    """People grouped by agency (optgroups)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for u in users:
        agency = getattr(u.agency, "short_name", "") or "No agency"
        groups.setdefault(agency, []).append((str(u.pk), person(u)))
    return list(groups.items())


class ConsiderForm(forms.Form):
    """The drafting team marks a lesson considered for its plan, saying how."""

    note = forms.CharField(
        label="How the plan takes this lesson into account",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class _Picks(StyledForm):
    """A form whose choice fields are filled from objects the view passes in; `clean` turns
    the chosen keys back into those objects."""

    picks: dict[str, dict[str, Any]]

    def _offer(self, name: str, objects: Iterable[Any], label, blank: str | None = None) -> None:
        objs = {str(o.pk): o for o in objects}
        self.picks = getattr(self, "picks", {})
        self.picks[name] = objs
        choices = [(k, label(o)) for k, o in objs.items()]
        self.fields[name].choices = [("", blank), *choices] if blank is not None else choices

    def _object(self, name: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        return self.picks[name].get(str(value))


# --- The report list ------------------------------------------------------------------------


class ReportFilterForm(StyledForm):
    """The filters of the report list (all optional)."""

    status = forms.ChoiceField(label="Status", required=False)
    subject = forms.ChoiceField(label="Subject", required=False)
    country = forms.ChoiceField(label="Country", required=False)
    year = forms.IntegerField(
        label="Year", required=False, min_value=1900, max_value=2999, help_text="e.g. 2008"
    )
    superseded = forms.BooleanField(
        label="Also show revisions that a later revision corrects", required=False
    )

    def __init__(self, *args: Any, countries: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *Report.Status.choices]
        self.fields["subject"].choices = [("", "Any subject"), *Report.Subject.choices]
        self.fields["country"].choices = [("", "Any country"), *countries]
        self.fields["superseded"].widget.attrs["class"] = "usa-checkbox__input"


# --- Commissioning --------------------------------------------------------------------------


class CommissionForm(_Picks):
    """The directorate commissions a report: subject, questions, authors, due date, marking."""

    title = forms.CharField(label="Title of the report", max_length=200)
    subject = forms.ChoiceField(label="What the report is about")
    country = forms.ChoiceField(
        label="Country",
        required=False,
        help_text="Required for a crisis; for a plan or a rehearsal, the plan's country is used.",
    )
    plan = forms.ChoiceField(label="Plan", required=False, help_text="For a report on a plan.")
    exercise = forms.ChoiceField(
        label="Exercise or rehearsal", required=False, help_text="For a report on an exercise."
    )
    period_start = forms.DateField(
        label="Period from",
        required=False,
        widget=DATE_INPUT,
        help_text="Required for a crisis and for a series of meetings.",
    )
    period_end = forms.DateField(label="Period to", required=False, widget=DATE_INPUT)
    scope_questions = forms.CharField(
        label="Scope questions",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the report must answer, one question per line.",
    )
    due_on = forms.DateField(label="Due date", widget=DATE_INPUT)
    marking = forms.ChoiceField(label="Marking of the report")
    authors = forms.MultipleChoiceField(
        label="Author team",
        help_text="Hold Ctrl (or Cmd) to choose more than one person.",
    )

    def __init__(
        self,
        *args: Any,
        countries: Iterable[Any],
        plans: Iterable[Any],
        exercises: Iterable[Any],
        candidates: Iterable[Any],
        clearance: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "Choose"), *Report.Subject.choices]
        self._offer("country", countries, lambda c: c.name, "No country")
        self._offer(
            "plan", plans, lambda p: f"{p.title} ({p.country.name}, {p.marking})", "No plan"
        )
        self._offer(
            "exercise", exercises, lambda e: f"{e} ({e.marking})", "No exercise or rehearsal"
        )
        people = list(candidates)
        self.picks["authors"] = {str(u.pk): u for u in people}
        self.fields["authors"].choices = people_choices(people)
        self.fields["marking"].choices = marking_choices(clearance)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("country", "plan", "exercise"):
            data[name] = self._object(name, data.get(name))
        data["authors"] = [self.picks["authors"][k] for k in data.get("authors") or []]
        return data


class CommissionEditForm(StyledForm):
    """The directorate changes the commission until publication."""

    title = forms.CharField(label="Title of the report", max_length=200)
    scope_questions = forms.CharField(
        label="Scope questions",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the report must answer, one question per line.",
    )
    due_on = forms.DateField(label="Due date", widget=DATE_INPUT)


class AuthorAddForm(_Picks):
    user = forms.ChoiceField(label="Add to the author team")

    def __init__(self, *args: Any, candidates: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = list(candidates)
        self.picks = {"user": {str(u.pk): u for u in people}}
        self.fields["user"].choices = [("", "Choose a person"), *people_choices(people)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["user"] = self._object("user", data.get("user"))
        return data


# --- Writing --------------------------------------------------------------------------------


class ReportForm(StyledForm):
    """The report's text; `version` is the one the writer started from (a stale save is a
    409 conflict with both texts shown)."""

    TEXT = (("summary", "Summary"), ("narrative", "Narrative"), ("findings", "Findings"))

    summary = forms.CharField(
        label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What happened and what was done. Cite the records of the period as "
        "narrative links on the report's page.",
    )
    findings = forms.CharField(
        label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    marking = forms.ChoiceField(label="Marking of the report's text")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, clearance: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["marking"].choices = marking_choices(clearance)


def _tool_choices(tools: Iterable[Any]) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for t in tools:
        groups.setdefault(t.source, []).append((str(t.pk), t.name))
    return list(groups.items())


class LessonForm(StyledForm):
    """A lesson: statement, recommendation, evidence, outcome, marking and its tags."""

    TAGS = ("countries", "tools", "strategies", "target_groups", "stages", "agencies")
    MULTI = "Hold Ctrl (or Cmd) to choose more than one."

    statement = forms.CharField(label="Lesson", widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(
        label="Recommendation", widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label="Outcome of what was done",
        choices=Lesson.Outcome.choices,
        initial=Lesson.Outcome.UNKNOWN,
    )
    marking = forms.ChoiceField(label="Marking of the lesson")
    countries = forms.MultipleChoiceField(label="Countries", required=False, help_text=MULTI)
    tools = forms.MultipleChoiceField(
        label="Tools (from the catalogue)", required=False, help_text=MULTI
    )
    strategies = forms.MultipleChoiceField(label="Strategies", required=False, help_text=MULTI)
    target_groups = forms.MultipleChoiceField(
        label="Target groups", required=False, help_text=MULTI
    )
    stages = forms.MultipleChoiceField(label="Escalation stages", required=False, help_text=MULTI)
    agencies = forms.MultipleChoiceField(label="Agencies", required=False, help_text=MULTI)

    def __init__(
        self,
        *args: Any,
        clearance: str,
        countries: Iterable[Any],
        tools: Iterable[Any],
        strategies: Iterable[Any],
        target_groups: Iterable[Any],
        stages: Iterable[Any],
        agencies: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["marking"].choices = marking_choices(clearance)
        self.fields["countries"].choices = [(c.pk, c.name) for c in countries]
        self.fields["tools"].choices = _tool_choices(tools)
        self.fields["strategies"].choices = [(str(s.pk), s.name) for s in strategies]
        self.fields["target_groups"].choices = [(str(g.pk), g.name) for g in target_groups]
        self.fields["stages"].choices = [(str(s.pk), s.name) for s in stages]
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]
        for name in self.TAGS:
            self.fields[name].widget.attrs["size"] = 6

    @staticmethod
    def initial_for(lesson: Lesson) -> dict[str, Any]:
        """The lesson as the form's initial data (its tags prefetched by the caller)."""
        data: dict[str, Any] = {
            k: getattr(lesson, k)
            for k in ("statement", "recommendation", "evidence", "outcome", "marking")
        }
        for name in LessonForm.TAGS:
            data[name] = [str(o.pk) for o in getattr(lesson, name).all()]
        return data

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class LinkForm(StyledForm):
    """A record of the period cited in the narrative: its kind and its id."""

    kind = forms.ChoiceField(label="Kind of record", choices=NarrativeLink.Kind.choices)
    record = forms.IntegerField(label="Record", min_value=1)


# --- The life cycle -------------------------------------------------------------------------


class TransitionForm(StyledForm):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviseForm(StyledForm):
    """A correction of a published report: why, and when the revision is due."""

    reason = forms.CharField(
        label="What the correction is for", widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(
        label="Revision due on",
        required=False,
        widget=DATE_INPUT,
        help_text="Leave empty for 30 days from today.",
    )


# --- Exercises ------------------------------------------------------------------------------


class ExerciseForm(_Picks):
    kind = forms.ChoiceField(label="Kind of exercise")
    title = forms.CharField(label="Title", max_length=200)
    held_on = forms.DateField(label="Held on", widget=DATE_INPUT)
    plan = forms.ChoiceField(
        label="Plan rehearsed", required=False, help_text="For a rehearsal of a plan only."
    )
    scenario = forms.CharField(label="Scenario", widget=forms.Textarea(attrs={"rows": 3}))
    participants = forms.CharField(label="Participants", widget=forms.Textarea(attrs={"rows": 2}))
    results = forms.CharField(label="Results", widget=forms.Textarea(attrs={"rows": 4}))
    marking = forms.ChoiceField(label="Marking of the record")

    def __init__(self, *args: Any, plans: Iterable[Any], clearance: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose"), *Exercise.Kind.choices]
        self._offer(
            "plan", plans, lambda p: f"{p.title} ({p.country.name}, {p.marking})", "No plan"
        )
        self.fields["marking"].choices = marking_choices(clearance)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["plan"] = self._object("plan", data.get("plan"))
        return data


# --- Search ---------------------------------------------------------------------------------


class SearchForm(StyledForm):
    """The words searched and what is searched; the facet filters are read by
    afteraction.search.clean_filters."""

    q = forms.CharField(label="Search words", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Search in",
        required=False,
        choices=[("lessons", "Lessons"), ("reports", "Reports")],
    )


class MarkingForm(StyledForm):
    """The directorate re-marks the report or one of its lessons before publication."""

    target = forms.ChoiceField(label="What to re-mark")
    marking = forms.ChoiceField(label="New marking", choices=markings.Marking.choices)
    reason = forms.CharField(
        label="Why the marking changes", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lessons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("report", "The report's text")] + [
            (str(lesson.pk), f"Lesson {i}: {str(lesson)[:60]}")
            for i, lesson in enumerate(lessons, start=1)
        ]
