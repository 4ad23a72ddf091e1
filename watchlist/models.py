"""The Atrocities Watchlist: countries, their tier and its history, proposals, the tasks and
surveillance requests a tier change opens, statistical risk scores, indicators.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (the APC reviews
the countries of concern on the Atrocities Watchlist and the related Instability Watchlist) and
"Decision Support and Planning" (crisis prevention plans for countries of "moderate concern";
for "high and rising" risk, heightened intelligence surveillance and monitoring of case-specific
indicators and warnings, and a crisis response plan beginning with three assessments;
priorities "based on factors beyond risk of genocide", the extent of U.S. influence and the
potential impact on other U.S. interests).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apc.core.markings import MarkedModel


class Tier(models.TextChoices):
    """The AWL's risk categories, lowest first. A country with no tier is not listed."""

    MONITORED = "monitored", "Monitored"
    MODERATE = "moderate", "Moderate concern"
    HIGH_RISING = "high_rising", "High and rising"


TIER_RANK = {None: 0, "": 0, Tier.MONITORED: 1, Tier.MODERATE: 2, Tier.HIGH_RISING: 3}


def priority_of(tier: str | None, us_influence: int | None, us_interests: int | None) -> int:
    """Ordering key of the watchlist: the tier first, then the factors beyond risk (extent of
    U.S. influence, impact on other U.S. interests, 1-5 each; 3 when not yet assessed)."""
    return TIER_RANK[tier or None] * 100 + (us_influence or 3) * 10 + (us_interests or 3)


class Country(MarkedModel):
    """A country of ISO 3166-1 (plus Kosovo) and its place on the watchlist."""

    iso3 = models.CharField(max_length=3, primary_key=True)
    iso2 = models.CharField(max_length=2, blank=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=100, db_index=True)
    official_name = models.CharField(max_length=200, blank=True)
    region = models.CharField(
        max_length=60, blank=True, db_index=True, help_text="UN M49 sub-region"
    )
    continent = models.CharField(max_length=30, blank=True)
    cow_code = models.PositiveIntegerField(null=True, blank=True, unique=True)

    tier = models.CharField(
        max_length=12, choices=Tier.choices, null=True, blank=True, db_index=True
    )
    tier_since = models.DateField(null=True, blank=True)
    previous_tier = models.CharField(max_length=12, choices=Tier.choices, null=True, blank=True)
    instability_watchlist = models.BooleanField(default=False)
    us_influence = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Extent of U.S. influence, 1 (little) to 5 (great)",
    )
    us_interests_impact = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Potential impact on other U.S. interests, 1 (little) to 5 (great)",
    )
    priority = models.PositiveIntegerField(default=0, db_index=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_countries",
        help_text="Directorate staff member who owns the file",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(us_influence__isnull=True)
                | Q(us_influence__gte=1, us_influence__lte=5),
                name="country_us_influence_1_5",
            ),
            models.CheckConstraint(
                condition=Q(us_interests_impact__isnull=True)
                | Q(us_interests_impact__gte=1, us_interests_impact__lte=5),
                name="country_us_interests_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def listed(self) -> bool:
        return bool(self.tier)

    def compute_priority(self) -> int:
        return priority_of(self.tier, self.us_influence, self.us_interests_impact)


class TierChange(models.Model):
    """One decision moving a country between tiers (or on or off the list). Never edited: a
    mistaken change is corrected by a new change (database triggers refuse UPDATE/DELETE)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tier_changes")
    from_tier = models.CharField(max_length=12, choices=Tier.choices, null=True, blank=True)
    to_tier = models.CharField(max_length=12, choices=Tier.choices, null=True, blank=True)
    effective = models.DateField(default=timezone.localdate)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    # The APC meeting that decided it (a decision recorded while it was held).
    meeting = models.ForeignKey(
        "apc.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="tier_changes"
    )
    proposal = models.OneToOneField(
        "TierProposal", null=True, blank=True, on_delete=models.PROTECT, related_name="change"
    )
    # What prompted it (a warning, a policy review): "app_label.model:pk".
    source_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["country", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rationale=""), name="tierchange_rationale_required"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.country_id}: {self.from_tier or 'not listed'} → {self.to_tier or 'not listed'}"
        )


class TierProposal(models.Model):
    """A directorate proposal to change a tier, accepted or rejected by a co-chair."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Superseded by a direct change"

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tier_proposals")
    to_tier = models.CharField(max_length=12, choices=Tier.choices, null=True, blank=True)
    rationale = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rationale=""), name="tierproposal_rationale_required"
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_country",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.country_id} → {self.to_tier or 'not listed'} ({self.status})"


