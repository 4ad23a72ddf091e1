"""Crisis prevention and response plans (seeds/000, "Decision Support and Planning",
recommendation 4-2; "Policy and Strategy Design", 4-4 and 4-5; seeds/003, the strategic
framework and Annex C).

Reference data (tools, strategies, target groups, stages) is loaded by migration from
plans/reference.py and read-only in the product. A plan belongs to one country, has a drafting
team (django-guardian grants), a marking, an owner; its sections carry their own assignee, status
and marking; its options fill the matrix of target group × escalation stage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apc.core.markings import MarkedModel

# --- Reference data -------------------------------------------------------------------------

# Sanctions in the documents' sense (seeds/000, "Guidelines for Imposing Sanctions" and Table 1's
# coercive economic tools): sanctions, embargoes, and the seizure of assets listed beside them.
SANCTIONS_WORDS = ("sanction", "embargo", "seizure of assets")


def _is_sanctions(text: str) -> bool:
    text = (text or "").lower()
    return any(word in text for word in SANCTIONS_WORDS)


class Strategy(models.Model):
    """One of the four strategies of the USHMM framework (seeds/003, Table 1)."""

    key = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    heading = models.CharField(max_length=200, blank=True)
    assumptions = models.TextField(help_text="Key assumptions, as printed in Table 1")
    mechanisms = models.JSONField(default=list, help_text="Mechanisms, as printed in Table 1")
    assumptions_text = models.TextField(blank=True)
    mechanisms_text = models.JSONField(default=list, blank=True)
    table_tools = models.JSONField(
        default=list, blank=True, help_text="Supporting tools as Table 1 prints them"
    )
    source = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.name


class Tool(models.Model):
    """A prevention tool of the catalogue: from the Task Force's Table 1 (with its type and
    whether it is cooperative or coercive) or the USHMM Annex C (with its short definition)."""

    class Type(models.TextChoices):
        DIPLOMATIC = "diplomatic", "Diplomatic"
        ECONOMIC = "economic", "Economic"
        LEGAL = "legal", "Legal"
        MILITARY = "military", "Military"

    class Stance(models.TextChoices):
        COOPERATIVE = "cooperative", "Cooperative"
        COERCIVE = "coercive", "Coercive"

    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=120, help_text="The table the tool comes from")
    type = models.CharField(max_length=12, choices=Type.choices, blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices, blank=True)
    strategies = models.ManyToManyField(Strategy, blank=True, related_name="tools")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="one_tool_per_source_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sanctions(self) -> bool:
        return _is_sanctions(self.name)


class TargetGroup(models.Model):
    """A target group of Table 2 (seeds/000) with the purpose recommendation 4-2 gives it."""

    key = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=60)
    label = models.CharField(max_length=60)
    description = models.CharField(max_length=200)
    purpose = models.CharField(max_length=200)
    source = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """An illustrative targeted measure of Table 2, in escalation order within its group."""

    group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["group", "position"]

    def __str__(self) -> str:
        return self.text


class EscalationStage(models.Model):
    """A stage of the options matrix (default: latent, emerging, escalating, acute; the order is
    fixed, administrators may rename them)."""

    key = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


# --- Plans ----------------------------------------------------------------------------------


class Plan(MarkedModel):
    """A crisis prevention plan (a `moderate` country) or crisis response plan (a `high_rising`
    country). Its life cycle is declared in plans/workflow.py."""

    class Kind(models.TextChoices):
        PREVENTION = "prevention", "Crisis prevention plan"
        RESPONSE = "response", "Crisis response plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ASSESSMENTS_COMPLETE = "assessments_complete", "Assessments complete"
        RED_TEAM = "red_team_review", "Red-team review"
        SUBMITTED_DEPUTIES = "submitted_deputies", "Submitted to the Deputies Committee"
        APPROVED_DEPUTIES = "approved_deputies", "Approved by the Deputies Committee"
        SUBMITTED_PRINCIPALS = "submitted_principals", "Submitted to the Principals Committee"
        APPROVED_PRINCIPALS = "approved_principals", "Approved by the Principals Committee"
        BRIEFED = "briefed", "Briefed to Congress"
        APC_REVIEW = "apc_review", "APC review"
        APPROVED = "approved", "Approved"
        IN_IMPLEMENTATION = "in_implementation", "In implementation"
        CLOSED = "closed", "Closed"

    country = models.ForeignKey("watchlist.Country", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_plans"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_plans",
        help_text="Directorate lead of the drafting team",
    )
    task = models.OneToOneField(
        "watchlist.PlanTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan",
        help_text="The task a tier change opened, adopted by this plan",
    )
    messaging_lead = models.ForeignKey(
        "apc.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The single messaging lead (operations plan)",
    )
    congress_briefed_on = models.DateField(null=True, blank=True)
    congress_committees = models.TextField(blank=True)
    congress_members = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("draft_plan", "Draft the plan (drafting team)"),
            ("review_plan", "Review the plan (red team)"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="plan_title_required"),
            models.UniqueConstraint(
                fields=["country", "kind"],
                condition=~Q(status="closed"),
                name="one_open_plan_per_country_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", args=[self.pk])


class PlanContributor(models.Model):
    """Everyone who ever wrote to a plan (sections, options, partners, the messaging lead,
    answers to the red team) or was on its drafting team or assigned a section: kept for good,
    so nobody who had a hand in a plan approves it, even after leaving the team."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contributors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "since"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_contributor_row_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} on plan {self.plan_id}"


