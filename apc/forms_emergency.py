"""Forms of the emergency-meeting pages: a member's request, a co-chair's answer (convene with a
date, time and level, or decline with reasons). They parse input; apc/services.py holds the
rules and the views put the services' `Invalid` errors on these forms.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the APC
convenes every other month "or at any other time one of its members requested an emergency
meeting", and a member "would have the option to seek the emergency meeting at the level of
deputy national security advisor/deputy secretary, making it in effect a meeting of the NSC
Deputies Committee".
"""

from __future__ import annotations

from typing import Any

from django import forms

from apc.core.forms import StyledForm
from apc.models import EmergencyRequest

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

LEVEL_EXPLANATIONS = {
    EmergencyRequest.Level.APC: "The APC itself: assistant-secretary-level representatives of "
    "the member agencies, chaired by its co-chairs.",
    EmergencyRequest.Level.DEPUTIES: "In effect a meeting of the NSC Deputies Committee, at the "
    "level of deputy national security advisor and deputy secretaries.",
}


def duration_text(seconds: int) -> str:
    """A deadline setting in words: "2 hours", "48 hours", "7 days", "90 minutes"."""
    seconds = int(seconds)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if seconds >= 7 * 86400 and seconds % 86400 == 0:
        return unit(seconds // 86400, "day")
    if seconds >= 3600 and seconds % 3600 == 0:
        return unit(seconds // 3600, "hour")
    if seconds >= 60 and seconds % 60 == 0:
        return unit(seconds // 60, "minute")
    return unit(seconds, "second")


class EmergencyRequestForm(StyledForm):
    """A member asks for an emergency meeting: on which countries, why, and at which level."""

    countries = forms.MultipleChoiceField(
        label="Countries",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="The countries the meeting is to discuss. To choose more than one, hold Ctrl "
        "(Cmd on a Mac) while you click, or use Shift with the arrow keys.",
        error_messages={"required": "Name at least one country."},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has happened and why it cannot wait for the next regular meeting.",
        error_messages={"required": "Give the reasons for an emergency meeting."},
    )
    level = forms.ChoiceField(
        label="Level of the meeting",
        choices=EmergencyRequest.Level.choices,
        initial=EmergencyRequest.Level.APC,
        widget=forms.RadioSelect,
        help_text="Any member may ask for the meeting at the level of the Deputies Committee.",
        error_messages={"required": "Choose APC or Deputies Committee."},
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = countries
        self.fields["level"].widget.attrs = {"class": "usa-radio__input usa-radio__input--tile"}

    @property
    def level_options(self) -> list[dict[str, Any]]:
        return [
            {"input": sub, "explanation": LEVEL_EXPLANATIONS.get(sub.data["value"], "")}
            for sub in self["level"]
        ]


class ConveneForm(StyledForm):
    """A co-chair convenes the emergency meeting: when, and at which level."""

    meeting_at = forms.DateTimeField(
        label="Date and time of the meeting",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text="In UTC. The members and the requester are told at once.",
        error_messages={"required": "Give the date and time of the meeting."},
    )
    level = forms.ChoiceField(
        label="Level",
        choices=EmergencyRequest.Level.choices,
        help_text="A request raised to the Deputies Committee convenes there whatever you choose.",
    )

    def __init__(self, *args: Any, request_level: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("level", request_level)
        super().__init__(*args, **kwargs)


class DeclineForm(StyledForm):
    """A co-chair declines the request, with reasons the requester and the members are told."""

    note = forms.CharField(
        label="Reasons for declining",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Told to the requester and the members.",
        error_messages={"required": "Give the reasons for declining."},
    )