class PlanTask(models.Model):
    """Work a tier change opens: a crisis prevention plan (moderate), a crisis response plan and its
    three assessments (high and rising). The plans issue adopts these as plan records."""

    class Kind(models.TextChoices):
        PREVENTION_PLAN = "prevention_plan", "Crisis prevention plan"
        RESPONSE_PLAN = "response_plan", "Crisis response plan"
        TARGET_ASSESSMENT = "target_assessment", "Target country assessment"
        ATROCITIES_ESTIMATE = "atrocities_estimate", "Atrocities estimate and impact assessment"
        POLICY_OPTIONS = "policy_options", "Policy options assessment"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="plan_tasks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks"
    )
    opened_by_change = models.ForeignKey(
        TierChange, on_delete=models.PROTECT, related_name="plan_tasks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Idempotent consequences: one open task of each kind per country.
            models.UniqueConstraint(
                fields=["country", "kind"],
                condition=Q(status="open"),
                name="one_open_task_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.country_id} ({self.status})"


class SurveillanceRequest(MarkedModel):
    """A request for heightened intelligence surveillance and monitoring of case-specific
    indicators and warnings, addressed to the Intelligence Community."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_PROGRESS = "in_progress", "In progress"
        FULFILLED = "fulfilled", "Fulfilled"
        DECLINED = "declined", "Declined"

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="surveillance_requests"
    )
    addressed_to = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    due = models.DateField()
    tier_change = models.ForeignKey(
        TierChange, on_delete=models.PROTECT, related_name="surveillance_requests"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(status__in=["requested", "acknowledged", "in_progress"]),
                name="one_active_surveillance_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Surveillance of {self.country_id} ({self.status}, due {self.due})"


class RiskVintage(models.Model):
    """One run of a statistical risk model, as imported (every vintage is kept)."""

    source = models.CharField(max_length=120)
    vintage = models.DateField(help_text="Date of the model run")
    forecast_window = models.CharField(max_length=60, blank=True)
    risk_column = models.CharField(max_length=80)
    rank_column = models.CharField(max_length=80)
    file_name = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-vintage", "-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "vintage"], name="one_vintage_per_source_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.vintage:%Y-%m-%d}"


class RiskScore(models.Model):
    """A country's statistical risk in one vintage: probability 0-1 and rank."""

    vintage = models.ForeignKey(RiskVintage, on_delete=models.CASCADE, related_name="scores")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="risk_scores")
    value = models.DecimalField(max_digits=7, decimal_places=6)
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["vintage", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["vintage", "country"], name="one_score_per_country_vintage"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=1), name="riskscore_probability"
            ),
        ]
        indexes = [models.Index(fields=["country", "vintage"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.value} (#{self.rank})"


class Indicator(models.Model):
    """A case-specific indicator or warning sign in the catalogue (directorate-maintained)."""

    class Category(models.TextChoices):
        POLITICAL = "political", "Political"
        SECURITY = "security", "Security"
        ECONOMIC = "economic", "Economic"
        SOCIAL = "social", "Social and identity"
        RHETORIC = "rhetoric", "Rhetoric and propaganda"
        HUMANITARIAN = "humanitarian", "Humanitarian"
        INTERNATIONAL = "international", "International"

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class MonitoredIndicator(models.Model):
    """An indicator watched for one country."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="monitored_indicators"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="monitored")
    since = models.DateField(default=timezone.localdate)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["indicator__category", "indicator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "indicator"], name="indicator_once_per_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.indicator}"


class Observation(MarkedModel):
    """A dated observation of a monitored indicator. Invisible above the reader's clearance."""

    class Level(models.IntegerChoices):
        NONE = 0, "Not observed"
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"
        SEVERE = 4, "Severe"

    monitored = models.ForeignKey(
        MonitoredIndicator, on_delete=models.CASCADE, related_name="observations"
    )
    observed_on = models.DateField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.monitored} on {self.observed_on}: {self.get_level_display()}"


class Warning(MarkedModel):  # noqa: A001 - the domain's word; never Python's warnings module
    """A warning filed through the mass-atrocities alert channel (seeds/004, recommendation 2-4:
    an alert channel for acute warning, akin to the dissent channel). Seen only by its filer,
    the co-chairs and the directorate (members once it is on a meeting agenda); never deleted or
    withdrawn. Filing opens its policy review automatically (recommendation 2-5)."""

    class Severity(models.TextChoices):
        ROUTINE = "routine", "Routine"
        ELEVATED = "elevated", "Elevated"
        ACUTE = "acute", "Acute"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        UNDER_REVIEW = "under_review", "Under review"
        CLOSED = "closed", "Closed"

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="warnings")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    narrative = models.TextField()
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="warnings")
    sources = models.TextField(blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filer_agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    identity_protected = models.BooleanField(
        default=False, help_text="Show the filer's identity to the co-chairs only"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=20, blank=True)
    filed_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledge_due = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The APC meeting whose locked agenda first carried it (members see it from then on).
    agenda_meeting = models.ForeignKey(
        "apc.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="warning_title_required"),
            models.CheckConstraint(condition=~Q(narrative=""), name="warning_narrative_required"),
        ]
        indexes = [models.Index(fields=["status", "acknowledge_due"])]

    def __str__(self) -> str:
        return f"Warning #{self.pk}: {self.title}"

    def audit_protects_actor(self, actor) -> bool:
        """The filer's own acts on a protected warning would reveal who filed it."""
        return self.identity_protected and getattr(actor, "pk", None) == self.filed_by_id


class PolicyReview(models.Model):
    """The policy review every warning triggers (seeds/004, recommendation 2-5: warning as an
    automatic trigger of policy review). Closed only by a decision: an outcome and a rationale."""

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "No change"
        TIER_CHANGE = "tier_change", "Tier change"
        PLAN_UPDATE = "plan_update", "Plan update"
        EMERGENCY_MEETING = "emergency_meeting", "Emergency meeting"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    warning = models.OneToOneField(Warning, on_delete=models.PROTECT, related_name="review")
    assigned_agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    due = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    tier_change = models.ForeignKey(
        TierChange, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    emergency_request_id = models.PositiveBigIntegerField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & ~Q(rationale="")),
                name="review_closed_with_outcome_and_rationale",
            ),
        ]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"Review of warning #{self.warning_id} ({self.status})"
