"""Forms of the watchlist pages. They parse input; the services in watchlist/services.py hold
the rules (who may, rationale required, owner in the directorate) and the views turn the
services' Invalid errors into errors on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from apc.core import roles
from apc.core.forms import style_form
from apc.models import User
from watchlist.models import Country, Tier

NOT_LISTED = "none"  # the form's value for "take the country off the watchlist"
TIER_CHOICES = [*Tier.choices, (NOT_LISTED, "Not listed (remove from the watchlist)")]
FACTOR_CHOICES = [
    ("", "Not yet assessed"),
    (1, "1 (little)"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 (great)"),
]


def _apply_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a service's Invalid errors on the form (unknown keys on the form as a whole)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class TierChangeForm(forms.Form):
    """A tier change (co-chairs) or proposal (directorate): target tier and rationale.

    Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the APC
    reviews the countries on the watchlist and decides their category; the rationale of every
    decision is kept (issue 3, "Tier history: ... rationale (required, non-empty)").
    """

    tier = forms.ChoiceField(
        label="New tier",
        choices=TIER_CHOICES,
        widget=forms.RadioSelect,
        help_text="“Not listed” takes the country off the Atrocities Watchlist.",
        error_messages={"required": "Choose the new tier."},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why the tier should change: the evidence, the warnings, the risk analysis.",
        error_messages={"required": "A rationale is required."},
    )

    def __init__(self, *args: Any, country: Country, **kwargs: Any):
        self.country = country
        super().__init__(*args, **kwargs)
        current = country.tier or NOT_LISTED
        self.fields["tier"].choices = [
            (value, f"{label} (current)" if value == current else label)
            for value, label in TIER_CHOICES
        ]
        style_form(self)
        # USWDS radios; the hint is tied to the fieldset in the template, not to each radio.
        self.fields["tier"].widget.attrs = {"class": "usa-radio__input"}

    @property
    def to_tier(self) -> str | None:
        value = self.cleaned_data["tier"]
        return None if value == NOT_LISTED else value

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        _apply_errors(self, errors)


def directorate_staff() -> QuerySet[User]:
    """Who may own a country's file: active members of the directorate."""
    return (
        User.objects.filter(groups__name=roles.DIRECTORATE, is_active=True)
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.agency.short_name})"


class CountryProfileForm(forms.Form):
    """The country's profile: Instability Watchlist flag, the priority factors beyond risk, the
    owner of the file.

    Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning": priorities "based
    on factors beyond risk of genocide", the extent of U.S. influence and the potential impact
    on other U.S. interests; "Crisis Response Structure and Process": the related Instability
    Watchlist.
    """

    instability_watchlist = forms.BooleanField(label="On the Instability Watchlist", required=False)
    us_influence = forms.TypedChoiceField(
        label="Extent of U.S. influence",
        choices=FACTOR_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 (little) to 5 (great). Used with the tier to order the watchlist.",
    )
    us_interests_impact = forms.TypedChoiceField(
        label="Potential impact on other U.S. interests",
        choices=FACTOR_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 (little) to 5 (great). Used with the tier to order the watchlist.",
    )
    owner = OwnerChoiceField(
        label="Owner in the directorate",
        queryset=User.objects.none(),
        required=False,
        empty_label="No owner",
    )

    def __init__(self, *args: Any, country: Country, **kwargs: Any):
        self.country = country
        kwargs.setdefault(
            "initial",
            {
                "instability_watchlist": country.instability_watchlist,
                "us_influence": country.us_influence,
                "us_interests_impact": country.us_interests_impact,
                "owner": country.owner_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = directorate_staff()
        style_form(self)

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        _apply_errors(self, errors)
