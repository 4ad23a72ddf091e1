"""Forms of the meeting pages. They parse input only: apc/meetings/services.py holds the rules,
and the views put a service's `Invalid` errors back on these forms (StyledForm).

Several forms share the meeting page, so each has a prefix there (unique ids and names) and
labels that say which form they belong to ("Decision marking", "Action marking"), so a label
names one field on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps

from apc.core import markings
from apc.core.forms import StyledForm
from apc.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Membership
from apc.models import Agency, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNLISTED = "unlisted"


def tier_choices() -> list[tuple[str, str]]:
    """The watchlist's tiers (looked up at run time: apc does not import the watchlist), and
    "not listed" to take a country off the list."""
    tiers = apps.get_model("watchlist", "Country")._meta.get_field("tier").choices
    return [
        ("", "Not a tier change"),
        *tiers,
        (UNLISTED, "Not listed (remove from the watchlist)"),
    ]


class AgencyField(forms.ModelChoiceField):
    """An agency select that shows full names (in the order of the names)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Agency.objects.order_by("name"), **kwargs)

    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


def marking_choices(clearance: str) -> list[tuple[str, str]]:
    """The markings a user may give: those up to their own clearance."""
    return [(m, markings.label(m)) for m in markings.up_to(clearance)]


def person(user: User) -> str:
    return user.get_full_name() or user.username


def user_choices(users: Iterable[User], blank: str = "Nobody in particular") -> list:
    """Users grouped by agency (optgroups), the blank choice first."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for u in users:
        groups.setdefault(u.agency.short_name, []).append((u.pk, person(u)))
    return [("", blank), *groups.items()]


class _Marked(StyledForm):
    """A form with a marking field, limited to the author's clearance."""

    marking_field = "marking"

    def __init__(self, *args: Any, clearance: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.marking_field].choices = marking_choices(clearance)


class _UserPick:
    """Resolves a user id chosen in a select to the User (from the users offered)."""

    def _pick(self, name: str, users: dict[int, User]) -> User | None:
        value = self.cleaned_data.get(name)
        if not value:
            return None
        user = users.get(int(value))
        if user is None:
            self.add_error(name, "Choose someone from the list.")
        return user


# --- The agenda -----------------------------------------------------------------------------


class AgendaItemForm(_Marked):
    """Add an item to a draft agenda by hand."""

    title = forms.CharField(label="Item title", max_length=200)
    notes = forms.CharField(
        label="Item notes", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    section = forms.TypedChoiceField(
        label="Section",
        coerce=int,
        choices=AgendaItem.Section.choices,
        initial=AgendaItem.Section.OTHER,
    )
    presenter_agency = AgencyField(
        label="Presenter agency",
        required=False,
        empty_label="None yet",
    )
    minutes_allocated = forms.IntegerField(
        label="Minutes allocated", required=False, min_value=1, max_value=600
    )
    marking = forms.ChoiceField(label="Item marking", initial=markings.LOWEST)


class AgendaItemEditForm(StyledForm):
    """Give an item a presenter agency and a time; a hand-added item's text can change too."""

    title = forms.CharField(label="Item title", max_length=200)
    notes = forms.CharField(
        label="Item notes", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    presenter_agency = AgencyField(
        label="Presenter agency",
        required=False,
        empty_label="None yet",
    )
    minutes_allocated = forms.IntegerField(
        label="Minutes allocated", required=False, min_value=1, max_value=600
    )

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": item.title,
                "notes": item.notes,
                "presenter_agency": item.presenter_agency_id,
                "minutes_allocated": item.minutes_allocated,
            },
        )
        super().__init__(*args, **kwargs)
        if item.key:  # generated: its text comes from the agenda selector
            del self.fields["title"]
            del self.fields["notes"]


# --- Attendance -----------------------------------------------------------------------------


