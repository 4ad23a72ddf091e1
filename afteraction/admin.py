"""Admin of the after-action repository: read-only, like the plans' (plans/admin.py).

A published report never changes and is never deleted "by anyone, through any path" (issue 7;
seeds/000, "Crisis Response Structure and Process": "a permanent and accessible repository");
the database refuses it too (afteraction/permanence.py). Reports not yet published, their
lessons and links, exercises and the plans' "considered" marks change only through
afteraction/services.py, which checks the policy, keeps the optimistic lock and the life-cycle
history, and audits; so the admin shows every record and writes none. The life-cycle history
(ReportEvent) is append-only.
"""

from django.contrib import admin

from afteraction.models import (
    Exercise,
    Lesson,
    LessonConsideration,
    NarrativeLink,
    Report,
    ReportEvent,
)
from apc.admin import ReadOnlyAdmin


class RepositoryAdmin(ReadOnlyAdmin):
    """Read-only, with no bulk actions (so no "delete selected" either)."""

    actions = None


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "statement", "outcome", "marking"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LinkInline(LessonInline):
    model = NarrativeLink
    fields = ["occurred_on", "kind", "label", "marking"]
    readonly_fields = fields


class EventInline(LessonInline):
    model = ReportEvent
    fields = ["at", "action", "from_status", "to_status", "actor_name", "comment"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Report)
class ReportAdmin(RepositoryAdmin):
    """Every revision of every report; written and published only through the product."""

    list_display = ["title", "revision", "status", "subject", "country", "year", "marking",
                    "due_on", "published_at"]  # fmt: skip
    list_filter = ["status", "subject", "marking", "year"]
    list_select_related = ["country"]
    search_fields = ["title", "subject_label", "summary", "uid", "series"]
    date_hierarchy = "commissioned_at"
    inlines = [LessonInline, LinkInline, EventInline]


@admin.register(Lesson)
class LessonAdmin(RepositoryAdmin):
    """Lessons with their tags; a published report's lessons are frozen with it."""

    list_display = ["__str__", "report", "outcome", "marking", "position"]
    list_filter = ["outcome", "marking", "strategies", "target_groups"]
    list_select_related = ["report"]
    search_fields = ["statement", "recommendation", "evidence", "uid"]


@admin.register(NarrativeLink)
class NarrativeLinkAdmin(RepositoryAdmin):
    """Records of the period cited by a report's narrative."""

    list_display = ["report", "kind", "label", "occurred_on", "marking"]
    list_filter = ["kind", "marking"]
    list_select_related = ["report"]


@admin.register(ReportEvent)
class ReportEventAdmin(RepositoryAdmin):
    """The life-cycle history: append-only."""

    list_display = ["at", "report", "action", "from_status", "to_status", "actor_name"]
    list_filter = ["action"]
    list_select_related = ["report"]


@admin.register(Exercise)
class ExerciseAdmin(RepositoryAdmin):
    """Exercises and rehearsals, recorded by the directorate in the product."""

    list_display = ["title", "kind", "held_on", "plan", "marking"]
    list_filter = ["kind", "marking"]
    list_select_related = ["plan"]


@admin.register(LessonConsideration)
class LessonConsiderationAdmin(RepositoryAdmin):
    """Lessons a plan's drafting team has considered (marked in the product, audited there)."""

    list_display = ["considered_at", "plan", "lesson", "considered_by"]
    list_select_related = ["plan", "lesson", "considered_by"]
