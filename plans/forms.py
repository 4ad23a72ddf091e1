"""Forms of the plan pages (the list, a new plan, the overview's panels: actions, drafting team,
red team, rehearsals; the version comparison). They parse input only: plans/services.py holds
the rules, and the views put a service's `Invalid` errors back on these forms. The editor's and
the playbooks' forms live in plans/forms_editor.py.

Several forms share the overview, so each has labels that name one field on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from apc.core import markings
from apc.core.forms import StyledForm
from apc.models import User
from plans.models import Plan, PlanSection, Rehearsal

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def person(user: User) -> str:
    return user.get_full_name() or user.username


def user_choices(users: Iterable[User], blank: str) -> list:
    """Users grouped by agency (optgroups), the blank choice first."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for u in users:
        groups.setdefault(u.agency.short_name, []).append((u.pk, person(u)))
    return [("", blank), *groups.items()]


class _UserPick(StyledForm):
    """A select of users (offered by the view); `cleaned_data[field]` is the User."""

    field_name = "user"

    def __init__(self, *args: Any, users: Iterable[User], **kwargs: Any) -> None:
        self._users = {u.pk: u for u in users}
        super().__init__(*args, **kwargs)
        self.fields[self.field_name].choices = user_choices(
            self._users.values(), blank="Choose a person"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value = data.get(self.field_name)
        if value:
            data[self.field_name] = self._users[int(value)]
        return data


class NewPlanForm(StyledForm):
    """A plan for a country of `moderate` concern (prevention) or `high_rising` (response)."""

    country = forms.ChoiceField(
        label="Country",
        help_text="Countries of moderate concern take a prevention plan; high and rising ones a "
        "response plan.",
    )
    kind = forms.ChoiceField(label="Kind of plan", choices=[("", "Choose"), *Plan.Kind.choices])
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="Leave empty for “<kind of plan>: <country>”.",
    )
    marking = forms.ChoiceField(label="Marking of the plan")

    def __init__(
        self, *args: Any, countries: list[tuple[str, str, str]], clearance: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", "Choose a country"),
            *((iso3, f"{name} ({tier})") for iso3, name, tier in countries),
        ]
        self.fields["marking"].choices = [(m, markings.label(m)) for m in markings.up_to(clearance)]


class TransitionForm(StyledForm):
    """One step of the life cycle, with a comment (and, for the briefing to Congress, who was
    briefed when)."""

    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    date = forms.DateField(label="Date of the briefing", required=False, widget=DATE_INPUT)
    committees = forms.CharField(
        label="Committees briefed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    members = forms.CharField(
        label="Members briefed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def briefing(self) -> dict[str, Any] | None:
        if self.cleaned_data.get("action") != "brief_congress":
            return None
        return {k: self.cleaned_data.get(k) for k in ("date", "committees", "members")}


class TeamAddForm(_UserPick):
    user = forms.ChoiceField(label="Add to the drafting team")


class ReviewerForm(_UserPick):
    field_name = "reviewer"
    reviewer = forms.ChoiceField(label="Red-team reviewer")


class FindingForm(StyledForm):
    section_key = forms.ChoiceField(label="Section of the finding")
    text = forms.CharField(label="Finding", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sections: Iterable[PlanSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section_key"].choices = [
            ("", "Choose a section"),
            *((s.key, s.title) for s in sections),
        ]


class FindingResponseForm(StyledForm):
    response = forms.CharField(label="Answer", widget=forms.Textarea(attrs={"rows": 2}))


class RehearsalForm(StyledForm):
    kind = forms.ChoiceField(label="Kind of exercise", choices=Rehearsal.Kind.choices)
    held_on = forms.DateField(label="Held on", widget=DATE_INPUT)
    participants = forms.CharField(label="Participants", widget=forms.Textarea(attrs={"rows": 2}))
    results = forms.CharField(label="Results", widget=forms.Textarea(attrs={"rows": 3}))


class CompareForm(StyledForm):
    """Two version numbers to compare (left: older, right: newer)."""

    a = forms.TypedChoiceField(label="Compare version", coerce=int)
    b = forms.TypedChoiceField(label="with version", coerce=int)
    only_changed = forms.BooleanField(label="Show changed fields only", required=False)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
