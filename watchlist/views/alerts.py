"""The alert channel's pages (issue 4, "Pages and API"): file a warning and get a receipt; "my
warnings" for the filer; the directorate's triage queue ordered by deadline, with
acknowledgement and review actions and a live countdown; the warning; its policy review, which
closes with an outcome and a rationale.

Source: seeds/004_69ba87841026b054.txt, "Early Warning: Assessing Risks and Triggering Action",
recommendations 2-4 (a "mass atrocities alert channel" for acute warning, akin to the dissent
channel) and 2-5 (warning as an "automatic trigger" of policy review).

Distribution is the policy's (watchlist/policy.py): the filer, the co-chairs and the directorate
(members once the warning is on an agenda); the filer follows the status and the outcome, never
the review. A protected filer's identity appears only for those who may "see_filer" (the
co-chairs and the filer): everyone else's page says "Identity protected" and carries neither the
filer's name, username, agency nor id. Every read is audited: "warning.view" for one warning,
"warning.list" naming the ids a list showed.

Views are thin: reads through watchlist.selectors, writes through watchlist.alerts. A policy
refusal goes to DomainErrorMiddleware (403, or 404 when the record is not even visible); a
service's `Invalid` becomes form errors (400, nothing changed); an action the warning's state
no longer allows answers 409 with the triage queue and a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from apc import selectors as apc_selectors
from apc.core.audit import record_event
from apc.core.exceptions import Invalid, InvalidTransition
from apc.core.permissions import can, require, visible
from apc.core.views import ActionRequiredMixin, PolicyDetailView, PolicyListView
from apc.core.views import get_visible_or_404 as _visible_or_404
from apc.emergency_views import deadline
from watchlist import alerts, selectors
from watchlist.forms_alerts import ReviewCloseForm, WarningForm
from watchlist.models import Country, PolicyReview, Warning

IDENTITY_PROTECTED = "Identity protected"
OUTCOMES = dict(PolicyReview.Outcome.choices)


def _audit_list(request: HttpRequest, shown: list[Warning], where: str) -> None:
    """One audit event per list read (see alerts.warnings_list_read)."""
    alerts.warnings_list_read(actor=request.user, warnings=shown, where=where, request=request)


def _filer(warning: Warning, shown: bool) -> dict[str, Any]:
    """Who filed, as this reader may know it: name and agency, or only "Identity protected"."""
    if not shown:
        return {"shown": False, "label": IDENTITY_PROTECTED}
    user = warning.filed_by
    return {
        "shown": True,
        "label": user.get_full_name() or user.username,
        "agency": warning.filer_agency.short_name or warning.filer_agency.name,
    }


def _outcome(warning: Warning) -> str:
    return OUTCOMES.get(warning.outcome, "")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Filing ---------------------------------------------------------------------------------


class WarningFileView(ActionRequiredMixin, View):
    """File a warning (analysts, members, the directorate, co-chairs); the filer's receipt is
    the warning's page, with its number, status and deadlines."""

    required_action = "alerts.file"
    template_name = "watchlist/alerts/warning_form.html"

    def _form(self, data: Any = None) -> WarningForm:
        user = self.request.user
        return WarningForm(
            data,
            clearance=user.clearance,
            countries=visible(user, Country.objects.order_by("name")),
            catalogue=selectors.indicator_catalogue_for(user).filter(active=True),
        )

    def _render(self, form: WarningForm, status: int = 200) -> HttpResponse:
        return TemplateResponse(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                warning = alerts.warning_file(actor=request.user, **form.service_fields())
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            else:
                messages.success(
                    request,
                    f"Warning #{warning.pk} received. This page is your receipt: keep the number "
                    "and follow the status here or under “My warnings”.",
                )
                return redirect("watchlist:warning-detail", warning.pk)
        return self._render(form, status=400)


# --- Lists ----------------------------------------------------------------------------------


class TriageQueueView(PolicyListView):
    """Open warnings, the next deadline first (acknowledgement, then the policy review), with
    the actions this user may take (directorate and co-chairs)."""

    template_name = "watchlist/alerts/triage_queue.html"
    required_action = "alerts.triage"
    selector = staticmethod(selectors.triage_queue)
    context_object_name = "warnings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        page = list(ctx["page_obj"])
        shown = selectors.filer_shown_ids(user, page)
        now = timezone.now()
        # Actions come back here; a queue rendered as the answer to a POST points at the queue.
        back = (
            request.get_full_path()
            if request.method == "GET"
            else reverse("watchlist:warning-list")
        )
        rows = []
        for w in page:
            review = w.review
            acknowledged = w.acknowledged_at is not None
            rows.append(
                {
                    "warning": w,
                    "filer": _filer(w, w.pk in shown),
                    "due_label": "Review due" if acknowledged else "Acknowledge by",
                    "due": deadline(w.next_due, now),
                    "can_acknowledge": not acknowledged and can(user, "acknowledge", w),
                    "can_start": (
                        review.status == PolicyReview.Status.OPEN
                        and w.status != Warning.Status.UNDER_REVIEW
                        and can(user, "start", review)
                    ),
                    "review_url": (
                        reverse("watchlist:review-detail", args=[review.pk])
                        if can(user, "view", review)
                        else None
                    ),
                }
            )
        ctx["rows"] = rows
        ctx["next"] = back
        ctx["can_file"] = can(user, "alerts.file")
        _audit_list(request, page, "triage queue")
        return ctx


class MyWarningsView(PolicyListView):
    """The filer's own warnings and their status (received, acknowledged, under review, closed
    with its outcome); never the deliberation."""

    template_name = "watchlist/alerts/my_warnings.html"
    required_action = "alerts.file"
    selector = staticmethod(selectors.my_warnings)
    context_object_name = "warnings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        page = list(ctx["page_obj"])
        ctx["rows"] = [{"warning": w, "outcome": _outcome(w)} for w in page]
        _audit_list(self.request, page, "my warnings")
        return ctx


# --- One warning ----------------------------------------------------------------------------


class WarningDetailView(PolicyDetailView):
    """The warning (an audited read). Those who may see its review see its state and the
    actions they may take; the filer sees the status, the deadlines and the outcome."""

    template_name = "watchlist/alerts/warning_detail.html"
    selector = staticmethod(selectors.warnings_for)
    context_object_name = "warning"
    sensitive = True  # writes "warning.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, w = self.request.user, self.object
        review = w.review
        show_review = can(user, "view", review)
        emergency = None
        if w.severity == Warning.Severity.ACUTE or review.emergency_request_id:
            emergency = (
                apc_selectors.emergency_requests_for(user)
                .filter(source_ref=f"watchlist.warning:{w.pk}")
                .first()
            )
        pending = w.status != Warning.Status.CLOSED
        ctx.update(
            {
                "filer": _filer(w, can(user, "see_filer", w)),
                "is_filer": w.filed_by_id == user.pk,
                "review": review if show_review else None,
                "review_due": deadline(review.due) if pending else None,
                "acknowledge_due": (
                    deadline(w.acknowledge_due) if w.acknowledged_at is None and pending else None
                ),
                "outcome": _outcome(w),
                "indicators": list(w.indicators.all()),
                "can_acknowledge": w.acknowledged_at is None and can(user, "acknowledge", w),
                "can_start": (
                    show_review
                    and review.status == PolicyReview.Status.OPEN
                    and w.status != Warning.Status.UNDER_REVIEW
                    and can(user, "start", review)
                ),
                "can_close": (
                    show_review
                    and review.status == PolicyReview.Status.OPEN
                    and can(user, "close", review)
                ),
                "emergency": emergency,
                "next": self.request.get_full_path(),
            }
        )
        return ctx


def _render_queue(request: HttpRequest, status: int) -> HttpResponse:
    """The triage queue as the answer to a POST that could not be carried out."""
    view = TriageQueueView()
    view.setup(request)
    view.object_list = view.get_queryset()
    context = view.get_context_data()
    return TemplateResponse(request, view.template_name, context, status=status).render()


@login_required
@require_POST
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """A directorate user acknowledges the warning (stops its acknowledgement deadline)."""
    warning = _visible_or_404(request.user, selectors.warnings_for, Warning, pk)
    try:
        alerts.warning_acknowledge(actor=request.user, warning=warning)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
        return _render_queue(request, exc.status_code)
    messages.success(request, f"Warning #{warning.pk} acknowledged; the filer is told.")
    return redirect(_safe_next(request, reverse("watchlist:warning-list")))


# --- The policy review ----------------------------------------------------------------------


class ReviewView(LoginRequiredMixin, View):
    """The policy review of a warning (co-chairs and directorate; an audited read). Those who
    may close it do so here with an outcome and a rationale (and the tier, for a tier change)."""

    template_name = "watchlist/alerts/review_detail.html"

    def _review(self) -> PolicyReview:
        return _visible_or_404(
            self.request.user, selectors.reviews_for, PolicyReview, self.kwargs["pk"]
        )

    def _form(self, review: PolicyReview, data: Any = None) -> ReviewCloseForm | None:
        user = self.request.user
        if review.status != PolicyReview.Status.OPEN or not can(user, "close", review):
            return None
        return ReviewCloseForm(
            data, may_change_tier=can(user, "change_tier", review.warning.country)
        )

    def _render(self, review: PolicyReview, form: Any, status: int = 200) -> HttpResponse:
        user, w = self.request.user, review.warning
        ctx = {
            "review": review,
            "warning": w,
            "filer": _filer(w, can(user, "see_filer", w)),
            "review_due": deadline(review.due) if review.status == review.Status.OPEN else None,
            "form": form,
            "can_start": (
                review.status == PolicyReview.Status.OPEN
                and w.status != Warning.Status.UNDER_REVIEW
                and can(user, "start", review)
            ),
            "outcome": OUTCOMES.get(review.outcome, ""),
        }
        return TemplateResponse(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = self._review()
        record_event(actor=request.user, action="review.view", obj=review, request=request)
        return self._render(review, self._form(review))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = self._review()
        require(request.user, "close", review)
        form = self._form(review, request.POST)
        if form is None:  # closed already
            messages.error(request, "This review is already closed.")
            return self._render(review, None, status=409)
        if form.is_valid():
            try:
                closed = alerts.review_close(
                    actor=request.user, review=review, **form.service_fields()
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except InvalidTransition as exc:
                messages.error(request, exc.detail)
                review.refresh_from_db()
                return self._render(review, None, status=exc.status_code)
            else:
                messages.success(
                    request,
                    f"Review of warning #{review.warning_id} closed: "
                    f"{closed.get_outcome_display()}. The filer is told the outcome.",
                )
                return redirect("watchlist:review-detail", closed.pk)
        return self._render(review, form, status=400)


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate takes up the review: its filer sees "under review"."""
    review = _visible_or_404(request.user, selectors.reviews_for, PolicyReview, pk)
    try:
        alerts.review_start(actor=request.user, review=review)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
        return _render_queue(request, exc.status_code)
    messages.success(request, f"Review of warning #{review.warning_id} started.")
    return redirect(_safe_next(request, reverse("watchlist:review-detail", args=[review.pk])))


urlpatterns = [
    path("alerts/", TriageQueueView.as_view(), name="warning-list"),
    path("alerts/new/", WarningFileView.as_view(), name="warning-file"),
    path("alerts/mine/", MyWarningsView.as_view(), name="warning-mine"),
    path("alerts/<int:pk>/", WarningDetailView.as_view(), name="warning-detail"),
    path(
        "alerts/<int:pk>/acknowledge/",
        warning_acknowledge,
        name="warning-acknowledge",
    ),
    path("reviews/<int:pk>/", ReviewView.as_view(), name="review-detail"),
    path("reviews/<int:pk>/start/", review_start, name="review-start"),
]
