"""Clearance x marking: the scale of DESIGN.md ("Users"): U < CUI < C < S."""

import itertools

import pytest

from apc.core import markings
from apc.core.markings import Marking

ORDER = [Marking.U, Marking.CUI, Marking.C, Marking.S]


@pytest.mark.parametrize(("clearance", "marking"), list(itertools.product(ORDER, ORDER)))
def test_clearance_dominates_marking_exactly_when_not_lower(clearance, marking):
    assert markings.dominates(clearance, marking) is (
        ORDER.index(clearance) >= ORDER.index(marking)
    )


def test_up_to_lists_every_marking_a_clearance_may_see():
    assert markings.up_to(Marking.U) == ["U"]
    assert markings.up_to(Marking.C) == ["U", "CUI", "C"]
    assert markings.up_to(Marking.S) == ORDER


def test_highest_of_none_is_unclassified():
    assert markings.highest([]) == Marking.U
    assert markings.highest(["CUI", "S", "U"]) == Marking.S


def test_unknown_marking_is_an_error():
    with pytest.raises(KeyError):
        markings.dominates("TS", "U")
