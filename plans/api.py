"""REST API of plans (/api/v1/plans/), their versions, playbooks and the reference catalogue
(/api/v1/tools/, /strategies/, /target-groups/).

Source: issue 6, "Pages, exports, API". Who sees what is the policy's (plans/policy.py): plans
by role (co-chairs, directorate), grant (drafting team, red team, shared) or the committee they
were submitted to; playbooks by everyone but service accounts; the reference catalogue by
everyone. Every part of a plan is read through its selector with the caller, so a section above
their clearance is absent (and counted in `hidden_sections`) while the rest of the plan stays;
the X-APC-Classification header names the highest marking shown. A plan's detail read is
audited ("plan.view"), as is a version's ("plan.version_view"). The life cycle is moved by
POST .../transition/ through services.plan_transition; service accounts never write.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER, PolicyViewSet
from apc.core.audit import record_event
from apc.core.permissions import require, visible
from plans import selectors, services
from plans.filters import PlanFilter
from plans.guidelines import checks_for
from plans.models import (
    Measure,
    Plan,
    Playbook,
    PlaybookOption,
    Strategy,
    TargetGroup,
    Tool,
)
from plans.serializers import (
    PlanDetailSerializer,
    PlanSerializer,
    PlaybookDetailSerializer,
    PlaybookSerializer,
    StrategySerializer,
    TargetGroupSerializer,
    ToolSerializer,
    TransitionInputSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)

ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail, errors}`")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT, description="`{detail, errors}`: not possible in the plan's state"
)
_BY_LABEL = {markings.label(m): m for m in markings.ORDER}


class _MarkedByView:
    """The classification header also counts markings the view names itself (`shown_marking`)
    that are no `marking` key of the payload: the countries the plans concern."""

    shown_marking: str | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.shown_marking is not None and CLASSIFICATION_HEADER in response:
            found = _BY_LABEL.get(response[CLASSIFICATION_HEADER], markings.LOWEST)
            level = markings.highest([found, self.shown_marking])
            response[CLASSIFICATION_HEADER] = markings.label(level)
        return response


def _key_of(plan_kind: str, response_key: str) -> str:
    """The section a part belongs to: a prevention plan's parts all belong to its one section."""
    return response_key if plan_kind == Plan.Kind.RESPONSE else "prevention_plan"


def plan_parts(user: Any, plan: Plan) -> dict[str, Any]:
    """Every part of `plan` as `user` may see it, and the highest marking among them."""
    sections = selectors.sections_for(user, plan)
    shown = {s.key for s in sections}
    parts: dict[str, Any] = {
        "sections": sections,
        "hidden_sections": selectors.hidden_sections(user, plan),
        "options": selectors.options_for(user, plan),
        "partners": selectors.partners_for(user, plan),
        # the messaging lead belongs to the operations plan, like the partners
        "messaging_lead": (
            plan.messaging_lead if _key_of(plan.kind, "operations_plan") in shown else None
        ),
        "actions": services.available_actions(user, plan),
        "checks": checks_for(user, plan),
    }
    parts["marking"] = markings.highest(
        [plan.marking, plan.country.marking, *(s.marking for s in sections)]
    )
    return parts


def _shown(plan: Plan, view: dict[str, Any]) -> str:
    """The highest marking of a version as the caller is shown it (selectors.version_view)."""
    return markings.highest(
        [view.get("marking") or plan.marking, *(s["marking"] for s in view["sections"])]
    )


