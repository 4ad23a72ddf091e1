"""REST API of APC meetings (/api/v1/meetings/) and their action items (/api/v1/action-items/).

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (recommendation
4-1: the APC meets every other month and as needed, and reviews implementation of previously
agreed actions and their impacts); issue 5, "Pages and API".

Who sees what is the policy's (apc/meetings/policy.py): the committee (co-chairs, directorate,
members) and the Deputies secretariat at its level; nobody else, API clients included. Every part
of a meeting is read through its selector with the caller, so a payload holds only what the
caller may see; a meeting's detail read is audited ("meeting.view", marked with the highest
marking shown), as is an action item's ("actionitem.view"). The owner agency reports on its
action items; the co-chairs reassign them; writes go through apc/meetings/services.py.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER, PolicyViewSet
from apc.core.audit import record_event
from apc.core.permissions import can, require
from apc.meetings import selectors, services
from apc.meetings.filters import ActionItemFilter, MeetingFilter
from apc.meetings.models import ActionItem, Meeting
from apc.meetings.serializers import (
    REASSIGN_FIELDS,
    UPDATE_FIELDS,
    ActionItemDetailSerializer,
    ActionItemPatchSerializer,
    ActionItemSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
)

ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail, errors}`")
_BY_LABEL = {markings.label(m): m for m in markings.ORDER}


class _MarkedByView:
    """The classification header also counts markings the view names itself (`shown_marking`)
    that are no `marking` key of the payload the base viewset finds: the minutes' marking, and
    that of the countries action items name."""

    shown_marking: str | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.shown_marking is not None and CLASSIFICATION_HEADER in response:
            found = _BY_LABEL.get(response[CLASSIFICATION_HEADER], markings.LOWEST)
            level = markings.highest([found, self.shown_marking])
            response[CLASSIFICATION_HEADER] = markings.label(level)
        return response


def _with_countries(items: list[ActionItem]) -> str:
    """The highest marking of action items and the countries they name (a row shows both)."""
    found = {i.marking for i in items} | {i.country.marking for i in items if i.country_id}
    return markings.highest(found)


def meeting_parts(user: Any, meeting: Meeting) -> dict[str, Any]:
    """Every part of `meeting` as `user` may see it, and the highest marking among them."""
    agenda = selectors.agenda_for(user, meeting)
    for row in agenda:
        row["item"].visible_entries = row["entries"]
    parts: dict[str, Any] = {
        "agenda": [row["item"] for row in agenda],
        "attendance": list(selectors.attendance_for(user, meeting)),
        "decisions": list(selectors.decisions_for(user, meeting)),
        "action_items": list(selectors.action_items_for(user).filter(meeting=meeting)),
        "minutes_visible": selectors.minutes_visible(user, meeting),
        "addenda": list(selectors.addenda_for(user, meeting)),
    }
    shown = {meeting.marking} | selectors.agenda_markings(agenda)
    for name in ("decisions", "addenda"):
        shown |= {row.marking for row in parts[name]}
    shown.add(_with_countries(parts["action_items"]))
    if parts["minutes_visible"] and meeting.minutes:
        shown.add(meeting.minutes_marking)
    parts["marking"] = markings.highest(shown)
    return parts


@extend_schema(tags=["meetings"])
class MeetingViewSet(
    _MarkedByView, mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet
):
    """Meetings of the APC the caller may see (the committee; the Deputies secretariat those at
    its level)."""

    selector = staticmethod(selectors.meetings_for)
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return super().get_queryset()

    list_action = "meetings.view"

    @extend_schema(
        summary="Meetings the caller may see, newest first",
        responses={200: MeetingSerializer(many=True), 403: ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A meeting with its agenda, attendance, decisions, action items and minutes, "
        "as far as the caller may see them (audited read)",
        responses={200: MeetingDetailSerializer, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        parts = meeting_parts(request.user, meeting)
        record_event(
            actor=request.user,
            action="meeting.view",
            obj=meeting,
            marking=parts["marking"],
            request=request,
        )
        self.shown_marking = parts["marking"]
        context = {**self.get_serializer_context(), "parts": parts}
        return Response(MeetingDetailSerializer(meeting, context=context).data)


@extend_schema(tags=["meetings"])
class ActionItemViewSet(
    _MarkedByView, mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet
):
    """Action items the committee agreed; the owner agency reports on its own, a co-chair
    reassigns them."""

    selector = staticmethod(selectors.action_items_for)
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter

    @property
    def sensitive(self) -> bool:  # audit the reads, not the lookup of a PATCH
        return self.action == "retrieve"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return {
            "retrieve": ActionItemDetailSerializer,
            "partial_update": ActionItemPatchSerializer,
        }.get(self.action, ActionItemSerializer)

    list_action = "meetings.view"

    def paginate_queryset(self, queryset: QuerySet) -> list | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.shown_marking = _with_countries(list(page))
        return page

    def _detail(self, item: ActionItem) -> Response:
        self.shown_marking = _with_countries([item])
        history = list(selectors.action_item_history(self.request.user, item))
        context = {**self.get_serializer_context(), "history": history}
        return Response(ActionItemDetailSerializer(item, context=context).data)

    @extend_schema(
        summary="Action items the caller may see, soonest due first",
        responses={200: ActionItemSerializer(many=True), 403: ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="An action item with its history (audited read)",
        responses={200: ActionItemDetailSerializer, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Report on an action item (owner agency) or reassign it (co-chairs)",
        description=(
            "The owner agency's members set `status`, `implementation_notes` and `impact`; "
            "a co-chair sets `owner_agency` (code), `assignee` (user id) and `due`. `note` "
            "explains the update. Any other field is refused with 400 and nothing changes. "
            "Giving the item to another agency clears its assignee unless one is given."
        ),
        request=ActionItemPatchSerializer,
        responses={200: ActionItemDetailSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        item = self.get_object()
        keys = set(getattr(request.data, "keys", dict)())
        reporting = bool(keys & UPDATE_FIELDS) or (keys == {"note"})
        reassigning = bool(keys & REASSIGN_FIELDS)
        # The policy answers before the input is judged: 403 for those who may do neither.
        if reporting:
            require(user, "update", item)
        if reassigning:
            require(user, "reassign", item)
        if not (reporting or reassigning) and not can(user, "reassign", item):
            require(user, "update", item)
        data = ActionItemPatchSerializer(data=request.data, context={"item": item})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        note = values.get("note", "")
        # Report first: reassigning to another agency would take the item from the reporter.
        if reporting:
            item = services.action_item_update(
                actor=user,
                item=item,
                status=values.get("status"),
                implementation_notes=values.get("implementation_notes"),
                impact=values.get("impact"),
                note=note,
            )
        if reassigning:
            item = services.action_item_reassign(
                actor=user, item=item, note="" if reporting else note, **values["reassign"]
            )
        return self._detail(self.get_queryset().get(pk=item.pk))