class AttendanceForm(StyledForm):
    """Per member agency: principal, alternate or absent, and who came (a user of that
    agency); and the co-chairs present."""

    co_chairs_present = forms.MultipleChoiceField(
        label="Co-chairs present", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        rows: list[Attendance],
        people: dict[int, list[User]],
        co_chairs: list[User],
        present: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.people = {u.pk: u for users in people.values() for u in users}
        self.chairs = {u.pk: u for u in co_chairs}
        for row in rows:
            a = row.agency
            self.fields[f"status_{a.pk}"] = forms.ChoiceField(
                label=a.name,
                choices=Attendance.Status.choices,
                initial=row.status,
                widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
            )
            self.fields[f"attendee_{a.pk}"] = forms.ChoiceField(
                label=f"Attendee for {a.short_name}",
                choices=[("", "Not recorded")] + [(u.pk, person(u)) for u in people.get(a.pk, [])],
                initial=row.attendee_id or "",
                required=False,
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
        field = self.fields["co_chairs_present"]
        field.choices = [(u.pk, person(u)) for u in co_chairs]
        field.initial = [str(pk) for pk in present]
        field.widget.attrs = {"class": "usa-checkbox__input"}

    @property
    def agencies(self) -> list[dict[str, Any]]:
        """Per agency, its status radios and attendee select (for the template)."""
        return [
            {
                "agency": row.agency,
                "status": self[f"status_{row.agency_id}"],
                "attendee": self[f"attendee_{row.agency_id}"],
            }
            for row in self.rows
        ]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        statuses = {}
        for row in self.rows:
            pk = data.get(f"attendee_{row.agency_id}")
            statuses[row.agency_id] = (
                data[f"status_{row.agency_id}"],
                self.people.get(int(pk)) if pk else None,
            )
        chairs = [self.chairs[int(pk)] for pk in data.get("co_chairs_present", [])]
        return {"statuses": statuses, "co_chairs_present": chairs}

    def add_domain_errors(self, errors: dict[str, list[str]], fallback: str = "") -> None:
        renamed = {
            (f"status_{k[len('agency_') :]}" if k.startswith("agency_") else k): v
            for k, v in errors.items()
        }
        super().add_domain_errors(renamed, fallback)


# --- Minutes --------------------------------------------------------------------------------


class MinutesForm(_Marked):
    """The draft minutes (Markdown) and their marking."""

    marking_field = "minutes_marking"

    minutes = forms.CharField(
        label="Minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: headings (##), lists, tables, links. Scripts and styles are removed.",
    )
    minutes_marking = forms.ChoiceField(label="Minutes marking")


class AddendumForm(_Marked):
    """A correction to approved minutes."""

    text = forms.CharField(
        label="Addendum text",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown. Approved minutes never change: the addendum is shown with them.",
        error_messages={"required": "Write the correction."},
    )
    marking = forms.ChoiceField(label="Addendum marking", initial=markings.LOWEST)


# --- Decisions and action items -------------------------------------------------------------


class DecisionForm(_Marked):
    """A decision of the held meeting. A tier change names its country and the new tier."""

    kind = forms.ChoiceField(
        label="Kind of decision",
        choices=[("", "Choose"), *Decision.Kind.choices],
        error_messages={"required": "Choose the kind of decision."},
    )
    text = forms.CharField(
        label="Decision text",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the decision."},
        help_text="For a tier change this is also the rationale in the country's history.",
    )
    country = forms.ChoiceField(label="Decision country", required=False)
    warning = forms.IntegerField(
        label="Warning number",
        required=False,
        min_value=1,
        help_text="Optional: the number of the warning the decision concerns.",
    )
    plan = forms.IntegerField(
        label="Plan number",
        required=False,
        min_value=1,
        help_text="Optional (required for a plan decision): the number of the plan it concerns.",
    )
    to_tier = forms.ChoiceField(label="New tier", required=False)
    marking = forms.ChoiceField(label="Decision marking", initial=markings.LOWEST)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "None"), *countries]
        self.fields["to_tier"].choices = tier_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Decision.Kind.TIER_CHANGE and not data.get("to_tier"):
            self.add_error("to_tier", "Choose the new tier (or “Not listed”).")
        return data

    def to_tier_value(self) -> str | None:
        value = self.cleaned_data.get("to_tier") or None
        return None if value == UNLISTED else value

    def add_domain_errors(self, errors: dict[str, list[str]], fallback: str = "") -> None:
        names = {"tier": "to_tier", "rationale": "text"}
        super().add_domain_errors({names.get(k, k): v for k, v in errors.items()}, fallback)


