"""Loads plans/reference.py (written from the source documents) into the reference tables.
Used by the data migration and idempotent: running it again changes nothing."""

from __future__ import annotations

from typing import Any

from plans import reference as ref


def load(apps: Any) -> None:
    Strategy = apps.get_model("plans", "Strategy")  # noqa: N806
    Tool = apps.get_model("plans", "Tool")  # noqa: N806
    TargetGroup = apps.get_model("plans", "TargetGroup")  # noqa: N806
    Measure = apps.get_model("plans", "Measure")  # noqa: N806
    EscalationStage = apps.get_model("plans", "EscalationStage")  # noqa: N806

    strategies = {}
    for i, s in enumerate(ref.STRATEGIES, start=1):
        strategies[s.key], _ = Strategy.objects.update_or_create(
            key=s.key,
            defaults={
                "name": s.name,
                "heading": s.heading,
                "assumptions": s.assumptions
                if isinstance(s.assumptions, str)
                else "\n".join(s.assumptions),
                "mechanisms": list(s.mechanisms),
                "assumptions_text": s.assumptions_text
                if isinstance(s.assumptions_text, str)
                else "\n".join(s.assumptions_text),
                "mechanisms_text": list(s.mechanisms_text),
                "table_tools": [t.name for t in s.tools],
                "source": s.source,
                "position": i,
            },
        )
    for i, t in enumerate(ref.TASK_FORCE_TOOLS, start=1):
        Tool.objects.update_or_create(
            source=t.source,
            name=t.name,
            defaults={"type": t.type, "stance": t.stance, "position": i},
        )
    for i, t in enumerate(ref.USHMM_TOOLS, start=1):
        tool, _ = Tool.objects.update_or_create(
            source=t.source,
            name=t.name,
            defaults={"definition": t.definition, "note": t.note or "", "position": i},
        )
        tool.strategies.set([strategies[k] for k in ref.TOOL_STRATEGIES.get(t.name, ())])
    for i, g in enumerate(ref.TARGET_GROUPS, start=1):
        group, _ = TargetGroup.objects.update_or_create(
            key=g.key,
            defaults={
                "name": g.name,
                "label": g.label,
                "description": g.description,
                "purpose": g.purpose,
                "source": g.source,
                "position": i,
            },
        )
        for j, m in enumerate(g.measures, start=1):
            Measure.objects.update_or_create(group=group, position=j, defaults={"text": m.text})
    for i, (key, name) in enumerate(ref.ESCALATION_STAGES, start=1):
        EscalationStage.objects.get_or_create(key=key, defaults={"name": name, "position": i})
