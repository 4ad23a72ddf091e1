"""The reference tables the migration loaded equal plans/reference.py: every item present,
grouped and ordered as printed, counts equal, definitions and strategy mappings kept. Together
with test_reference_data.py (reference.py against the documents) this shows the loaded data is
the documents'. Loading again changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.apps import apps as global_apps

from plans import reference as ref
from plans.models import EscalationStage, Measure, Strategy, TargetGroup, Tool
from plans.reference_load import load

pytestmark = pytest.mark.django_db


def snapshot_tables():
    return {
        "tools": list(
            Tool.objects.values_list(
                "source", "position", "name", "type", "stance", "definition", "note"
            )
        ),
        "tool_strategies": sorted(
            Tool.strategies.through.objects.values_list("tool__name", "strategy__key")
        ),
        "strategies": list(Strategy.objects.values()),
        "groups": list(TargetGroup.objects.values()),
        "measures": list(Measure.objects.values_list("group__key", "position", "text")),
        "stages": list(EscalationStage.objects.values_list("key", "name", "position")),
    }


def test_the_tool_catalogue():
    assert Tool.objects.count() == len(ref.TASK_FORCE_TOOLS) + len(ref.USHMM_TOOLS) == 58
    task_force = Tool.objects.filter(source=ref.TASK_FORCE_SOURCE).order_by("position")
    assert [(t.name, t.type, t.stance) for t in task_force] == [
        (t.name, t.type, t.stance) for t in ref.TASK_FORCE_TOOLS
    ]
    assert len(task_force) == 35
    assert Counter((t.type, t.stance) for t in task_force) == ref.TASK_FORCE_COUNTS
    assert all(t.definition == "" for t in task_force)  # Table 1 gives no definitions

    annex = Tool.objects.filter(source=ref.USHMM_SOURCE).order_by("position")
    assert [(t.name, t.definition, t.note) for t in annex] == [
        (t.name, t.definition, t.note or "") for t in ref.USHMM_TOOLS
    ]
    assert len(annex) == 23
    assert all(t.definition for t in annex)
    assert all(t.type == "" and t.stance == "" for t in annex)  # Annex C says neither
    assert {t.source for t in Tool.objects.all()} == {ref.TASK_FORCE_SOURCE, ref.USHMM_SOURCE}
    # default order: the Task Force's table, then Annex C, each as printed
    assert [t.name for t in Tool.objects.all()] == [t.name for t in ref.TASK_FORCE_TOOLS] + [
        t.name for t in ref.USHMM_TOOLS
    ]


def test_annex_c_tools_map_to_the_strategies_of_table_1():
    for tool in Tool.objects.filter(source=ref.USHMM_SOURCE).prefetch_related("strategies"):
        keys = tuple(s.key for s in tool.strategies.order_by("position"))
        assert keys == ref.TOOL_STRATEGIES[tool.name], tool.name
    assert not Tool.strategies.through.objects.filter(tool__source=ref.TASK_FORCE_SOURCE).exists()
    unmapped = set(
        Tool.objects.filter(source=ref.USHMM_SOURCE, strategies=None).values_list("name", flat=True)
    )
    assert unmapped == {"Diplomatic Sanctions", "Fact-Finding", "Military Presence"}


def test_the_strategies():
    rows = list(Strategy.objects.all())
    assert [s.key for s in rows] == list(ref.STRATEGY_KEYS) == [
        "dissuade", "degrade", "protect", "facilitate_transition",
    ]  # fmt: skip
    for row, s in zip(rows, ref.STRATEGIES, strict=True):
        assert (row.name, row.heading, row.source) == (s.name, s.heading, s.source)
        assert row.assumptions == s.assumptions and row.assumptions
        assert row.mechanisms == list(s.mechanisms) and row.mechanisms
        assert row.assumptions_text == "\n".join(s.assumptions_text)
        assert row.mechanisms_text == list(s.mechanisms_text)
        assert row.table_tools == [t.name for t in s.tools]


def test_the_target_groups_and_their_measures_in_escalation_order():
    groups = list(TargetGroup.objects.prefetch_related("measures"))
    assert [g.key for g in groups] == [
        "decision_makers", "perpetrators", "victims", "third_parties",
    ]  # fmt: skip
    for row, g in zip(groups, ref.TARGET_GROUPS, strict=True):
        assert (row.name, row.label, row.description, row.purpose, row.source) == (
            g.name, g.label, g.description, g.purpose, g.source,
        )  # fmt: skip
        assert [m.text for m in row.measures.all()] == [m.text for m in g.measures]
        assert [m.position for m in row.measures.all()] == list(range(1, len(g.measures) + 1))
    assert Measure.objects.count() == sum(len(g.measures) for g in ref.TARGET_GROUPS) == 18
    assert list(
        Measure.objects.filter(group__key="decision_makers").values_list("text", flat=True)
    ) == [
        "Diplomatic pressure",
        "Mediation/negotiation/arbitration",
        "Political/economic incentives or threats",
        "Media campaign",
        "Legal threats",
        "Political/economic penalties",
    ]


def test_the_escalation_stages():
    assert list(EscalationStage.objects.values_list("key", "name", "position")) == [
        (key, name, i) for i, (key, name) in enumerate(ref.ESCALATION_STAGES, start=1)
    ]


def test_loading_again_changes_nothing_and_keeps_renamed_stages():
    EscalationStage.objects.filter(key="acute").update(name="Mass killing under way")
    before = snapshot_tables()
    load(global_apps)
    assert snapshot_tables() == before
    assert EscalationStage.objects.get(key="acute").name == "Mass killing under way"
