"""The after-action repository (seeds/000, "Crisis Response Structure and Process": the
directorate "oversees exercising and rehearsal" and commissions "after action" reports "to
generate lessons learned", whose results "must be taken into account in future crises and
policy planning"; "a permanent and accessible repository" is kept "and made available to
succeeding administrations").

A report is commissioned by the directorate about a subject (a crisis in a country over a
period, a plan, a meeting series, or an exercise), written by its author team (django-guardian
grants on that one report), reviewed and published. A published report never changes and is
never deleted: the database refuses UPDATE and DELETE of a published report and of everything
that belongs to it (migration 0002); a correction is a new revision that supersedes it, and both
stay readable. Every report and lesson has a `uid` that travels with the archive, so importing
an archive twice adds nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apc.core.markings import MarkedModel


class Exercise(MarkedModel):
    """An exercise of the crisis-management procedures, or a rehearsal of a specific plan
    (seeds/000: the directorate "oversees exercising and rehearsal")."""

    class Kind(models.TextChoices):
        PROCEDURES = "procedures", "Exercise of the crisis-management procedures"
        PLAN_REHEARSAL = "plan_rehearsal", "Rehearsal of a plan"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="The plan rehearsed (rehearsals only)",
    )
    scenario = models.TextField()
    participants = models.TextField()
    results = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="procedures", plan__isnull=True)
                | Q(kind="plan_rehearsal", plan__isnull=False),
                name="exercise_rehearsal_names_its_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"


class Report(MarkedModel):
    """An after-action report: commissioned, drafted, reviewed, published; a correction is a new
    revision (`supersedes`) in the same `series`. The marking is the report's own text (summary,
    narrative, findings); each lesson and narrative link carries its own."""

    class Status(models.TextChoices):
        COMMISSIONED = "commissioned", "Commissioned"
        DRAFTING = "drafting", "Drafting"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Subject(models.TextChoices):
        CRISIS = "crisis", "A crisis in a country over a period"
        PLAN = "plan", "A plan"
        MEETING_SERIES = "meeting_series", "A series of APC meetings"
        EXERCISE = "exercise", "An exercise or rehearsal"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Shared by every revision of one report"
    )
    revision = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="The published report this revision corrects",
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.COMMISSIONED, db_index=True
    )
    # The subject
    subject = models.CharField(max_length=16, choices=Subject.choices)
    country = models.ForeignKey(
        "watchlist.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="afteraction_reports",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="afteraction_reports",
    )
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    subject_label = models.CharField(
        max_length=300, help_text="The subject in words, as commissioned (kept in the archive)"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        db_index=True, help_text="The year the subject began (the search facet)"
    )
    # The commission
    scope_questions = models.TextField(help_text="What the report must answer, one per line")
    due_on = models.DateField()
    commissioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commissioned_by_name = models.CharField(max_length=200, blank=True)
    commissioned_at = models.DateTimeField(default=timezone.now)
    # The report
    summary = models.TextField(blank=True)
    narrative = models.TextField(blank=True, help_text="What happened and what was done")
    findings = models.TextField(blank=True)
    authors_display = models.CharField(
        max_length=500, blank=True, help_text="The author team as published (kept in the archive)"
    )
    version = models.PositiveIntegerField(default=0, help_text="Bumped by every saved edit")
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by_name = models.CharField(max_length=200, blank=True)
    # Provenance of an archive import
    imported_from = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    # Maintained by the database (PostgreSQL trigger, migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "revision"], name="one_report_per_series_revision"
            ),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=~Q(status="withdrawn"),
                name="one_live_correction_per_report",
            ),
            models.CheckConstraint(
                condition=~Q(subject="crisis") | Q(country__isnull=False),
                name="crisis_report_names_its_country",
            ),
            # a report imported from an archive names its plan or exercise by `subject_label`
            # only: the installation it came from kept the records
            models.CheckConstraint(
                condition=~Q(subject="plan") | Q(plan__isnull=False) | ~Q(imported_from=""),
                name="plan_report_names_its_plan",
            ),
            models.CheckConstraint(
                condition=~Q(subject="exercise") | Q(exercise__isnull=False) | ~Q(imported_from=""),
                name="exercise_report_names_its_exercise",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            ),
        ]
        permissions = [("author_report", "Write the report (author team)")]

    def __str__(self) -> str:
        rev = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"{self.title}{rev}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start:%b %Y} – {self.period_end:%b %Y}"
        if self.period_start:
            return f"from {self.period_start:%b %Y}"
        return ""


class ReportEvent(models.Model):
    """One step of a report's life cycle: who, when, from what to what, and why (append-only)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.action} at {self.at:%Y-%m-%d %H:%M}"


class NarrativeLink(MarkedModel):
    """A record of the report's period that the narrative cites, picked from the records
    themselves: a plan, a meeting, a tier change or a warning. The label is written when it is
    picked (the archive carries it to installations that lack the record); the marking is the
    record's, so a reader below it never sees the link."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        MEETING = "meeting", "Meeting"
        TIER_CHANGE = "tier_change", "Tier change"
        WARNING = "warning", "Warning"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "apc.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier_change = models.ForeignKey(
        "watchlist.TierChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    warning = models.ForeignKey(
        "watchlist.Warning", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=300)
    occurred_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["occurred_on", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def target(self):
        return getattr(self, self.kind)


class Lesson(MarkedModel):
    """A lesson learned: statement, recommendation, evidence, outcome, and tags that make it
    findable (country, catalogue tools, strategy, target group, escalation stage, agencies)."""

    class Outcome(models.TextChoices):
        WORKED = "worked", "Worked"
        DID_NOT_WORK = "did_not_work", "Did not work"
        MIXED = "mixed", "Mixed"
        UNKNOWN = "unknown", "Unknown"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    statement = models.TextField()
    recommendation = models.TextField()
    evidence = models.TextField(blank=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, default=Outcome.UNKNOWN)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The same lesson in the revision this report corrects",
    )
    countries = models.ManyToManyField("watchlist.Country", blank=True, related_name="lessons")
    tools = models.ManyToManyField("plans.Tool", blank=True, related_name="lessons")
    strategies = models.ManyToManyField("plans.Strategy", blank=True, related_name="lessons")
    target_groups = models.ManyToManyField("plans.TargetGroup", blank=True, related_name="lessons")
    stages = models.ManyToManyField("plans.EscalationStage", blank=True, related_name="lessons")
    agencies = models.ManyToManyField("apc.Agency", blank=True, related_name="lessons")
    # Maintained by the database (PostgreSQL trigger, migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["report_id", "position", "id"]

    def __str__(self) -> str:
        text = self.statement.strip().splitlines()[0] if self.statement.strip() else ""
        return text[:80] or f"Lesson {self.pk}"


class LessonConsideration(models.Model):
    """The drafting team of a plan has considered a lesson, with a note (the plans' guideline
    check "relevant lessons considered" reads these)."""

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="lesson_considerations"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="considerations")
    note = models.TextField()
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    considered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-considered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "lesson"], name="one_consideration_per_lesson")
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} considered lesson {self.lesson_id}"
