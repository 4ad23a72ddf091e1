"""Forms of the alert channel's pages: filing a warning and closing its policy review. They parse
and present input; the services in watchlist/alerts.py hold the rules (who may file, the marking
not above the filer's clearance, a review closes only with an outcome and a rationale) and the
views put the services' `Invalid` errors on these forms.

Source: seeds/004_69ba87841026b054.txt, "Early Warning: Assessing Risks and Triggering Action",
recommendation 2-4 (a "mass atrocities alert channel" for reporting on acute warning of genocide
or mass atrocities, akin to the State Department's "dissent channel") and 2-5 (warning of
genocide or mass atrocities an "automatic trigger" of policy review).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from apc.core import markings
from apc.core.forms import StyledForm
from apc.forms_emergency import duration_text
from watchlist.models import Country, Indicator, PolicyReview, Tier, Warning

NOT_LISTED = "none"  # the form's value for "take the country off the watchlist"


def severity_explanations() -> dict[str, str]:
    """What each severity means and the deadlines it sets, read from the settings (issue 4:
    acknowledgement and policy review are due by severity; an acute warning also requests an
    emergency meeting, which rises to the Deputies Committee when nobody answers)."""
    ack, review = settings.ALERT_ACK_SECONDS, settings.ALERT_REVIEW_SECONDS
    answer = duration_text(settings.EMERGENCY_REQUEST_ANSWER_SECONDS)

    def deadlines(severity: str) -> str:
        return (
            f"The directorate acknowledges it within {duration_text(ack[severity])}; its policy "
            f"review is due within {duration_text(review[severity])}."
        )

    return {
        Warning.Severity.ROUTINE: "Worrying developments that do not call for action within "
        f"days. {deadlines('routine')} The review may be taken up at the next regular APC "
        "meeting.",
        Warning.Severity.ELEVATED: "Risk is rising and policy may have to change soon. "
        f"{deadlines('elevated')}",
        Warning.Severity.ACUTE: "Genocide or mass atrocities may be imminent or under way. "
        f"{deadlines('acute')} An emergency meeting of the APC is requested at once and the "
        f"co-chairs are told; if no co-chair answers within {answer}, the request rises to the "
        "Deputies Committee.",
    }


OUTCOME_EXPLANATIONS = {
    PolicyReview.Outcome.NO_CHANGE: "The warning does not call for a change of policy now.",
    PolicyReview.Outcome.TIER_CHANGE: "Move the country to another tier of the Atrocities "
    "Watchlist; the change is recorded in the country's history with this rationale (co-chairs "
    "only).",
    PolicyReview.Outcome.PLAN_UPDATE: "The country's crisis prevention or response plan is to "
    "be updated.",
    PolicyReview.Outcome.EMERGENCY_MEETING: "Request an emergency meeting of the APC on the "
    "country.",
}


class ChoiceForm(StyledForm):
    """A styled form with radio and checkbox fields that explain each option."""

    def _choice_inputs(self, name: str, css: str) -> None:
        """Radios and checkboxes: USWDS classes; the hint belongs to the fieldset, not to each
        input (the template ties it with aria-describedby)."""
        self.fields[name].widget.attrs = {"class": css}

    def options(self, name: str, explanations: dict[str, str]) -> list[dict[str, Any]]:
        """The inputs of a radio or checkbox field with the text that explains each."""
        return [
            {"input": sub, "explanation": explanations.get(str(sub.data["value"]), "")}
            for sub in self[name]
        ]


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.name} ({obj.get_category_display()})"


class WarningForm(ChoiceForm):
    """A warning filed through the alert channel: country, severity, what is feared, the
    indicators from the watchlist's catalogue it cites, its sources, its marking (up to the
    filer's clearance) and whether the filer's identity is shown to the co-chairs only."""

    country = forms.ModelChoiceField(
        label="Country",
        queryset=Country.objects.none(),
        empty_label="Choose a country",
        error_messages={"required": "Choose the country the warning concerns."},
    )
    severity = forms.ChoiceField(
        label="Severity",
        choices=Warning.Severity.choices,
        widget=forms.RadioSelect,
        help_text="The severity sets how fast the directorate must acknowledge the warning and "
        "decide its policy review.",
        error_messages={"required": "Choose the severity of the warning."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="One line: what is feared, where. For example: “Militia mobilising against "
        "civilians in West Darfur”.",
        error_messages={"required": "Give the warning a title."},
    )
    narrative = forms.CharField(
        label="Warning",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Who is at risk and from whom; what has happened or is expected, where and "
        "when; how sure you are and why. Every warning is an automatic trigger of policy review "
        "(recommendation 2-5).",
        error_messages={"required": "Describe what you are warning of."},
    )
    indicators = IndicatorChoiceField(
        label="Indicators observed",
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Case-specific indicators and warning signs from the watchlist's catalogue "
        "that your warning cites (optional).",
    )
    sources = forms.CharField(
        label="Sources",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Reports, products and contacts the warning rests on, one per line (optional).",
    )
    marking = forms.ChoiceField(
        label="Marking",
        help_text="The classification of what you wrote; the highest offered is your clearance. "
        "Only readers cleared at this level or above will see the warning.",
    )
    identity_protected = forms.BooleanField(
        label="Show my identity to the co-chairs only",
        required=False,
        help_text="Like the State Department's dissent channel (recommendation 2-4): the "
        "directorate and APC members see “Identity protected” instead of your name and agency. "
        "The co-chairs always see who filed.",
    )

    def __init__(
        self,
        *args: Any,
        clearance: str,
        countries: QuerySet[Country],
        catalogue: QuerySet[Indicator],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("marking", markings.Marking.U)
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["indicators"].queryset = catalogue
        self.fields["marking"].choices = [
            (code, markings.label(code)) for code in markings.up_to(clearance)
        ]
        self._choice_inputs("severity", "usa-radio__input usa-radio__input--tile")
        self._choice_inputs("indicators", "usa-checkbox__input")

    @property
    def severity_options(self) -> list[dict[str, Any]]:
        return self.options("severity", severity_explanations())

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "country": data["country"],
            "severity": data["severity"],
            "title": data["title"],
            "narrative": data["narrative"],
            "indicators": list(data["indicators"]),
            "sources": data["sources"],
            "marking": data["marking"],
            "identity_protected": data["identity_protected"],
        }


class ReviewCloseForm(ChoiceForm):
    """The decision that closes a policy review: its outcome, the rationale, and the new tier
    for a tier change. The tier-change outcome is offered only to those who may change tiers."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=PolicyReview.Outcome.choices,
        widget=forms.RadioSelect,
        help_text="A review closes only by a decision; the filer is told the outcome, never the "
        "deliberation.",
        error_messages={"required": "Choose the outcome of the review."},
    )
    tier = forms.ChoiceField(
        label="New tier (for a tier change)",
        required=False,
        choices=[("", "Choose a tier"), *Tier.choices, (NOT_LISTED, "Not listed (remove)")],
        help_text="Only for the outcome “Tier change”.",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why this outcome: what the review found and what follows from it.",
        error_messages={"required": "A review closes only with a rationale."},
    )

    def __init__(self, *args: Any, may_change_tier: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_change_tier = may_change_tier
        if not may_change_tier:
            self.fields["outcome"].choices = [
                c for c in PolicyReview.Outcome.choices if c[0] != PolicyReview.Outcome.TIER_CHANGE
            ]
            del self.fields["tier"]
        self._choice_inputs("outcome", "usa-radio__input")

    @property
    def outcome_options(self) -> list[dict[str, Any]]:
        return self.options("outcome", OUTCOME_EXPLANATIONS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == PolicyReview.Outcome.TIER_CHANGE and not data.get("tier"):
            self.add_error("tier", "Choose the tier the country moves to.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        tier = None
        if data["outcome"] == PolicyReview.Outcome.TIER_CHANGE:
            tier = "" if data["tier"] == NOT_LISTED else data["tier"]
        return {"outcome": data["outcome"], "rationale": data["rationale"], "tier": tier}
