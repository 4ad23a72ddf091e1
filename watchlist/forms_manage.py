"""Forms of the watchlist's management pages: parse and present input; the services decide.

Each form is styled for USWDS (`style_form`) and rendered field by field with
templates/components/field.html.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from apc.core import markings
from apc.core.forms import StyledForm
from watchlist.models import Indicator, Observation, SurveillanceRequest

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ProposalDecisionForm(StyledForm):
    """The note a co-chair gives with a decision (required to reject)."""

    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject; added to the rationale when accepting.",
    )


class IndicatorForm(StyledForm):
    """An entry of the indicator catalogue."""

    name = forms.CharField(label="Name", max_length=150)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What to look for, and where.",
    )
    category = forms.ChoiceField(label="Category", choices=Indicator.Category.choices)
    active = forms.BooleanField(
        label="Active (offered for monitoring)", required=False, initial=True
    )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "description": data["description"].strip(),
            "category": data["category"],
            "active": data["active"],
        }


class MonitorForm(StyledForm):
    """Pick a catalogue indicator to monitor for one country."""

    indicator = forms.ModelChoiceField(
        label="Indicator",
        queryset=Indicator.objects.none(),
        empty_label="Choose an indicator",
        help_text="Active catalogue indicators not yet monitored for this country.",
    )

    def __init__(self, *args: Any, catalogue: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = catalogue


class ObservationForm(StyledForm):
    """A dated observation; the markings offered stop at the recorder's clearance."""

    observed_on = forms.DateField(
        label="Observed on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the indicator was observed (not in the future).",
    )
    level = forms.TypedChoiceField(label="Level", choices=Observation.Level.choices, coerce=int)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.CharField(label="Source", required=False, max_length=300)
    marking = forms.ChoiceField(
        label="Marking", help_text="The highest marking offered is your clearance."
    )

    def __init__(self, *args: Any, clearance: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("observed_on", timezone.localdate())
        kwargs["initial"].setdefault("marking", markings.Marking.U)
        super().__init__(*args, **kwargs)
        self.fields["marking"].choices = [
            (code, markings.label(code)) for code in markings.up_to(clearance)
        ]


class SurveillanceStatusForm(StyledForm):
    """A new status for a surveillance request."""

    status = forms.ChoiceField(label="Status", choices=SurveillanceRequest.Status.choices)


class RiskImportForm(StyledForm):
    """Upload of a statistical risk assessment CSV (the Early Warning Project's format)."""

    file = forms.FileField(
        label="Risk scores (CSV)",
        help_text="UTF-8 CSV with an ewp_name column, optionally ccode, and the risk and "
        "rank columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.CharField(
        label="Source",
        max_length=120,
        initial="Early Warning Project",
        help_text="Who produced the model run.",
    )
    vintage = forms.DateField(
        label="Vintage",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date of the model run.",
    )
    forecast_window = forms.CharField(
        label="Forecast window", max_length=60, required=False, help_text="For example 2026-2027."
    )
    risk_column = forms.CharField(
        label="Risk column",
        max_length=80,
        required=False,
        help_text="Leave empty for the first column named like risk_1or2.from<YEAR>.",
    )
    rank_column = forms.CharField(
        label="Rank column",
        max_length=80,
        required=False,
        help_text="Leave empty for the first column named like risk_rank.from<YEAR>.",
    )
    mapping = forms.FileField(
        label="Name mapping (optional CSV)",
        required=False,
        help_text="Resolves country names the importer does not know: a name and an ISO3 "
        "code per row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def _clean_upload(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return upload

    def clean_file(self):
        return self._clean_upload("file")

    def clean_mapping(self):
        return self._clean_upload("mapping")
