"""Generic HTML views configured by attributes; every read goes through the policy.

`PolicyListView`: a selector (user -> visible queryset), an optional django-filter FilterSet,
pagination. `PolicyDetailView`: the object comes from the selector; an object that exists but is
not visible answers 404 and the attempt is audited. `sensitive = True` audits every read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.http import Http404
from django.views.generic import DetailView, ListView

from apc.core.audit import record_event
from apc.core.exceptions import NotPermitted
from apc.core.forms import style_form
from apc.core.permissions import require

Selector = Callable[[Any], QuerySet]


class ActionRequiredMixin(LoginRequiredMixin):
    """Refuse (403, audited) unless the user may take `required_action` (a record-less action)."""

    required_action: ClassVar[str | None] = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.required_action:
            require(request.user, self.required_action)
        return super().dispatch(request, *args, **kwargs)


class PolicyListView(ActionRequiredMixin, ListView):
    selector: ClassVar[Selector]
    filterset_class: ClassVar[type | None] = None

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return settings.APC_PAGE_SIZE

    def get_queryset(self) -> QuerySet:
        qs = type(self).selector(self.request.user)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=qs, request=self.request
            )
            style_form(self.filterset.form)
            qs = (
                self.filterset.qs
                if self.filterset.is_bound and self.filterset.is_valid()
                else (qs if not self.filterset.is_bound else qs.none())
            )
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx


def get_visible_or_404(user: Any, selector: Selector, model: type[Model], pk: Any) -> Model:
    """The object with `pk` if `user` may see it; else raise NotPermitted(hidden) when it exists
    (so the attempt is audited) and Http404 when it does not. Both answer 404."""
    try:
        return selector(user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        pass
    try:
        existing = model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    raise NotPermitted(action="view", obj=existing, actor=user, hidden=True)


class PolicyDetailView(ActionRequiredMixin, DetailView):
    selector: ClassVar[Selector]
    sensitive: ClassVar[bool] = False

    def get_object(self, queryset: QuerySet | None = None) -> Model:
        model = type(self).selector(self.request.user).model
        obj = get_visible_or_404(self.request.user, type(self).selector, model, self.kwargs["pk"])
        if self.sensitive:
            record_event(
                actor=self.request.user,
                action=f"{model._meta.model_name}.view",
                obj=obj,
                request=self.request,
            )
        return obj