@extend_schema(tags=["plans"])
class PlanViewSet(_MarkedByView, mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """Crisis prevention and response plans the caller may see."""

    selector = staticmethod(selectors.plans_for)
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return {
            "retrieve": PlanDetailSerializer,
            "transition": TransitionInputSerializer,
            "versions": VersionSerializer,
            "version": VersionDetailSerializer,
        }.get(self.action, PlanSerializer)

    list_action = "plans.view"

    def paginate_queryset(self, queryset: QuerySet) -> list | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.shown_marking = markings.highest(p.country.marking for p in page)
        return page

    def _detail(self, plan: Plan, *, audit: bool) -> Response:
        parts = plan_parts(self.request.user, plan)
        if audit:
            record_event(
                actor=self.request.user,
                action="plan.view",
                obj=plan,
                marking=parts["marking"],
                request=self.request,
            )
        self.shown_marking = parts["marking"]
        context = {**self.get_serializer_context(), "parts": parts}
        return Response(PlanDetailSerializer(plan, context=context).data)

    @extend_schema(
        summary="Plans the caller may see, ordered for prioritisation",
        description=(
            "`order`: priority (the country's priority, highest first; the default), risk "
            "(the country's latest risk rank), tier, updated, country."
        ),
        responses={200: PlanSerializer(many=True), 400: ERRORS, 403: ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A plan with the sections the caller may see, its options matrix, partners, "
        "the actions the caller may take and the guideline checks (audited read)",
        responses={200: PlanDetailSerializer, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object(), audit=True)

    @extend_schema(
        summary="Move the plan along its life cycle",
        description=(
            "`action` is one of the plan's `available_actions`. Returning a plan needs a "
            "`comment`; `brief_congress` needs `briefing` (date, committees, members). Nobody "
            "on the drafting team approves their own plan (403); an action the plan's state "
            "does not allow answers 409. Service accounts may not write (403)."
        ),
        request=TransitionInputSerializer,
        responses={
            200: PlanDetailSerializer,
            400: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.plan_transition(
            actor=request.user,
            plan=plan,
            action=values["action"],
            comment=values.get("comment", ""),
            briefing=dict(values["briefing"]) if values.get("briefing") else None,
        )
        plan = Plan.objects.select_related("country", "owner", "lead").get(pk=plan.pk)
        return self._detail(plan, audit=False)

    @extend_schema(
        summary="The plan's frozen versions the caller may read, oldest first",
        responses={200: VersionSerializer(many=True), 404: ERRORS},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        rows = list(selectors.versions_for(request.user, plan).order_by("number"))
        for version in rows:
            version.shown_marking = _shown(plan, selectors.version_view(request.user, version))
        self.shown_marking = plan.country.marking
        return Response(VersionSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        summary="A frozen version as the caller may read it (audited read)",
        parameters=[OpenApiParameter("number", int, OpenApiParameter.PATH)],
        responses={200: VersionDetailSerializer, 404: ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)",
        url_name="version-detail",
        filter_backends=[],
        pagination_class=None,
    )
    def version(self, request: Request, pk: str | None = None, number: str = "") -> Response:
        plan = self.get_object()
        version = selectors.versions_for(request.user, plan).filter(number=number).first()
        if version is None:  # the plan is visible (get_object), so are all its versions
            raise Http404
        view = selectors.version_view(request.user, version)
        shown = _shown(plan, view)
        record_event(
            actor=request.user,
            action="plan.version_view",
            obj=plan,
            marking=shown,
            request=request,
            summary=f"v{version.number}",
        )
        self.shown_marking = markings.highest([shown, plan.country.marking])
        payload = {
            **view,
            "number": version.number,
            "status": version.status,
            "created_at": version.created_at,
            "created_by": version.created_by.get_full_name() or version.created_by.username,
            "marking": shown,
        }
        return Response(VersionDetailSerializer(payload).data)


# --- Playbooks and the reference catalogue --------------------------------------------------


def _tools_for(user: Any) -> QuerySet[Tool]:
    return visible(user, Tool.objects.prefetch_related("strategies"))


def _strategies_for(user: Any) -> QuerySet[Strategy]:
    return visible(user, Strategy.objects.all()).prefetch_related(
        Prefetch("tools", queryset=Tool.objects.order_by("source", "position"))
    )


def _target_groups_for(user: Any) -> QuerySet[TargetGroup]:
    return visible(user, TargetGroup.objects.all()).prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("position"))
    )


class _ReferenceViewSet(mixins.ListModelMixin, PolicyViewSet):
    """Read-only reference data, loaded by migration from the documents: every signed-in user,
    service accounts included."""

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        require(request.user, "reference.view")


@extend_schema(tags=["reference"])
class ToolViewSet(_ReferenceViewSet):
    """The tool catalogue: Task Force Table 1 (type, stance) and USHMM Annex C (definitions,
    strategies)."""

    selector = staticmethod(_tools_for)
    serializer_class = ToolSerializer

    @extend_schema(summary="The tool catalogue, table by table, in the order printed")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["reference"])
class StrategyViewSet(_ReferenceViewSet):
    """The four strategies of USHMM Table 1."""

    selector = staticmethod(_strategies_for)
    serializer_class = StrategySerializer

    @extend_schema(summary="The strategies with their assumptions, mechanisms and tools")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["reference"])
class TargetGroupViewSet(_ReferenceViewSet):
    """The four target groups of Task Force Table 2."""

    selector = staticmethod(_target_groups_for)
    serializer_class = TargetGroupSerializer

    @extend_schema(summary="The target groups with their purpose and measures in escalation order")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["plans"])
class PlaybookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """Playbooks: reusable packages of options the directorate maintains (not for service
    accounts)."""

    selector = staticmethod(selectors.playbooks_for)
    serializer_class = PlaybookSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Playbook.objects.none()
        qs = super().get_queryset()
        if self.action == "retrieve":
            options = PlaybookOption.objects.select_related(
                "target_group", "stage", "strategy", "lead_agency"
            )
            qs = qs.prefetch_related(Prefetch("options", queryset=options))
        return qs

    def get_object(self) -> Model:
        # the policy's lookup, then the playbook with its options (one query each)
        return self.get_queryset().get(pk=super().get_object().pk)

    def get_serializer_class(self):
        return PlaybookDetailSerializer if self.action == "retrieve" else PlaybookSerializer

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        require(request.user, "view", Playbook)

    @extend_schema(
        summary="Playbooks, by name", responses={200: PlaybookSerializer(many=True), 403: ERRORS}
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A playbook with its options",
        responses={200: PlaybookDetailSerializer, 403: ERRORS, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)
