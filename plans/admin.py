"""Admin of plans: read-only, except that administrators may rename the escalation stages of
the options matrix (issue 6: "an ordered list ... that administrators can rename"; the order and
keys stay). Plans, sections, options, playbooks and the reference data change only through the
product's services (or the reference migration), which check permissions and audit."""

from django.contrib import admin

from apc.admin import AuditedAdmin, ReadOnlyAdmin
from plans.models import (
    EscalationStage,
    Measure,
    Option,
    Partner,
    Plan,
    PlanContributor,
    PlanEvent,
    PlanSection,
    PlanVersion,
    Playbook,
    PlaybookOption,
    RedTeamFinding,
    Rehearsal,
    Strategy,
    TargetGroup,
    Tool,
)

for model, columns in [
    (Tool, ["name", "source", "type", "stance"]),
    (Strategy, ["name", "key", "source"]),
    (TargetGroup, ["name", "purpose", "source"]),
    (Measure, ["group", "position", "text"]),
    (Plan, ["title", "country", "kind", "status", "marking", "updated_at"]),
    (PlanSection, ["plan", "key", "status", "assignee", "marking", "version"]),
    (Option, ["plan", "target_group", "stage", "tool", "custom_measure", "stance"]),
    (Playbook, ["name", "strategy", "stage", "updated_at"]),
    (PlaybookOption, ["playbook", "target_group", "stage", "tool", "custom_measure"]),
    (Partner, ["plan", "name", "influence", "engaged"]),
    (PlanEvent, ["at", "plan", "action", "from_status", "to_status", "actor"]),
    (PlanContributor, ["plan", "user", "since"]),
    (PlanVersion, ["created_at", "plan", "number", "status", "marking"]),
    (RedTeamFinding, ["created_at", "plan", "section_key", "reviewer", "responded_at"]),
    (Rehearsal, ["held_on", "plan", "kind", "recorded_by"]),
]:
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns})
    )


@admin.register(EscalationStage)
class EscalationStageAdmin(AuditedAdmin):
    """Rename a stage; its key and place in the order are fixed."""

    list_display = ["position", "name", "key"]
    readonly_fields = ["key", "position"]
    fields = ["key", "position", "name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
