"""Forms of the plan editor and the playbook pages. They parse input only: plans/services.py
holds the rules (a tool or a described measure, the stance from the tool, who may draft, the
plan's state), and the views put a service's `Invalid` errors back on these forms.

Several forms share a page (the section form, the partner form, the messaging lead), so each
has labels that name one field on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from apc.core import markings
from apc.core.forms import StyledForm
from apc.models import Agency, User
from plans import sections as section_specs
from plans.models import (
    EscalationStage,
    Partner,
    PlanSection,
    Playbook,
    Strategy,
    TargetGroup,
    Tool,
)

SECTION_CONTROLS = ("status", "marking", "version")


class AgencyField(forms.ModelChoiceField):
    """An agency select that shows full names, in the order of the names."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Agency.objects.order_by("name"), **kwargs)

    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class StrategyField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Strategy.objects.order_by("position"), to_field_name="key", **kwargs
        )


def marking_choices(clearance: str) -> list[tuple[str, str]]:
    """The markings a user may give: those up to their own clearance."""
    return [(m, markings.label(m)) for m in markings.up_to(clearance)]


def person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- Sections -------------------------------------------------------------------------------


class SectionForm(StyledForm):
    """One textarea per field of the section (plans/sections.py), its status and marking, and
    the version the writer started from (a stale one is refused with 409)."""

    status = forms.ChoiceField(label="Section status", choices=PlanSection.Status.choices)
    marking = forms.ChoiceField(label="Section marking")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, key: str, clearance: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        content_fields = {}
        for name, label in section_specs.BY_KEY[key].fields:
            assert name not in SECTION_CONTROLS, name  # noqa: S101 (a spec mistake)
            content_fields[name] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "class": "usa-textarea"}),
            )
        # the section's fields first, then its status and marking
        self.fields = {**content_fields, **self.fields}
        self.fields["marking"].choices = marking_choices(clearance)
        self.content_names = list(content_fields)

    @classmethod
    def initial_for(cls, section: PlanSection, content: dict[str, str] | None = None) -> dict:
        values = dict(content if content is not None else section.content)
        return {
            **{name: values.get(name, "") for name in section_specs.field_names(section.key)},
            "status": section.status,
            "marking": section.marking,
            "version": section.version,
        }

    def content_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.content_names]

    def content(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.content_names}


class SectionAssignForm(StyledForm):
    """Give a section its assignee: someone active of the agency the section is assigned to."""

    assignee = forms.ModelChoiceField(
        label="Assignee", queryset=User.objects.none(), required=False, empty_label="Nobody"
    )

    def __init__(self, *args: Any, users: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = list(users)
        field = self.fields["assignee"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in users])
        field.choices = [("", "Nobody"), *((u.pk, person(u)) for u in users)]


# --- Options --------------------------------------------------------------------------------

TEXTAREA = {"rows": 3, "class": "usa-textarea"}


def tool_choices(tools: Iterable[Tool]) -> list:
    """The catalogue's tools grouped by the table they come from (optgroups)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for tool in tools:
        stance = f" ({tool.get_stance_display().lower()})" if tool.stance else ""
        groups.setdefault(tool.source, []).append((tool.pk, f"{tool.name}{stance}"))
    return [("", "A custom measure (described below)"), *groups.items()]


class OptionForm(StyledForm):
    """An option of the matrix (a plan's or a playbook's): a catalogue tool or a described
    custom measure, its strategy and mechanism, stance, lead agency, the net assessment, the
    strategic interaction, collective action and, for a coercive option, who enforces it."""

    target_group = forms.ModelChoiceField(
        label="Target group",
        queryset=TargetGroup.objects.order_by("position"),
        to_field_name="key",
        empty_label="Choose a target group",
        required=False,
    )
    stage = forms.ModelChoiceField(
        label="Escalation stage",
        queryset=EscalationStage.objects.order_by("position"),
        to_field_name="key",
        empty_label="Choose a stage",
        required=False,
    )
    tool = forms.ModelChoiceField(
        label="Tool from the catalogue",
        queryset=Tool.objects.all(),
        required=False,
        help_text="Task Force Table 1 or USHMM Annex C; or leave empty and describe a measure.",
    )
    custom_measure = forms.CharField(
        label="Custom measure", max_length=300, required=False,
        help_text="Only when no catalogue tool fits.",
    )  # fmt: skip
    strategy = StrategyField(label="Strategy", required=False, empty_label="No strategy named")
    mechanism = forms.CharField(label="Mechanism", max_length=300, required=False)
    stance = forms.ChoiceField(
        label="Cooperative or coercive",
        required=False,
        choices=[("", "As the catalogue gives it for the tool"), *Tool.Stance.choices],
    )
    lead_agency = AgencyField(label="Lead agency", required=False, empty_label="Not yet named")
    expected_effect = forms.CharField(
        label="Expected effect", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    costs = forms.CharField(label="Costs", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    risks = forms.CharField(
        label="Risks and unintended consequences",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    counter_moves = forms.CharField(
        label="Counter-moves expected from the perpetrators",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    adaptation = forms.CharField(
        label="How the option adapts to them", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    partners = forms.CharField(
        label="Partners it needs", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    enforcer = forms.CharField(
        label="Who would carry out a coercive threat",
        max_length=200,
        required=False,
        help_text="Credibility: name who would act if the threat must be carried out.",
    )

    def __init__(self, *args: Any, tools: Iterable[Tool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tool"].choices = tool_choices(tools)

    @classmethod
    def initial_for(cls, option: Any) -> dict[str, Any]:
        return {
            "target_group": option.target_group.key,
            "stage": option.stage.key,
            "tool": option.tool_id,
            "custom_measure": option.custom_measure,
            "strategy": option.strategy.key if option.strategy_id else "",
            "mechanism": option.mechanism,
            "stance": option.stance,
            "lead_agency": option.lead_agency_id,
            "expected_effect": option.expected_effect,
            "costs": option.costs,
            "risks": option.risks,
            "counter_moves": option.counter_moves,
            "adaptation": option.adaptation,
            "partners": option.partners,
            "enforcer": option.enforcer,
        }


class PlaybookApplyForm(StyledForm):
    playbook = forms.ModelChoiceField(
        label="Playbook", queryset=Playbook.objects.none(), empty_label="Choose a playbook"
    )

    def __init__(self, *args: Any, playbooks: Iterable[Playbook], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        playbooks = list(playbooks)
        field = self.fields["playbook"]
        field.queryset = Playbook.objects.filter(pk__in=[p.pk for p in playbooks])
        field.choices = [("", "Choose a playbook"), *((p.pk, p.name) for p in playbooks)]


# --- Partners and the messaging lead --------------------------------------------------------


class PartnerForm(StyledForm):
    name = forms.CharField(label="Partner name", max_length=200)
    influence = forms.ChoiceField(
        label="Influence over the perpetrators",
        choices=Partner.Influence.choices,
        initial=Partner.Influence.NONE,
    )
    engaged = forms.BooleanField(label="Engaged", required=False)
    role = forms.CharField(
        label="Partner's role", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessagingLeadForm(StyledForm):
    messaging_lead = AgencyField(
        label="Messaging lead agency", required=False, empty_label="Not named"
    )


# --- Playbooks ------------------------------------------------------------------------------


class PlaybookForm(StyledForm):
    name = forms.CharField(label="Playbook name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    strategy = StrategyField(label="Playbook strategy", required=False, empty_label="Any strategy")
    stage = forms.ModelChoiceField(
        label="Playbook stage",
        queryset=EscalationStage.objects.order_by("position"),
        to_field_name="key",
        required=False,
        empty_label="Any stage",
    )