class ActionItemForm(_Marked, _UserPick):
    """An action the held meeting agreed."""

    text = forms.CharField(
        label="Action to take",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action."},
    )
    owner_agency = AgencyField(
        label="Owner agency",
        empty_label="Choose",
        error_messages={"required": "Choose the agency that owns the action."},
    )
    assignee = forms.ChoiceField(
        label="Assignee", required=False, help_text="A person of the owner agency (optional)."
    )
    due = forms.DateField(
        label="Due date", widget=DATE_INPUT, error_messages={"required": "Give a due date."}
    )
    decision = forms.ChoiceField(label="Linked decision", required=False)
    country = forms.ChoiceField(label="Action country", required=False)
    marking = forms.ChoiceField(label="Action marking", initial=markings.LOWEST)

    def __init__(
        self,
        *args: Any,
        users: list[User],
        decisions: list[Decision],
        countries: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.users = {u.pk: u for u in users}
        self.decisions = {d.pk: d for d in decisions}
        self.fields["assignee"].choices = user_choices(users)
        self.fields["decision"].choices = [("", "None")] + [
            (d.pk, f"{d.get_kind_display()}: {d.text[:60]}") for d in decisions
        ]
        self.fields["country"].choices = [("", "None"), *countries]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["assignee"] = self._pick("assignee", self.users)
        pk = data.get("decision")
        data["decision"] = self.decisions.get(int(pk)) if pk else None
        return data


class ActionItemUpdateForm(StyledForm):
    """The owner agency reports: status, implementation notes, impact, and a note."""

    status = forms.ChoiceField(label="Status", choices=ActionItem.Status.choices)
    implementation_notes = forms.CharField(
        label="Implementation notes", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    impact = forms.CharField(
        label="Impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your assessment of the action's impact so far.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what changed, for the history.",
    )

    def __init__(self, *args: Any, item: ActionItem, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": item.status,
                "implementation_notes": item.implementation_notes,
                "impact": item.impact,
            },
        )
        super().__init__(*args, **kwargs)


class ReassignForm(StyledForm, _UserPick):
    """A co-chair gives the action to another agency or person, or a new due date."""

    owner_agency = AgencyField(label="Owner agency", empty_label="Choose")
    assignee = forms.ChoiceField(
        label="Assignee", required=False, help_text="A person of the owner agency (optional)."
    )
    due = forms.DateField(
        label="Due date", widget=DATE_INPUT, error_messages={"required": "Give a due date."}
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, item: ActionItem, users: list[User], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"owner_agency": item.owner_agency_id, "assignee": item.assignee_id, "due": item.due},
        )
        super().__init__(*args, **kwargs)
        self.users = {u.pk: u for u in users}
        self.fields["assignee"].choices = user_choices(users)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["assignee"] = self._pick("assignee", self.users)
        return data


# --- Membership -----------------------------------------------------------------------------


class MembershipForm(StyledForm, _UserPick):
    """Seat a user: a co-chair, or their agency's principal or alternate."""

    user = forms.ChoiceField(
        label="User",
        help_text="Principals and alternates sit for their own agency.",
        error_messages={"required": "Choose the person to seat."},
    )
    seat = forms.ChoiceField(label="Seat", choices=[("", "Choose"), *Membership.Seat.choices])
    starts_on = forms.DateField(
        label="Starts on", required=False, widget=DATE_INPUT, help_text="Today if left empty."
    )
    note = forms.CharField(label="Note", required=False, max_length=200)

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {u.pk: u for u in users}
        self.fields["user"].choices = user_choices(users, blank="Choose")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["user"] = self._pick("user", self.users)
        return data


class MembershipEndForm(forms.Form):
    """The day a seat ends (today if empty)."""

    ends_on = forms.DateField(required=False)
