"""Representations of meetings and action items for the REST API (apc/meetings/api.py).

The nested parts of a meeting (agenda, attendance, decisions, action items, minutes) are not
read here: the view reads each through its selector, with the caller, and passes the results in
the serializer context, so a serializer can never show more than the caller may see. Agenda
entries are the generated agenda's own (apc/meetings/agenda.py), already filtered by clearance;
they name no warning's filer. Nothing here names a filer either.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apc.core.markings import Marking
from apc.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesAddendum,
)
from apc.models import Agency, User


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


# --- Meetings -------------------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting in a list: `url` is the meeting's page."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "kind", "level", "starts_at", "status", "url"]
        read_only_fields = fields

    def get_url(self, meeting: Meeting) -> str:
        return _absolute(self.context, meeting.get_absolute_url())


class AgendaEntrySerializer(serializers.Serializer):
    """One line of a generated agenda item (a tier change, a warning, an action under review,
    a country...). Only `type`, `marking` and `text` are always present; the others depend on
    the type. Never names a warning's filer."""

    type = serializers.CharField()
    marking = serializers.ChoiceField(choices=Marking.choices)
    text = serializers.CharField()
    date = serializers.CharField(required=False, help_text="ISO 8601 date")
    country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-3")
    warning = serializers.IntegerField(required=False)
    action_item = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False)
    owner_agency = serializers.CharField(required=False)
    due = serializers.CharField(required=False)
    overdue = serializers.BooleanField(required=False)
    implementation_notes = serializers.CharField(required=False)
    impact = serializers.CharField(required=False)


class AgendaItemSerializer(serializers.ModelSerializer):
    """An agenda item with the entries the caller's clearance admits (`visible_entries`, set by
    the view from selectors.agenda_for)."""

    section_label = serializers.CharField(source="get_section_display", read_only=True)
    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    presenter_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    entries = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "section",
            "section_label",
            "position",
            "title",
            "notes",
            "country",
            "presenter_agency",
            "minutes_allocated",
            "marking",
            "flags",
            "entries",
        ]
        read_only_fields = fields

    @extend_schema_field(AgendaEntrySerializer(many=True))
    def get_entries(self, item: AgendaItem) -> list[dict[str, Any]]:
        return list(getattr(item, "visible_entries", []))


