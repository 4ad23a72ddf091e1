"""Meetings of the APC and what they produce.

Source: seeds/000, "Crisis Response Structure and Process" (recommendation 4-1): the APC meets
every other month and as needed; it is co-chaired by a senior NSC official and the assistant
secretary of state for DRL; it comprises at least State, Defense (including the Joint Chiefs), the
intelligence community, Justice, Treasury and USAID; it discusses the latest risk assessment and
warning analysis and, every other month, reviews implementation of previously agreed actions,
their impacts and the current status of situations; a member may seek an emergency meeting at
the level of the Deputies Committee.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apc.core.markings import MarkedModel, Marking
from apc.meetings.dates import committee_today


class Membership(models.Model):
    """A seat on the committee held by one person over a dated period: a co-chair, or an
    agency's principal or alternate (a user of that agency). Never edited in place except to end
    it: a change ends one seat and opens another, so the history stays (and is audited)."""

    class Seat(models.TextChoices):
        CO_CHAIR = "co_chair", "Co-chair"
        PRINCIPAL = "principal", "Principal"
        ALTERNATE = "alternate", "Alternate"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="seats")
    seat = models.CharField(max_length=10, choices=Seat.choices)
    starts_on = models.DateField(default=committee_today)
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the seat is held")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency__name", "seat", "starts_on"]
        constraints = [
            # one current principal per agency; one current seat per person
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(seat="principal", ends_on__isnull=True),
                name="one_current_principal_per_agency",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ends_on__isnull=True),
                name="one_current_seat_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_seat_display()}, {self.agency})"

    def held_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class Meeting(MarkedModel):
    """One meeting of the committee: a regular one of the bimonthly cycle (one per slot, created
    ahead by the scheduler) or an emergency one convened on a request, at APC or Deputies level.
    Its marking covers what the meeting record itself says (an emergency meeting's countries);
    agenda items, minutes, decisions and action items carry their own."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular"
        EMERGENCY = "emergency", "Emergency"

    class Level(models.TextChoices):
        APC = "apc", "APC"
        DEPUTIES = "deputies", "Deputies Committee"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        AGENDA_LOCKED = "agenda_locked", "Agenda locked"
        HELD = "held", "Held"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.APC)
    # the cycle's slot (regular meetings only): the scheduler's idempotency key
    slot = models.DateField(null=True, blank=True)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    emergency_request = models.OneToOneField(
        "apc.EmergencyRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting",
    )
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 alpha-3 codes (emergency meetings)"
    )
    agenda_generated_at = models.DateTimeField(null=True, blank=True)
    agenda_dismissed = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys of generated agenda items removed by hand: regeneration leaves them out",
    )
    agenda_locked_at = models.DateTimeField(null=True, blank=True)
    agenda_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    co_chairs_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    minutes = models.TextField(blank=True, help_text="Markdown; rendered sanitised")
    minutes_marking = models.CharField(max_length=3, choices=Marking.choices, default=Marking.U)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(kind="regular"),
                name="one_regular_meeting_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(kind="emergency") | Q(slot__isnull=False),
                name="regular_meeting_has_slot",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d")
        return f"{self.title} ({when})"

    @property
    def title(self) -> str:
        body = "Deputies Committee" if self.level == self.Level.DEPUTIES else "APC"
        kind = "emergency meeting" if self.kind == self.Kind.EMERGENCY else "regular meeting"
        return f"{body} {kind}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])

    @property
    def is_upcoming(self) -> bool:
        return self.ends_at >= timezone.now() and self.status not in (
            self.Status.CLOSED,
            self.Status.CANCELLED,
        )

    @property
    def agenda_editable(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def minutes_frozen(self) -> bool:
        return self.status in (self.Status.MINUTES_APPROVED, self.Status.CLOSED)


class AgendaItem(MarkedModel):
    """One item of a meeting's agenda. Generated items (with a `key`) are rebuilt by the agenda
    selector until the agenda is locked, keeping their presenter, time and place; items added by
    hand have no key and survive regeneration. `entries` is the item's content as generated,
    each entry carrying its own marking so a reader sees only what their clearance allows."""

    class Section(models.IntegerChoices):
        RISK = 1, "Latest risk assessment and warning analysis"
        WARNINGS = 2, "Warnings and policy reviews since the last meeting"
        ACTIONS = 3, "Review of previously agreed actions"
        PLANS = 4, "Plans awaiting an APC decision"
        OTHER = 5, "Other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    section = models.PositiveSmallIntegerField(choices=Section.choices)
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=80, blank=True, help_text="Set on generated items")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    country = models.ForeignKey(
        "watchlist.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entries = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    presenter_agency = models.ForeignKey(
        "apc.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_allocated = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"],
                condition=~Q(key=""),
                name="one_generated_item_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    """How a member agency was represented at a meeting: by its principal, an alternate, or not."""

    class Status(models.TextChoices):
        PRINCIPAL = "principal", "Principal"
        ALTERNATE = "alternate", "Alternate"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ABSENT)
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="one_attendance_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_status_display()}"

    @property
    def represented(self) -> bool:
        return self.status != self.Status.ABSENT


class Decision(MarkedModel):
    """A decision of the committee, recorded while the meeting is held. Linked to what it
    concerns; a tier-change decision is applied through the watchlist's tier_change with this
    meeting linked. Taken without quorum, it is flagged (the meeting may still be held)."""

    class Kind(models.TextChoices):
        TIER_CHANGE = "tier_change", "Tier change"
        PLAN_DECISION = "plan_decision", "Plan decision"
        TASKING = "tasking", "Tasking"
        ESCALATION = "escalation", "Escalation"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    text = models.TextField()
    country = models.ForeignKey(
        "watchlist.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warning = models.ForeignKey(
        "watchlist.Warning", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    tier_change = models.OneToOneField(
        "watchlist.TierChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
    )
    without_quorum = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="decision_text_required")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class ActionItem(MarkedModel):
    """An action the committee agreed, owned by an agency, reviewed at every later regular
    meeting until done or dropped (and once more after). Its owner agency updates status,
    implementation notes and impact; the co-chairs reassign it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    CLOSED = (Status.DONE, Status.DROPPED)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    text = models.TextField()
    country = models.ForeignKey(
        "watchlist.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey("apc.Agency", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    implementation_notes = models.TextField(blank=True)
    impact = models.TextField(blank=True, help_text="Assessment of the action's impact so far")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="action_item_text_required")
        ]
        indexes = [models.Index(fields=["status", "due"]), models.Index(fields=["owner_agency"])]

    def __str__(self) -> str:
        return f"Action #{self.pk}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due < committee_today()


class ActionItemUpdate(models.Model):
    """One update of an action item over time (status, notes, impact, reassignment): the history
    the next meeting reviews. Append-only."""

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"Update of action #{self.item_id} at {self.at:%Y-%m-%d %H:%M}"


class MinutesAddendum(MarkedModel):
    """A correction to approved (frozen) minutes: added, never edited. Append-only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        verbose_name_plural = "minutes addenda"
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="addendum_text_required")]

    def __str__(self) -> str:
        return f"Addendum to {self.meeting_id} ({self.created_at:%Y-%m-%d})"


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed URL. Only a hash of the token is stored; revoking deletes
    the row, rotating replaces the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
