"""The committee's people and plumbing: agencies, users, the audit trail, notifications."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from apc.core.markings import MarkedModel, Marking


class Agency(models.Model):
    """A department or agency represented on the APC (seeded by migration)."""

    code = models.SlugField(max_length=16, unique=True)
    name = models.CharField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.short_name


class User(AbstractUser):
    """A person or service account. Belongs to one agency; holds a clearance; roles are groups."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    clearance = models.CharField(max_length=3, choices=Marking.choices, default=Marking.U)
    title = models.CharField(max_length=120, blank=True)
    is_directorate_lead = models.BooleanField(
        default=False, help_text="Leads the NSC directorate: first to hear of missed deadlines"
    )

    REQUIRED_FIELDS = ["email", "agency"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Names of the role groups this user holds (one query, cached on the instance)."""
        if not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))


class AuditEvent(MarkedModel):
    """One thing someone did or viewed, or tried to and was refused. Append-only: on
    PostgreSQL and SQLite triggers reject UPDATE and DELETE (and TRUNCATE on PostgreSQL).
    Carries the marking of the record it concerns, so an auditor sees only events within their
    clearance."""

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED, db_index=True
    )
    # The actor is a filer whose identity is protected (alert channel): kept in the table, but
    # the audit pages and exports show "Identity protected" instead of who, from where.
    actor_protected = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"


class Notification(MarkedModel):
    """An in-app message to one user; e-mailed as subject + link only. The body is never above
    the recipient's clearance (enforced by apc.services.notify)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The event this notifies of (e.g. "warning:42:filed"): at most one per recipient.
    event_key = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~models.Q(event_key=""),
                name="one_notification_per_recipient_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["created_at"],
                name="notification_email_pending",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(models.Model):
    """Background work recorded in the same transaction as the change that needs it.

    The relay publishes it to Celery after commit; the sweeper republishes what is still not
    done; the worker runs it at most once (the row is locked and marked done in the same
    transaction as the work's own writes). So work is never lost when the broker is down at
    commit time, and never done twice when a message is delivered twice.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # One message per event when set (e.g. "warning:42:emergency-notify").
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending",
                condition=models.Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "done" if self.done_at else ("published" if self.published_at else "pending")
        return f"{self.task} #{self.pk} ({state})"


class EmergencyRequest(MarkedModel):
    """A request for an emergency APC meeting, optionally at the level of the Deputies Committee
    (seeds/000, "Crisis Response Structure and Process": any member may request an emergency
    meeting, and may seek it at the level of the Deputies Committee). Made by a member, or by the
    alert channel on its own behalf for an acute warning. A co-chair convenes or declines it;
    unanswered by its deadline it is raised to Deputies level. The meetings issue links the
    meeting it convenes."""

    class Level(models.TextChoices):
        APC = "apc", "APC"
        DEPUTIES = "deputies", "Deputies Committee"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a co-chair"
        CONVENED = "convened", "Convened"
        DECLINED = "declined", "Declined"

    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the alert channel requested it on its own behalf",
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.APC)
    countries = models.JSONField(default=list, help_text="ISO 3166-1 alpha-3 codes")
    reasons = models.TextField()
    # What prompted it, "app_label.model:pk" (an acute warning): one request per source.
    source_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due = models.DateTimeField(
        help_text="A co-chair answers by then, or it rises to Deputies level"
    )
    raised_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_level = models.CharField(max_length=10, choices=Level.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref"],
                condition=~models.Q(source_ref=""),
                name="one_emergency_request_per_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasons=""), name="emergency_reasons_required"
            ),
        ]

    def __str__(self) -> str:
        return f"Emergency request #{self.pk} ({', '.join(self.countries)}; {self.status})"


class DeadlineBreach(models.Model):
    """A deadline passed unanswered and who was told (one row per object, deadline and level:
    the escalation task may run any number of times and records each breach once)."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    deadline = models.CharField(max_length=40, help_text="e.g. acknowledge, review, answer")
    level = models.PositiveSmallIntegerField(
        help_text="1: directorate lead, 2: co-chairs, 3: Deputies"
    )
    due = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "deadline", "level"],
                name="one_breach_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.deadline} overdue (level {self.level})"


# Meetings live in their own module of this app (apc/meetings/); imported here so Django sees them.
from apc.meetings.models import (  # noqa: E402, F401
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    Membership,
    MinutesAddendum,
)
