"""Representations of plans, their versions and the reference catalogue for the REST API
(plans/api.py).

The parts of a plan (sections, options, partners, checks, available actions) are not read here:
the view reads each through its selector with the caller and passes the results in the
serializer context, so a serializer can never show more than the caller may see. A version is
shown as selectors.version_view gives it (sections above the caller's clearance removed).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apc.core.markings import Marking
from plans.models import (
    Option,
    Partner,
    Plan,
    PlanSection,
    PlanVersion,
    Playbook,
    PlaybookOption,
    Strategy,
    TargetGroup,
    Tool,
)


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


NAME = serializers.CharField(allow_null=True)


# --- Reference data -------------------------------------------------------------------------


class ToolSerializer(serializers.ModelSerializer):
    """A tool of the catalogue: `source` is the table it comes from; `type` and `stance` are
    blank where the source gives none; `strategies` are the keys of the USHMM strategies it
    supports (Annex C tools, where the documents say so)."""

    strategies = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = Tool
        fields = ["id", "name", "definition", "source", "type", "stance", "strategies"]
        read_only_fields = fields


class StrategySerializer(serializers.ModelSerializer):
    """A strategy of USHMM Table 1: `tools` names the Annex C tools mapped to it; `table_tools`
    lists the supporting tools as Table 1 prints them."""

    tools = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = ["key", "name", "assumptions", "mechanisms", "tools", "table_tools", "source"]
        read_only_fields = fields


class TargetGroupSerializer(serializers.ModelSerializer):
    """A target group of Task Force Table 2 with its purpose and the table's illustrative
    measures in escalation order."""

    measures = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)

    class Meta:
        model = TargetGroup
        fields = ["key", "name", "description", "purpose", "measures", "source"]
        read_only_fields = fields


# --- Options (a plan's matrix, a playbook's package) ----------------------------------------

OPTION_FIELDS = [
    "id",
    "target_group",
    "stage",
    "tool",
    "measure",
    "custom_measure",
    "strategy",
    "mechanism",
    "stance",
    "lead_agency",
    "expected_effect",
    "costs",
    "risks",
    "counter_moves",
    "adaptation",
    "partners",
    "enforcer",
]


class _OptionFieldsSerializer(serializers.ModelSerializer):
    """`target_group`, `stage` and `strategy` are keys, `tool` the catalogue tool's id (null for
    a custom measure), `measure` what the option is (the tool's name or the custom measure),
    `lead_agency` an agency code."""

    target_group = serializers.SlugRelatedField(slug_field="key", read_only=True)
    stage = serializers.SlugRelatedField(slug_field="key", read_only=True)
    tool = serializers.IntegerField(source="tool_id", read_only=True, allow_null=True)
    measure = serializers.CharField(source="label", read_only=True)
    strategy = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    lead_agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)


class OptionSerializer(_OptionFieldsSerializer):
    """An option of a plan's policy-options matrix (target group × escalation stage)."""

    from_playbook = serializers.IntegerField(
        source="from_playbook_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Option
        fields = [*OPTION_FIELDS, "from_playbook"]
        read_only_fields = fields


class PlaybookOptionSerializer(_OptionFieldsSerializer):
    class Meta:
        model = PlaybookOption
        fields = OPTION_FIELDS
        read_only_fields = fields


class PlaybookSerializer(serializers.ModelSerializer):
    """A playbook: a reusable package of options by strategy and stage (keys)."""

    strategy = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    stage = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Playbook
        fields = ["id", "name", "description", "strategy", "stage", "updated_at", "url"]
        read_only_fields = fields

    def get_url(self, playbook: Playbook) -> str:
        return _absolute(self.context, reverse("plans:playbook-detail", args=[playbook.pk]))


class PlaybookDetailSerializer(PlaybookSerializer):
    options = PlaybookOptionSerializer(many=True, read_only=True)

    class Meta(PlaybookSerializer.Meta):
        fields = [*PlaybookSerializer.Meta.fields, "options"]
        read_only_fields = fields


# --- Plans ----------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    """A plan in a list: `country` is the ISO 3166-1 alpha-3 code; `owner` and `lead` are
    names; `url` is the plan's page."""

    country = serializers.CharField(source="country_id", read_only=True)
    owner = serializers.SerializerMethodField()
    lead = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "country",
            "kind",
            "title",
            "status",
            "marking",
            "owner",
            "lead",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_owner(self, plan: Plan) -> str | None:
        return _name(plan.owner)

    @extend_schema_field(serializers.CharField())
    def get_lead(self, plan: Plan) -> str | None:
        return _name(plan.lead)

    def get_url(self, plan: Plan) -> str:
        return _absolute(self.context, plan.get_absolute_url())


class SectionSerializer(serializers.ModelSerializer):
    """A section the caller's clearance admits: `content` maps the section's field names
    (plans/sections.py) to text; `version` is what a save must start from."""

    title = serializers.CharField(read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    assigned_agency = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    content = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)

    class Meta:
        model = PlanSection
        fields = [
            "key",
            "title",
            "status",
            "assignee",
            "assignee_name",
            "assigned_agency",
            "marking",
            "content",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(NAME)
    def get_assignee_name(self, section: PlanSection) -> str | None:
        return _name(section.assignee)


class PartnerSerializer(serializers.ModelSerializer):
    """An international partner; `influence` flags states with influence over the perpetrators
    (patrons, neighbours)."""

    class Meta:
        model = Partner
        fields = ["id", "name", "influence", "engaged", "role"]
        read_only_fields = fields


class CongressSerializer(serializers.Serializer):
    """The briefing to Congress (null until recorded)."""

    date = serializers.DateField(source="congress_briefed_on")
    committees = serializers.CharField(source="congress_committees")
    members = serializers.CharField(source="congress_members")


class ActionSerializer(serializers.Serializer):
    """A transition the caller may take now (plans/workflow.py)."""

    action = serializers.CharField()
    label = serializers.CharField()


class PassageSerializer(serializers.Serializer):
    """A passage of a source document: the seed file, the heading and part it is printed under,
    and the verbatim quote."""

    file = serializers.CharField()
    heading = serializers.CharField()
    quote = serializers.CharField()
    part = serializers.CharField(allow_blank=True)


class CheckSerializer(serializers.Serializer):
    """A guideline check (advice): `ok` is true (met), false (not met) or null (not applicable
    yet, or hidden above the caller's clearance)."""

    key = serializers.CharField()
    title = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    detail = serializers.CharField()
    passages = PassageSerializer(many=True)


class PlanDetailSerializer(PlanSerializer):
    """A plan as far as the caller may see it (read by the view through the selectors and
    passed in the context): the sections their clearance admits (`hidden_sections` counts the
    others), the options matrix and partners when their section is shown, the single messaging
    lead (agency code), the briefing to Congress, the actions the caller may take now and the
    guideline checks."""

    country_name = serializers.CharField(source="country.name", read_only=True)
    sections = serializers.SerializerMethodField()
    hidden_sections = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    messaging_lead = serializers.SerializerMethodField()
    congress = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "country_name",
            "created_at",
            "sections",
            "hidden_sections",
            "options",
            "partners",
            "messaging_lead",
            "congress",
            "available_actions",
            "checks",
        ]
        read_only_fields = fields

    def _part(self, name: str) -> Any:
        return self.context["parts"][name]

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, plan: Plan) -> list[dict[str, Any]]:
        return SectionSerializer(self._part("sections"), many=True, context=self.context).data

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_sections(self, plan: Plan) -> int:
        return self._part("hidden_sections")

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, plan: Plan) -> list[dict[str, Any]]:
        return OptionSerializer(self._part("options"), many=True, context=self.context).data

    @extend_schema_field(PartnerSerializer(many=True))
    def get_partners(self, plan: Plan) -> list[dict[str, Any]]:
        return PartnerSerializer(self._part("partners"), many=True, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Agency code"))
    def get_messaging_lead(self, plan: Plan) -> str | None:
        lead = self._part("messaging_lead")
        return lead.code if lead is not None else None

    @extend_schema_field(CongressSerializer(allow_null=True))
    def get_congress(self, plan: Plan) -> dict[str, Any] | None:
        if plan.congress_briefed_on is None:
            return None
        return CongressSerializer(plan).data

    @extend_schema_field(ActionSerializer(many=True))
    def get_available_actions(self, plan: Plan) -> list[dict[str, Any]]:
        return [{"action": t.action, "label": t.label} for t in self._part("actions")]

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, plan: Plan) -> list[dict[str, Any]]:
        return CheckSerializer(self._part("checks"), many=True).data