class AttendanceSerializer(serializers.ModelSerializer):
    """How a member agency was represented."""

    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    attendee = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["agency", "agency_name", "status", "attendee"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attendee(self, row: Attendance) -> str | None:
        return _name(row.attendee)


class DecisionSerializer(serializers.ModelSerializer):
    """A decision of the meeting, with what it concerns (ids)."""

    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    warning = serializers.IntegerField(source="warning_id", read_only=True, allow_null=True)
    tier_change = serializers.IntegerField(source="tier_change_id", read_only=True, allow_null=True)
    plan = serializers.IntegerField(source="plan_id", read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "text",
            "country",
            "warning",
            "plan",
            "tier_change",
            "without_quorum",
            "marking",
            "recorded_at",
        ]
        read_only_fields = fields


class AddendumSerializer(serializers.ModelSerializer):
    """A correction to approved minutes."""

    class Meta:
        model = MinutesAddendum
        fields = ["id", "text", "marking", "created_at"]
        read_only_fields = fields


# --- Action items ---------------------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    """An action item: `owner_agency` is the agency's code, `assignee` a user id; `url` is the
    item's page."""

    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    owner_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "text",
            "country",
            "owner_agency",
            "assignee",
            "assignee_name",
            "due",
            "status",
            "overdue",
            "implementation_notes",
            "impact",
            "marking",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assignee_name(self, item: ActionItem) -> str | None:
        return _name(item.assignee)

    def get_url(self, item: ActionItem) -> str:
        return _absolute(self.context, reverse("action-item-detail", args=[item.pk]))


class ActionItemUpdateSerializer(serializers.ModelSerializer):
    """One entry of an action item's history."""

    author = serializers.SerializerMethodField()

    class Meta:
        model = ActionItemUpdate
        fields = ["at", "author", "changes", "note"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_author(self, update: ActionItemUpdate) -> str:
        return _name(update.author) or ""


class ActionItemDetailSerializer(ActionItemSerializer):
    """An action item with its history (`history` from the context: selectors
    .action_item_history with the caller)."""

    history = serializers.SerializerMethodField()

    class Meta(ActionItemSerializer.Meta):
        fields = [*ActionItemSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(ActionItemUpdateSerializer(many=True))
    def get_history(self, item: ActionItem) -> list[dict[str, Any]]:
        rows = self.context.get("history", [])
        return ActionItemUpdateSerializer(rows, many=True, context=self.context).data


UPDATE_FIELDS = frozenset({"status", "implementation_notes", "impact"})
REASSIGN_FIELDS = frozenset({"owner_agency", "assignee", "due"})


class ActionItemPatchSerializer(serializers.Serializer):
    """What PATCH /api/v1/action-items/<id>/ takes. The owner agency reports `status`,
    `implementation_notes`, `impact` (services.action_item_update); a co-chair gives the item
    to another agency, assignee or due date (services.action_item_reassign). `note` goes with
    either. Any other field is refused (400), and nothing is changed."""

    status = serializers.ChoiceField(choices=ActionItem.Status.choices, required=False)
    implementation_notes = serializers.CharField(required=False, allow_blank=True)
    impact = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    owner_agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), required=False, help_text="Agency code"
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="User id (of the owner agency); null for none",
    )
    due = serializers.DateField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown = sorted(set(getattr(data, "keys", dict)()) - set(self.fields))
        errors: dict[str, Any] = {k: ["This field cannot be changed."] for k in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors.update(exc.detail if isinstance(exc.detail, dict) else {})
            raise serializers.ValidationError(errors) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"__all__": ["Give at least one field to change."]})
        item: ActionItem | None = self.context.get("item")
        if item is not None and REASSIGN_FIELDS & set(attrs):
            owner = attrs.get("owner_agency", item.owner_agency)
            if "assignee" in attrs:
                assignee = attrs["assignee"]
            elif owner.pk != item.owner_agency_id:
                assignee = None  # given to another agency: its own people pick it up
            else:
                assignee = item.assignee
            if assignee is not None and assignee.agency_id != owner.pk:
                raise serializers.ValidationError(
                    {"assignee": [f"The assignee must belong to {owner}."]}
                )
            attrs["reassign"] = {
                "owner_agency": owner,
                "assignee": assignee,
                "due": attrs.get("due", item.due),
            }
        return attrs


# --- A meeting in full ----------------------------------------------------------------------


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its parts, each as far as the caller may see it (read by the view through
    the selectors and passed in the context). `minutes` and `minutes_marking` are null when the
    minutes are marked above the caller's clearance."""

    title = serializers.CharField(read_only=True)
    agenda = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    action_items = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()
    minutes_marking = serializers.SerializerMethodField()
    addenda = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "title",
            "ends_at",
            "location",
            "marking",
            "countries",
            "agenda_locked_at",
            "held_at",
            "minutes_approved_at",
            "agenda",
            "attendance",
            "decisions",
            "action_items",
            "minutes",
            "minutes_marking",
            "addenda",
        ]
        read_only_fields = fields

    def _part(self, name: str) -> Any:
        return self.context["parts"][name]

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting: Meeting) -> list[dict[str, Any]]:
        return AgendaItemSerializer(self._part("agenda"), many=True, context=self.context).data

    @extend_schema_field(AttendanceSerializer(many=True))
    def get_attendance(self, meeting: Meeting) -> list[dict[str, Any]]:
        return AttendanceSerializer(self._part("attendance"), many=True, context=self.context).data

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, meeting: Meeting) -> list[dict[str, Any]]:
        return DecisionSerializer(self._part("decisions"), many=True, context=self.context).data

    @extend_schema_field(ActionItemSerializer(many=True))
    def get_action_items(self, meeting: Meeting) -> list[dict[str, Any]]:
        rows = self._part("action_items")
        return ActionItemSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Markdown"))
    def get_minutes(self, meeting: Meeting) -> str | None:
        return meeting.minutes if self._part("minutes_visible") else None

    @extend_schema_field(serializers.ChoiceField(choices=Marking.choices, allow_null=True))
    def get_minutes_marking(self, meeting: Meeting) -> str | None:
        return meeting.minutes_marking if self._part("minutes_visible") else None

    @extend_schema_field(AddendumSerializer(many=True))
    def get_addenda(self, meeting: Meeting) -> list[dict[str, Any]]:
        return AddendumSerializer(self._part("addenda"), many=True, context=self.context).data
