"""What each section of a plan holds, as data (seeds/000, "Decision Support and Planning",
recommendation 4-2): the three assessments and the operations plan of a crisis response plan,
and the crisis prevention plan. Each field is (name, label); the editor and the API read this."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    agency: str  # the agency the section is assigned to by default (Agency.code)
    fields: tuple[tuple[str, str], ...]
    assessment: bool = True  # one of the three assessments ("assessments complete")


TARGET_ASSESSMENT = SectionSpec(
    "target_assessment",
    "Target country assessment",
    "odni",  # "assigned to the intelligence community"
    (
        ("basics", "Political-military, economic and demographic basics"),
        ("leadership", "Senior leadership"),
        ("support", "Their domestic and foreign sources of support"),
        ("opposition", "Internal opposition"),
        ("motivations", "Motivations of the leadership"),
        ("perpetrators", "Potential perpetrators and their motivations"),
        ("command", "Command and control"),
        ("methods", "Potential methods"),
        ("victims", "Potential victims: identity, number, location, vulnerability"),
        ("leverage", "Points of leverage"),
    ),
)
ATROCITIES_ESTIMATE = SectionSpec(
    "atrocities_estimate",
    "Atrocities estimate and impact assessment",
    "nsc",  # as the watchlist assigns the task (watchlist/services.py)
    (
        ("scale", "Potential scale of violence"),
        ("us_citizens", "Risk to U.S. citizens and property"),
        ("stability", "Impact on political stability"),
        ("migration", "Internal and external migration"),
        ("intervention", "Risk of intervention by neighbours"),
        ("inaction", "Regional and global political and economic consequences of inaction"),
    ),
)
POLICY_OPTIONS = SectionSpec(
    "policy_options",
    "Policy options assessment",
    "nsc",
    (("summary", "Summary of the options (the matrix of target group × stage holds them)"),),
)
OPERATIONS_PLAN = SectionSpec(
    "operations_plan",
    "Operations plan",
    "nsc",
    (
        ("interests", "U.S. interests"),
        ("objectives", "Objectives"),
        ("end_state", "Desired end state"),
        ("responsibilities", "Lead-agency responsibilities and tasks"),
        ("authority", "Lines of authority and coordination"),
        ("sequencing", "Sequencing"),
        ("congressional_liaison", "Preparatory measures: congressional liaison"),
        ("diplomatic_coordination", "Preparatory measures: diplomatic coordination"),
        ("legal_consultation", "Preparatory measures: legal consultation"),
        ("funding", "Preparatory measures: funding"),
        ("media_coordination", "Preparatory measures: media coordination"),
        ("core_messages", "Core messages"),
    ),
    assessment=False,
)
PREVENTION_PLAN = SectionSpec(
    "prevention_plan",
    "Crisis prevention plan",
    "nsc",
    (
        ("initiatives", "Pre-crisis prevention initiatives"),
        ("objectives", "Objectives"),
        ("lead_agencies", "Lead agencies"),
        ("partners", "Partners"),
        ("timeline", "Timeline"),
    ),
    assessment=False,
)

BY_KIND: dict[str, tuple[SectionSpec, ...]] = {
    "response": (TARGET_ASSESSMENT, ATROCITIES_ESTIMATE, POLICY_OPTIONS, OPERATIONS_PLAN),
    "prevention": (PREVENTION_PLAN,),
}
BY_KEY: dict[str, SectionSpec] = {s.key: s for specs in BY_KIND.values() for s in specs}


def title_of(key: str) -> str:
    spec = BY_KEY.get(key)
    return spec.title if spec else key


def field_names(key: str) -> list[str]:
    return [name for name, _ in BY_KEY[key].fields]
