"""Clearance and marking: one ordered scale, U < CUI < C < S.

A user sees a record only if their clearance is at least the record's marking (DESIGN.md,
"Users"). Pages and API responses carry a banner with the highest marking they contain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Model, QuerySet


class Marking(models.TextChoices):
    """The scale shared by user clearance and record marking, lowest first."""

    U = "U", "UNCLASSIFIED"
    CUI = "CUI", "CUI"
    C = "C", "CONFIDENTIAL"
    S = "S", "SECRET"


ORDER: tuple[str, ...] = (Marking.U, Marking.CUI, Marking.C, Marking.S)
_RANK = {m: i for i, m in enumerate(ORDER)}
LOWEST = Marking.U


def rank(marking: str) -> int:
    """Position on the scale; an unknown value is a programming error."""
    return _RANK[marking]


def dominates(clearance: str, marking: str) -> bool:
    """True when `clearance` is at least `marking`."""
    return _RANK[clearance] >= _RANK[marking]


def up_to(clearance: str) -> list[str]:
    """Every marking a holder of `clearance` may see."""
    return list(ORDER[: _RANK[clearance] + 1])


def highest(markings: Iterable[str]) -> str:
    """The highest marking of those given, UNCLASSIFIED when there are none."""
    return max(markings, key=_RANK.__getitem__, default=LOWEST)


def label(marking: str) -> str:
    return Marking(marking).label


def clean(actor: Any, marking: str, field: str = "marking") -> str:
    """A marking a writer may give: one of the scale, and not above their own clearance (they
    could not read their own record). Invalid (400) names `field` otherwise."""
    from apc.core.exceptions import Invalid

    if marking not in ORDER:
        raise Invalid(errors={field: ["Choose a marking."]})
    if not dominates(actor.clearance, marking):
        raise Invalid(errors={field: ["You cannot mark above your own clearance."]})
    return marking


class MarkedModel(models.Model):
    """Mixin for every record that carries analysis: a marking on the clearance scale."""

    marking = models.CharField(
        max_length=3, choices=Marking.choices, default=Marking.U, db_index=True
    )

    class Meta:
        abstract = True


def markings_in(value: Any, _depth: int = 0) -> set[str]:
    """The markings of every marked record in `value` (a record, a queryset, a page, a list or
    a dict of them). Querysets are evaluated once and keep their cache for the template."""
    found: set[str] = set()
    if _depth > 3 or value is None or isinstance(value, str | bytes | int | float):
        return found
    if isinstance(value, MarkedModel):
        found.add(value.marking)
    elif isinstance(value, QuerySet):
        if issubclass(value.model, MarkedModel):
            found.update(obj.marking for obj in value)
    elif isinstance(value, Model):
        return found
    elif hasattr(value, "object_list") and hasattr(value, "number"):  # a Page
        found |= markings_in(value.object_list, _depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            found |= markings_in(item, _depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            found |= markings_in(item, _depth + 1)
    elif getattr(value, "marking", None) in _RANK:  # e.g. a panel (apc/core/panels.py)
        found.add(value.marking)
    return found