class PlanSection(MarkedModel):
    """One section of a plan (an assessment, the operations plan, the prevention plan), with
    its own assignee, status and marking. `content` holds its fields (plans/sections.py);
    `version` rises with each save, so a save over someone else's newer one is refused (409)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFTING = "drafting", "Drafting"
        COMPLETE = "complete", "Complete"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=32)
    position = models.PositiveSmallIntegerField()
    assigned_agency = models.ForeignKey(
        "apc.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    content = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        from plans.sections import title_of

        return f"{title_of(self.key)} ({self.plan})"

    @property
    def title(self) -> str:
        from plans.sections import title_of

        return title_of(self.key)


class OptionFields(models.Model):
    """What an option of the matrix says (shared by plan options and playbook options): a
    catalogue tool or a described custom measure, with its strategy and mechanism, stance, lead
    agency; the net assessment (expected effect, costs, risks, unintended consequences); the
    strategic interaction (counter-moves, adaptation); collective action (partners); and, for a
    coercive option, who would carry out the threat (credibility)."""

    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    custom_measure = models.CharField(max_length=300, blank=True)
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mechanism = models.CharField(max_length=300, blank=True)
    stance = models.CharField(max_length=12, choices=Tool.Stance.choices)
    lead_agency = models.ForeignKey(
        "apc.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expected_effect = models.TextField(blank=True)
    costs = models.TextField(blank=True)
    risks = models.TextField(blank=True, help_text="Risks and unintended consequences")
    counter_moves = models.TextField(blank=True, help_text="Counter-moves expected")
    adaptation = models.TextField(blank=True, help_text="How the option adapts to them")
    partners = models.TextField(blank=True, help_text="Partners it needs")
    enforcer = models.CharField(
        max_length=200, blank=True, help_text="Who would carry out a coercive threat"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["target_group", "stage", "position", "id"]

    @property
    def label(self) -> str:
        return self.tool.name if self.tool_id else self.custom_measure

    @property
    def is_sanctions(self) -> bool:
        if self.tool_id:
            return self.tool.is_sanctions
        return _is_sanctions(self.custom_measure)


class Option(OptionFields):
    """An option of a plan's policy-options matrix."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="options")
    from_playbook = models.ForeignKey(
        "Playbook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(OptionFields.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(tool__isnull=False) | ~Q(custom_measure=""),
                name="option_is_a_tool_or_a_measure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.target_group}, {self.stage})"


class Playbook(models.Model):
    """A reusable package of options by strategy and stage, maintained by the directorate and
    applied to a plan (copied, then adapted there)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.PROTECT, related_name="playbooks"
    )
    stage = models.ForeignKey(
        EscalationStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaybookOption(OptionFields):
    """An option of a playbook, copied into a plan's matrix when the playbook is applied."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionFields.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(tool__isnull=False) | ~Q(custom_measure=""),
                name="playbook_option_is_a_tool_or_a_measure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.playbook})"


class Partner(models.Model):
    """An international partner of the operations plan; states with influence over the
    perpetrators (patrons, neighbours) are flagged, and whether they are engaged."""

    class Influence(models.TextChoices):
        PATRON = "patron", "Patron of the perpetrators"
        NEIGHBOUR = "neighbour", "Neighbour"
        OTHER = "other", "Other influence over the perpetrators"
        NONE = "none", "No particular influence"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    influence = models.CharField(max_length=10, choices=Influence.choices, default=Influence.NONE)
    engaged = models.BooleanField(default=False)
    role = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_influence(self) -> bool:
        return self.influence != self.Influence.NONE


class PlanEvent(models.Model):
    """One transition of a plan: who, when, from, to, with what comment. Append-only."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    version = models.ForeignKey(
        "PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status} → {self.to_status}"


class PlanVersion(MarkedModel):
    """An immutable, numbered snapshot of the whole plan, frozen when it is submitted. Its
    marking is the highest of what it holds; sections above a reader's clearance are left out
    when it is shown. Append-only."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=24, help_text="The status it was submitted to")
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class RedTeamFinding(models.Model):
    """A red-team reviewer's finding on a section; the drafting team answers each."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="findings")
    section_key = models.SlugField(max_length=32)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="finding_text_required")]

    def __str__(self) -> str:
        return f"Finding on {self.section_key} of plan {self.plan_id}"


class Rehearsal(models.Model):
    """A rehearsal or tabletop exercise of a plan (recommendation 4-2)."""

    class Kind(models.TextChoices):
        REHEARSAL = "rehearsal", "Rehearsal"
        TABLETOP = "tabletop", "Tabletop exercise"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rehearsals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    participants = models.TextField()
    results = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of plan {self.plan_id} on {self.held_on}"