class BriefingSerializer(serializers.Serializer):
    """The briefing to Congress, for `brief_congress`."""

    date = serializers.DateField(required=False, allow_null=True)
    committees = serializers.CharField(required=False, allow_blank=True)
    members = serializers.CharField(required=False, allow_blank=True)


class TransitionInputSerializer(serializers.Serializer):
    """What POST /api/v1/plans/<id>/transition/ takes: an action of the plan's transition table
    (plans/workflow.py; `available_actions` of the plan lists the caller's), a comment (required
    to return a plan), and for `brief_congress` the briefing."""

    action = serializers.CharField(max_length=32)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    briefing = BriefingSerializer(required=False, allow_null=True)


# --- Versions -------------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer):
    """A frozen version: `status` is the status it was submitted to; `marking` the highest
    marking of what the caller is shown of it (`shown_marking`, set by the view from
    selectors.version_view: the version may hold sections above their clearance)."""

    created_by = serializers.SerializerMethodField()
    marking = serializers.ChoiceField(
        source="shown_marking", choices=Marking.choices, read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["number", "status", "created_at", "created_by", "marking", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_created_by(self, version: PlanVersion) -> str | None:
        return _name(version.created_by)

    def get_url(self, version: PlanVersion) -> str:
        path = reverse("api:plan-version-detail", args=[version.plan_id, version.number])
        return _absolute(self.context, path)


class SnapshotSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanSection.Status.choices)
    marking = serializers.ChoiceField(choices=Marking.choices)
    content = serializers.DictField(child=serializers.CharField(allow_blank=True))


class SnapshotOptionSerializer(serializers.Serializer):
    """An option as frozen: names rather than keys (the version is a document)."""

    target_group = serializers.CharField()
    stage = serializers.CharField()
    measure = serializers.CharField()
    strategy = serializers.CharField(allow_blank=True)
    mechanism = serializers.CharField(allow_blank=True)
    stance = serializers.CharField()
    lead_agency = serializers.CharField(allow_blank=True)
    expected_effect = serializers.CharField(allow_blank=True)
    costs = serializers.CharField(allow_blank=True)
    risks = serializers.CharField(allow_blank=True)
    counter_moves = serializers.CharField(allow_blank=True)
    adaptation = serializers.CharField(allow_blank=True)
    partners = serializers.CharField(allow_blank=True)
    enforcer = serializers.CharField(allow_blank=True)


class SnapshotPartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    influence = serializers.ChoiceField(choices=Partner.Influence.choices)
    engaged = serializers.BooleanField()
    role = serializers.CharField(allow_blank=True)


class VersionDetailSerializer(serializers.Serializer):
    """A version as the caller may read it (selectors.version_view): sections above their
    clearance are left out (`hidden_sections` counts them), with the options and partners (and
    messaging lead) of a hidden section. `marking` is the highest marking shown."""

    number = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Plan.Kind.choices)
    country = serializers.CharField()
    marking = serializers.ChoiceField(choices=Marking.choices)
    messaging_lead = serializers.CharField(allow_null=True, help_text="Agency short name")
    sections = SnapshotSectionSerializer(many=True)
    hidden_sections = serializers.IntegerField()
    options = SnapshotOptionSerializer(many=True)
    partners = SnapshotPartnerSerializer(many=True)
