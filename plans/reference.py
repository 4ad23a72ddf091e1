"""Reference data of the plans issue (issue 6), written by hand from the source documents.

Plain data, no Django: the loading migration and the models are written from this module.
`tests/plans/test_reference_data.py` checks every name, quotation, grouping, count and order
here against the seed files.

Sources (``../shared/seeds/``):

- ``000_588810f2139c9d78.txt``: Genocide Prevention Task Force, *Preventing Genocide* (2008),
  Chapter 4. "Readiness to Meet the Challenge", Table 1 ("Tools Available to the United States to
  Help Halt and Reverse Escalating Threats of Genocide and Mass Atrocities");
  "Decision Support and Planning" (recommendation 4-2, item 3: the four target groups and their
  purposes) with Table 2 ("Illustrative Targeted Measurres", sic); "Policy and Strategy Design"
  (recommendations 4-4, 4-5 and the sidebar "Guidelines for Imposing Sanctions").
- ``003_f6ce1c28a03a1958.txt``: USHMM Simon-Skjodt Center, *A Strategic Framework for Helping
  Prevent Mass Atrocities* (2023). "Four general strategies", their Table 1 ("Summary of
  strategies, key assumptions, mechanisms, and commonly supporting tools"), "Three important
  considerations", and Annex C ("Illustrative list of atrocity prevention tools").

Quotations are verbatim; only whitespace and end-of-line hyphenation are normalised, the HTML
(``<i>``, ``<p>``) and Markdown (``*``) markup of the extraction is dropped, and footnote marks
(superscript digits) are left out. Trailing list punctuation (";" or ".") of bulleted items is
dropped.

Layout notes (how the extracted text was read):

- Task Force Table 1 is a five-cell tab layout per line (type | bullet | cooperative text |
  bullet | coercive text); a line without a bullet in a column continues the item above in that
  column (e.g. "Negotiation support/technical" + "assistance"). Items are listed per type, the
  cooperative column top to bottom and then the coercive column. The military row is labelled
  "MILITARY (OVERT/COVERT)" in the table.
- Task Force Table 2 has no stage columns: the measures of each group are printed along one
  "Crisis Escalation" axis, each further right than the one before. Their order is the
  escalation order; ``Measure.indent`` keeps the horizontal offset of the extracted text as the
  only trace of the printed position. "(radio/cell jamming, no-fly zones, covert operations)"
  is printed on its own line under "Military options" and read as its parenthetical.
- USHMM Annex C: two of the short definitions carry a second sentence naming narrower tools
  (printed in italics; endnote 48: "A few more narrowly defined tools that are mentioned earlier
  in the report are listed in italics within the short definitions of broader tool
  categories"). That sentence is kept apart as ``UshmmTool.note``; the extraction has no full
  stop between the two sentences of "Cyber Attacks" or "Development Assistance", and leaves a
  space between the closing italic span and the final full stop ("networks</i> ."), read as
  "networks.".
"""

from __future__ import annotations

from dataclasses import dataclass, field

TASK_FORCE_FILE = "000_588810f2139c9d78.txt"
USHMM_FILE = "003_f6ce1c28a03a1958.txt"

# --------------------------------------------------------------------------------------------
# Task Force Table 1: tools by type x cooperative / coercive
# --------------------------------------------------------------------------------------------

DIPLOMATIC = "diplomatic"
ECONOMIC = "economic"
LEGAL = "legal"
MILITARY = "military"
TOOL_TYPES = (DIPLOMATIC, ECONOMIC, LEGAL, MILITARY)

COOPERATIVE = "cooperative"
COERCIVE = "coercive"
STANCES = (COOPERATIVE, COERCIVE)

SOURCE = "Genocide Prevention Task Force 2008, Table 1"
TASK_FORCE_SOURCE = SOURCE
TASK_FORCE_TABLE_TITLE = (
    "Table 1: Tools Available to the United States to Help Halt and Reverse "
    "Escalating Threats of Genocide and Mass Atrocities"
)
TASK_FORCE_TABLE_HEADINGS = ("TYPE", "COOPERATIVE", "COERCIVE")
# Row labels as printed.
TASK_FORCE_TYPE_LABELS = {
    DIPLOMATIC: "DIPLOMATIC",
    ECONOMIC: "ECONOMIC",
    LEGAL: "LEGAL",
    MILITARY: "MILITARY (OVERT/COVERT)",
}
TASK_FORCE_TABLE_NOTE = (
    "Source: Adapted from Aaron Griffiths and Catherine Barnes, “Incentives and sanctions in "
    "peace processes.” Accord, Issue No. 19 (London: Conciliation Resources, 2008), p. 13. "
    "Augmented with other materials."
)


@dataclass(frozen=True)
class TaskForceTool:
    name: str  # the bullet's full text as printed (continuation lines joined)
    type: str  # one of TOOL_TYPES
    stance: str  # one of STANCES
    source: str = TASK_FORCE_SOURCE


def _tf(type_: str, stance: str, *names: str) -> tuple[TaskForceTool, ...]:
    return tuple(TaskForceTool(name, type_, stance) for name in names)


TASK_FORCE_TOOLS: tuple[TaskForceTool, ...] = (
    *_tf(
        DIPLOMATIC,
        COOPERATIVE,
        "Dialogue facilitation/mediation",
        "Negotiation support/technical assistance",
        "Fact finding/observer missions",
        "Recognition, normalization, membership, favored status, etc.",
    ),
    *_tf(
        DIPLOMATIC,
        COERCIVE,
        "Condemnation (unilateral, multilateral)",
        "Naming/shaming",
        "Recalling/expelling diplomats",
        "Travel bans",
        "Withdrawal of mission",
        "Suspension/expulsion from international organizations, cultural/sporting boycotts",
    ),
    *_tf(
        ECONOMIC,
        COOPERATIVE,
        "Trade incentives (tariff reductions, direct purchases, favored status, subsidies, "
        "import/export licenses, etc.)",
        "Investment",
        "Debt relief",
        "Increased aid",
    ),
    *_tf(
        ECONOMIC,
        COERCIVE,
        "Trade sanctions",
        "Divestment",
        "Aid reduction or suspension",
        "Comprehensive/selective embargoes",
        "Seizure of assets of elites responsible for the killing",
    ),
    *_tf(
        LEGAL,
        COOPERATIVE,
        "Fact finding",
        "Arbitration",
        "Amnesty/immunity",
    ),
    *_tf(
        LEGAL,
        COERCIVE,
        "Domestic indictments",
        "Referral to international courts",
    ),
    *_tf(
        MILITARY,
        COOPERATIVE,
        "Military assistance/intelligence",
        "Arms supply",
        "Training",
        "Security guarantees",
        "Information operations",
        "Safe havens/evacuation",
    ),
    *_tf(
        MILITARY,
        COERCIVE,
        "Withdrawal of military assistance, arms embargoes",
        "Heightened presence",
        "Jamming, information operations, sabotage, leadership targeting",
        "No-fly zones, safe havens",
        "Intervention",
    ),
)

# Counts per (type, stance) as printed: 35 tools in all.
TASK_FORCE_COUNTS = {
    (DIPLOMATIC, COOPERATIVE): 4,
    (DIPLOMATIC, COERCIVE): 6,
    (ECONOMIC, COOPERATIVE): 4,
    (ECONOMIC, COERCIVE): 5,
    (LEGAL, COOPERATIVE): 3,
    (LEGAL, COERCIVE): 2,
    (MILITARY, COOPERATIVE): 6,
    (MILITARY, COERCIVE): 5,
}

# --------------------------------------------------------------------------------------------
# USHMM Annex C: 23 tools with short definitions
# --------------------------------------------------------------------------------------------

USHMM_SOURCE = "USHMM 2023, Annex C"
USHMM_TABLE_TITLE = "ANNEX C: ILLUSTRATIVE LIST OF ATROCITY PREVENTION TOOLS"
USHMM_TABLE_HEADINGS = ("ATROCITY PREVENTION TOOL", "SHORT DEFINITION")


@dataclass(frozen=True)
class UshmmTool:
    name: str
    definition: str
    # A second sentence of the definition naming narrower tools (printed in italics).
    note: str = ""
    # Narrower tools printed in italics within the definition (endnote 48).
    includes: tuple[str, ...] = ()
    source: str = USHMM_SOURCE


USHMM_TOOLS: tuple[UshmmTool, ...] = (
    UshmmTool("Arms Embargoes", "Prohibitions on weapons transfers"),
    UshmmTool("Bilateral Diplomacy", "Diplomatic relations and activity between two countries"),
    UshmmTool(
        "Comprehensive Economic Sanctions",
        "Coercive measures that target the economic capacity of a state, including broad trade "
        "and investment restrictions",
        includes=("investment restrictions",),
    ),
    UshmmTool(
        "Cyber Attacks",
        "Attacks on computer systems or networks",
        note="Cyber attacks can include disruption of communications networks.",
        includes=("disruption of communications networks",),
    ),
    UshmmTool(
        "Development Assistance",
        "Aid that promotes economic growth, welfare, and humanitarian relief",
        note="Development assistance can include humanitarian assistance and electoral assistance.",
        includes=("humanitarian assistance", "electoral assistance"),
    ),
    UshmmTool(
        "Diplomatic Sanctions", "Severing or downgrading diplomatic relations to signal disapproval"
    ),
    UshmmTool(
        "Fact-Finding",
        "Information gathering efforts on conflicts and/or violations of international law",
    ),
    UshmmTool(
        "Mediation", "A non-legal conflict management process facilitated by an external actor"
    ),
    UshmmTool("Military Intervention", "Introduction of foreign military forces into a conflict"),
    UshmmTool("Military Presence", "Non-invasion, peacetime troops stationed in a host state"),
    UshmmTool(
        "Multilateral Diplomacy",
        "Diplomatic relations between multiple states or through international institutions",
    ),
    UshmmTool("Naming and Shaming", "Public condemnation of perpetrators of mass atrocities"),
    UshmmTool(
        "Official Amnesties",
        "The official barring of legal proceedings against certain individuals or groups",
    ),
    UshmmTool(
        "Peace Operations",
        "Deployment of military and/or civilian personnel to a conflict zone to promote peace",
    ),
    UshmmTool(
        "Prosecutions", "Legal proceedings against suspected perpetrators of mass atrocities"
    ),
    UshmmTool("Public Diplomacy", "A country's public-facing diplomatic efforts"),
    UshmmTool("Refugee Protection", "The legal and physical protection of refugees"),
    UshmmTool("Security Assistance", "Aid that promotes another state's defense"),
    UshmmTool("Security Guarantees", "Promises made to protect or respect a party's security"),
    UshmmTool(
        "Support to Civilian Self-Protection Efforts",
        "Assistance to help civilian communities protect themselves",
    ),
    UshmmTool(
        "Support to Non-State Armed Groups", "Aid provided by a foreign state to a rebel group"
    ),
    UshmmTool(
        "Targeted Sanctions",
        "Coercive measures that target the assets or activities of individuals or corporations, "
        "including targeted trade or investment restrictions",
        includes=("investment restrictions",),
    ),
    UshmmTool(
        "Trade or Investment Incentives",
        "Economic measures that seek to incentivize specific state behavior",
    ),
)

USHMM_TOOL_NAMES = tuple(tool.name for tool in USHMM_TOOLS)

# --------------------------------------------------------------------------------------------
# USHMM strategies (Table 1 and the sections "1." to "4.")
# --------------------------------------------------------------------------------------------

STRATEGIES_SOURCE = "USHMM 2023, Table 1"
STRATEGIES_TABLE_TITLE = (
    "TABLE 1: Summary of strategies, key assumptions, mechanisms, and commonly supporting tools"
)

DISSUADE = "dissuade"
DEGRADE = "degrade"
PROTECT = "protect"
FACILITATE_TRANSITION = "facilitate_transition"

# How a Table 1 tool name was matched to Annex C names (``SupportingTool.basis``):
SAME = "same"  # the same name, up to capitals and singular/plural of a whole word
PARENTHETICAL = "parenthetical"  # the strategy's tool list names the Annex C tools in brackets
ITALICS = "italics"  # Annex C lists the Table 1 name in italics in that tool's definition
INFERRED = "inferred"  # not said in either place; our reading (see the comment at the item)


@dataclass(frozen=True)
class SupportingTool:
    name: str  # as printed in Table 1
    text_name: str  # the italic lead words of the item in the section's "SELECTED TOOLS" list
    ushmm_tools: tuple[str, ...]  # Annex C names (USHMM_TOOL_NAMES)
    basis: str  # SAME | PARENTHETICAL | ITALICS | INFERRED


@dataclass(frozen=True)
class Strategy:
    key: str
    name: str  # the column heading of Table 1
    heading: str  # the section heading in the text
    assumptions: str  # Table 1 "Key assumptions"
    mechanisms: tuple[str, ...]  # Table 1 "Mechanisms"
    tools: tuple[SupportingTool, ...]  # Table 1 "Selected tools that commonly support ..."
    assumptions_text: tuple[str, ...]  # the section's KEY ASSUMPTIONS paragraphs
    mechanisms_text: tuple[str, ...]  # the section's MECHANISMS bullets
    source: str = STRATEGIES_SOURCE


def _st(name, text_name, tools, basis) -> SupportingTool:
    return SupportingTool(name, text_name, tuple(tools), basis)


# Table 1's column headings differ from the section headings: "Protect vulnerable populations"
# vs "3. Protect vulnerable civilian populations", "Facilitate leadership or political
# transition" vs "4. Facilitate a leadership or political transition", and the apostrophe of
# "perpetrators'" is straight in the table, curly in the heading. Table 1's mechanisms are
# shortened forms of the section's bullets; the facilitate-transition section lists five, the
# table four.
STRATEGIES: tuple[Strategy, ...] = (
    Strategy(
        key=DISSUADE,
        name="Dissuade potential perpetrators from committing atrocities",
        heading="1. Dissuade potential perpetrators from committing atrocities",
        assumptions=(
            "Potential perpetrators—leaders and “foot soldiers”—make decisions at least partly "
            "based on a calculation of perceived costs and benefits. Dissuasion can occur "
            "directly and indirectly."
        ),
        mechanisms=(
            "Increasing expected costs of committing atrocities",
            "Increasing expected benefits of alternative courses of action",
            "Facilitating potential perpetrators' identification of a way to satisfy their core "
            "interests without committing atrocities",
            "Changing potential perpetrators' valuation of different options or outcomes",
        ),
        tools=(
            _st("Mediation", "Mediation", ["Mediation"], SAME),
            _st(
                "Sanctions",
                "Sanctions (comprehensive economic sanctions and targeted sanctions)",
                ["Comprehensive Economic Sanctions", "Targeted Sanctions"],
                PARENTHETICAL,
            ),
            _st(
                "Conditional offers of assistance",
                "Conditional offers of assistance (development assistance, security assistance, "
                "trade or investment incentives, security guarantees)",
                [
                    "Development Assistance",
                    "Security Assistance",
                    "Trade or Investment Incentives",
                    "Security Guarantees",
                ],
                PARENTHETICAL,
            ),
            # The threat of the tool "Prosecutions"; Annex C has no "threats" entry.
            _st("Threats of prosecution", "Threats of prosecution", ["Prosecutions"], INFERRED),
            _st("Naming and shaming", "Naming and shaming", ["Naming and Shaming"], SAME),
        ),
        assumptions_text=(
            "Dissuasion strategies assume that potential perpetrators—leaders and “foot "
            "soldiers”—base decisions, at least somewhat, on a calculation of costs and benefits, "
            "however they perceive them. It is not necessary to assume that decision making is "
            "perfectly rational, or that material costs and benefits are the only ones that "
            "matter.",
            "Dissuasion strategies assume that potential perpetrators' decisions might be "
            "influenced directly or indirectly. Indirect dissuasion might include, for example, "
            "attempts to encourage third-party states or multinational corporations to exert "
            "influence over potential perpetrators.",
        ),
        mechanisms_text=(
            "Increasing expected costs of committing atrocities",
            "Increasing expected benefits of alternative courses of action",
            "Helping potential perpetrators find a way to satisfy their core interests without "
            "committing atrocities (for example, via “joint problem solving” mediation)",
            "Changing the way that potential perpetrators assign value to different options or "
            "outcomes (for example, persuading potential perpetrators to adopt more inclusive "
            "conceptions of the nation or place less value on retaining political power)",
        ),
    ),
    Strategy(
        key=DEGRADE,
        name="Degrade potential perpetrators' capacity to commit atrocities",
        heading="2. Degrade potential perpetrators’ capacity to commit atrocities",
        assumptions=(
            "Mass atrocities depend on perpetrators having certain material and operational "
            "capacities. Personnel, arms, finances, and communication capacities are normally "
            "most important."
        ),
        mechanisms=(
            "Reducing resources available to potential perpetrators",
            "Increasing the cost or reducing the operational efficiency of attacking civilian "
            "populations",
        ),
        tools=(
            # Annex C has no "financial" sanctions entry; "Targeted Sanctions" ("the assets or
            # activities of individuals or corporations") is the nearest.
            _st(
                "Targeted financial sanctions",
                "Targeted financial sanctions",
                ["Targeted Sanctions"],
                INFERRED,
            ),
            _st("Arms embargoes", "Arms embargoes", ["Arms Embargoes"], SAME),
            # Also in italics ("investment restrictions") in both Annex C definitions.
            _st(
                "Trade or investment restrictions",
                "Trade or investment restrictions (comprehensive economic sanctions or targeted "
                "sanctions)",
                ["Comprehensive Economic Sanctions", "Targeted Sanctions"],
                PARENTHETICAL,
            ),
            _st(
                "Disruption of communications networks",
                "Disruption of communications networks (for example, via cyber attacks)",
                ["Cyber Attacks"],
                ITALICS,
            ),
            _st("Military intervention", "Military intervention", ["Military Intervention"], SAME),
        ),
        assumptions_text=(
            "Strategies focused on degrading capacity assume that material and operational "
            "capabilities affect the occurrence and severity of atrocities. In most "
            "circumstances, a degrading capacity strategy will focus on one or more of the "
            "following means: (1) Personnel, such as state security forces, non-state armed "
            "groups, party-affiliated youth wings, and informal militia; (2) Arms, such as small "
            "arms and light weapons, artillery, aircraft, and drones; (3) Financial resources, "
            "such as reserves of hard currency, revenues from trade, taxation, and looting, and "
            "loans or grants from international actors; and (4) Communications, such as those "
            "that enable top leaders to coordinate plans privately and communicate publicly to "
            "mobilize supporters.",
        ),
        mechanisms_text=(
            "Reducing resources available to potential perpetrators (for example, via "
            "comprehensive economic or targeted financial sanctions, arms embargoes, or "
            "restrictions on exports of advanced surveillance or communications technologies)",
            "Increasing the cost or reducing the operational efficiency of attacking civilian "
            "populations (for example, via jamming/blocking communications channels, no-fly "
            "zones)",
        ),
    ),
    Strategy(
        key=PROTECT,
        name="Protect vulnerable populations",
        heading="3. Protect vulnerable civilian populations",
        assumptions=(
            "Perpetrators' ability to access civilian populations and the capacity of civilian "
            "populations to protect themselves or get out of harm's way affect the occurrence "
            "and severity of atrocities."
        ),
        mechanisms=(
            "Direct physical protection",
            "Increasing civilian populations' capacity to defend themselves",
            "Mitigating harm to civilian populations",
        ),
        tools=(
            _st("Peace operations", "Peace operations", ["Peace Operations"], SAME),
            _st(
                "Security assistance",
                "Security assistance to governments",
                ["Security Assistance"],
                SAME,
            ),
            _st(
                "Support to non-state armed groups",
                "support to non-state armed groups",
                ["Support to Non-State Armed Groups"],
                SAME,
            ),
            _st(
                "Support to civilian self-protection efforts",
                "Support to civilian self-protection efforts",
                ["Support to Civilian Self-Protection Efforts"],
                SAME,
            ),
            _st(
                "Humanitarian assistance",
                "Humanitarian assistance",
                ["Development Assistance"],
                ITALICS,
            ),
            _st("Refugee protection", "Refugee protection", ["Refugee Protection"], SAME),
        ),
        assumptions_text=(
            "Protection strategies assume that perpetrators' ability to access civilian "
            "populations and the capacity of targeted civilian populations to protect themselves "
            "or get out of harm's way affect the occurrence and severity of atrocities.",
        ),
        mechanisms_text=(
            "Denying potential perpetrators access or opportunity to attack civilian "
            "populations—that is, direct physical protection",
            "Increasing civilian populations' capacity to defend themselves (for example, via "
            "provision of lethal or non-lethal support)",
            "Mitigating harm to civilian populations (for example, helping civilian populations "
            "avoid or withstand attacks by facilitating refugee resettlement or providing "
            "life-saving humanitarian assistance)",
        ),
    ),
    Strategy(
        key=FACILITATE_TRANSITION,
        name="Facilitate leadership or political transition",
        heading="4. Facilitate a leadership or political transition",
        assumptions=(
            "Perceived interests or ideologies of a small number of top leaders sometimes drive "
            "the commission of mass atrocities. Different leaders might be less prone to commit "
            "atrocities."
        ),
        mechanisms=(
            "Increasing expected costs of remaining in political power",
            "Increasing expected benefits of leadership exit",
            "Facilitating a leadership transition agreement among conflicting parties",
            "Forceful removal of leaders",
        ),
        tools=(
            _st(
                "Diplomatic pressure",
                "Diplomatic pressure (via bilateral, multilateral, or public diplomacy)",
                ["Bilateral Diplomacy", "Multilateral Diplomacy", "Public Diplomacy"],
                PARENTHETICAL,
            ),
            _st("Mediation", "Mediation", ["Mediation"], SAME),
            _st(
                "Targeted sanctions",
                "Threat or use of targeted sanctions",
                ["Targeted Sanctions"],
                SAME,
            ),
            _st("Threats of prosecutions", "Threats of prosecutions", ["Prosecutions"], INFERRED),
            _st("Official amnesties", "Offers of official amnesties", ["Official Amnesties"], SAME),
            _st(
                "Electoral assistance",
                "Electoral assistance",
                ["Development Assistance"],
                ITALICS,
            ),
            _st("Military intervention", "Military intervention", ["Military Intervention"], SAME),
        ),
        assumptions_text=(
            "This strategy assumes that new leaders would be less prone to commit atrocities or "
            "that a transition would mean avoiding a potential trigger. It further assumes that "
            "the exit of current leaders is a prerequisite to addressing other issues that "
            "increase the risk of mass atrocities.",
        ),
        # One more than Table 1: "Reducing political, military, ..." is not in the table.
        mechanisms_text=(
            "Increasing expected costs of remaining in political power",
            "Increasing expected benefits of leadership exit",
            "Facilitating a leadership transition agreement among conflicting parties",
            "Reducing political, military, and/or material bases of power to make continued rule "
            "impossible",
            "Forceful removal of leaders",
        ),
    ),
)

STRATEGY_KEYS = tuple(s.key for s in STRATEGIES)


def _tool_strategies() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {name: [] for name in USHMM_TOOL_NAMES}
    for strategy in STRATEGIES:
        for tool in strategy.tools:
            for name in tool.ushmm_tools:
                if strategy.key not in found[name]:
                    found[name].append(strategy.key)
    return {name: tuple(keys) for name, keys in found.items()}


# Annex C name -> the strategies Table 1 lists it under (via the mapping above), in strategy
# order. Diplomatic Sanctions, Fact-Finding and Military Presence are under none.
TOOL_STRATEGIES: dict[str, tuple[str, ...]] = _tool_strategies()

# --------------------------------------------------------------------------------------------
# Task Force Table 2: target groups and illustrative measures along crisis escalation
# --------------------------------------------------------------------------------------------

TARGET_GROUPS_SOURCE = "Genocide Prevention Task Force 2008, Table 2"
TARGET_GROUPS_TABLE_TITLE = "Table 2: Illustrative Targeted Measurres"  # sic, as printed
TARGET_GROUPS_TABLE_HEADINGS = ("Target Group", "Crisis Escalation")
# Table 2 prints no stage columns (see the module docstring).
TARGET_GROUPS_TABLE_HAS_STAGE_COLUMNS = False


@dataclass(frozen=True)
class Measure:
    text: str
    # Horizontal offset (characters) of the measure in the extracted text: its position along
    # the "Crisis Escalation" axis. Only the order is the document's; the numbers are layout.
    indent: int


@dataclass(frozen=True)
class TargetGroup:
    key: str
    name: str  # the wording
    label: str  # the row label as printed in Table 2
    letter: str  # the item of recommendation 4-2, 3): (a) ... (d)
    description: str  # quoted from 4-2, 3)
    purpose: str  # quoted from 4-2, 3), the bracketed purpose
    measures: tuple[Measure, ...] = field(default=())  # in escalation order
    source: str = TARGET_GROUPS_SOURCE


def _m(*pairs: tuple[str, int]) -> tuple[Measure, ...]:
    return tuple(Measure(text, indent) for text, indent in pairs)


TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup(
        key="decision_makers",
        name="Decision makers",
        label="DECISION MAKERS",
        letter="a",
        description="those planning, authorizing, and fomenting genocide/mass atrocities",
        purpose="to affect their decision calculus",
        measures=_m(
            ("Diplomatic pressure", 0),
            ("Mediation/negotiation/arbitration", 9),
            ("Political/economic incentives or threats", 18),
            ("Media campaign", 25),
            ("Legal threats", 51),
            ("Political/economic penalties", 62),
        ),
    ),
    TargetGroup(
        key="perpetrators",
        name="Perpetrators",
        label="PERPETRATORS",
        letter="b",
        description="those likely to carry out the genocide/mass atrocities",
        purpose="to reduce their operational effectiveness",
        measures=_m(
            ("Arms embargo", 0),
            ("Informational operations/media campaign", 12),
            ("Legal threats", 23),
            ("Military options (radio/cell jamming, no-fly zones, covert operations)", 38),
        ),
    ),
    TargetGroup(
        key="victims",
        name="Victims",
        label="VICTIMS",
        letter="c",
        description="the potential victims",
        purpose="to improve their chances of survival",
        measures=_m(
            ("Defense support (warning, covert training, or military assistance)", 0),
            ("Interpositional deployments/physical barriers", 12),
            ("Safe havens/evacuation routes", 23),
            ("Humanitarian relief/support", 38),
        ),
    ),
    TargetGroup(
        key="third_parties",
        name="Third parties",
        label="THIRD PARTIES",
        letter="d",
        description="other relevant domestic and foreign actors",
        purpose="to persuade and mobilize them to play a positive role",
        measures=_m(
            ("Diplomatic pressure", 0),
            ("Political/economic incentives or threats", 12),
            ("Media campaign", 23),
            ("Indirect/direct support", 38),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Escalation stages of the options matrix
# --------------------------------------------------------------------------------------------

# The default (administrators may rename). Not a table of the documents: Table 2 has a
# single "Crisis Escalation" axis without stages, and 4-2, 3) speaks of "latent or emerging
# genocidal situations" and "rising levels of crisis escalation". Table 2's measures cannot be
# assigned to these stages from the document; only their order along the axis is given.
ESCALATION_STAGES: tuple[tuple[str, str], ...] = (
    ("latent", "Latent"),
    ("emerging", "Emerging"),
    ("escalating", "Escalating"),
    ("acute", "Acute"),
)

# --------------------------------------------------------------------------------------------
# USHMM: three considerations
# --------------------------------------------------------------------------------------------

CONSIDERATIONS_SOURCE = (
    "USHMM 2023, Three important considerations in choosing and developing any atrocity "
    "prevention strategy"
)


@dataclass(frozen=True)
class Consideration:
    key: str
    name: str
    tagline: str  # the rest of the heading after "name: "
    definition: str  # one sentence quoted from the section
    guidance: tuple[str, ...]  # the "Analysts and planners should:" bullets
    source: str = CONSIDERATIONS_SOURCE

    @property
    def heading(self) -> str:
        return f"{self.name}: {self.tagline}"


CONSIDERATIONS: tuple[Consideration, ...] = (
    Consideration(
        key="strategic_interaction",
        name="Strategic interaction",
        tagline="A successful strategy must anticipate and adapt to other actors' responses",
        definition=(
            "A defining feature of strategy is that it takes account of the dynamic interaction "
            "between one party's actions and others' responses."
        ),
        guidance=(
            "Think ahead about what counter-strategies are available to other parties, "
            "especially potential perpetrators, which counter-strategy they are most likely to "
            "choose, and how those actions would be likely to alter the impact of one's "
            "strategy. Strategies that are more resistant to available counter-strategies should "
            "generally be favored.",
            'Think about strategy as a process that involves multiple "moves." Strategy is not a '
            '"set it and forget it" enterprise. Except in the rarest cases, it will be necessary '
            "to revisit a chosen strategy and adapt or even abandon it in favor of a better "
            "approach. This implies that strategies that leave greater scope for future action "
            "should generally be favored over ones that lock in or limit future options.",
        ),
    ),
    Consideration(
        key="collective_action",
        name="Collective action",
        tagline=(
            "Strategies are invariably stronger when undertaken in coordination with other "
            "preventive actors"
        ),
        definition=(
            "This should not obscure that in virtually every instance, preventing atrocities "
            "involves at least some degree of collective action."
        ),
        guidance=(
            "Survey formal and informal mechanisms for collective action that could be used to "
            "help prevent mass atrocities.",
            "Consider what actions other actors would agree to undertake in concert, or at least "
            "would not resist.",
            "Recognize that one might need to develop a strategy aimed firstly at persuading "
            "allies or other third-parties to support a strategy to prevent atrocities.",
        ),
    ),
    Consideration(
        key="net_assessment",
        name="Net assessment",
        tagline="Assessing costs and risks along with expected benefits",
        definition=(
            "Beyond estimating and comparing probabilities of success in preventing atrocities, "
            'a "net assessment" of alternative strategies also involves analyzing costs and '
            "risks, including potential unintended consequences."
        ),
        guidance=(
            "Weigh the expected costs of alternative actions together with their expected "
            "benefits.",
            "Think about potential unintended consequences—positive and negative—of attempts to "
            "prevent atrocities.",
            "Assess the risks associated with different atrocity prevention strategies and "
            "actions and whether higher or lower risk-reward approaches are preferred.",
            "Analyze the potential impact (positive or negative) of atrocity prevention actions "
            "on other important goals or interests.",
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Guideline checks: the passages they cite
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    file: str  # seed file name
    heading: str  # the section heading as printed
    quote: str  # verbatim
    part: str = ""  # a recommendation or sidebar inside the section, as printed


@dataclass(frozen=True)
class GuidelineCheck:
    key: str
    check: str  # the wording
    passages: tuple[Passage, ...]


_TF_DSP = "Decision Support and Planning"
_TF_PSD = "Policy and Strategy Design"
_TF_CRSP = "Crisis Response Structure and Process"

GUIDELINE_CHECKS: tuple[GuidelineCheck, ...] = (
    GuidelineCheck(
        "all_target_groups",
        "options reach all four target groups",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_DSP,
                "this would tailor specific responses to the relevant target groups in latent or "
                "emerging genocidal situations",
                part="Recommendation 4-2",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_DSP,
                "Table 2 presents illustrative preventive measures relevant to these target "
                "groups at various stages of crisis escalation.",
                part="Recommendation 4-2",
            ),
        ),
    ),
    GuidelineCheck(
        "cooperative_coercive_mix",
        "cooperative and coercive measures are mixed",
        (
            Passage(
                USHMM_FILE,
                "1. Dissuade potential perpetrators from committing atrocities",
                "Research has found that strategies that include a mix of coercive threats and "
                "conditional inducements tend to be more effective than those that use just one "
                "or the other.",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "policymakers should not dismiss the potential benefits of rewarding “bad "
                "people” for “good behavior” if it is likely to have the ultimate effect of "
                "preventing an outbreak of mass violence.",
                part="Recommendation 4-4",
            ),
        ),
    ),
    GuidelineCheck(
        "sanctions_coupled",
        "every sanctions option is coupled with at least one non-sanctions tool aimed at the "
        "same group",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Couple sanctions with other tools to achieve the desired effect.",
                part="Guidelines for Imposing Sanctions",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "the strategy to prevent imminent genocide should embody multiple tools aimed at "
                "collectively changing the calculation of the regime in question.",
                part="Guidelines for Imposing Sanctions",
            ),
        ),
    ),
    GuidelineCheck(
        "no_rigid_ladder",
        "coercive options are not all held back to the last stage (no rigid escalatory ladder)",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "In crafting preventive diplomatic strategies, care must be taken not to follow "
                "an overly rigid process or “escalatory ladder” with potential perpetrators.",
                part="Recommendation 4-4",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Stronger measures at earlier stages, though perhaps difficult to muster "
                "politically, often have a greater chance of success.",
                part="Recommendation 4-4",
            ),
        ),
    ),
    GuidelineCheck(
        "credible_threats",
        "every coercive threat names who would carry it out (credibility)",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Unless they are truly credible, however, such threats should generally be "
                "avoided.",
                part="Recommendation 4-4",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Policymakers must seriously consider what they are willing to do to prevent or "
                "halt mass atrocities before making bold public statements.",
                part="Recommendation 4-4",
            ),
        ),
    ),
    GuidelineCheck(
        "influential_partners",
        "partners with influence over the perpetrators are engaged",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Policymakers should seek to engage those in the international community who "
                "have influence with the perpetrators and leverage those relationships as part "
                "of the crisis response plan.",
                part="Recommendation 4-5",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "When genocidal regimes have prominent patrons in the international community, "
                "these states should be a major focus of preventive diplomatic efforts.",
                part="Recommendation 4-5",
            ),
        ),
    ),
    GuidelineCheck(
        "single_messaging_lead",
        "one messaging lead is named",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "Policymakers should maintain consistency and discipline in messages conveyed to "
                "potential perpetrators and other actors.",
                part="Recommendation 4-5",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_PSD,
                "U.S. and international diplomatic efforts suffer when they do not speak with "
                "one voice",
                part="Recommendation 4-5",
            ),
        ),
    ),
    GuidelineCheck(
        "net_assessment_and_counter_moves",
        "net assessment and counter-moves are filled for each option",
        (
            Passage(
                USHMM_FILE,
                "Net assessment: Assessing costs and risks along with expected benefits",
                CONSIDERATIONS[2].definition,
            ),
            Passage(
                USHMM_FILE,
                "Strategic interaction: A successful strategy must anticipate and adapt to other "
                "actors' responses",
                "The effectiveness of any strategy, therefore, depends heavily on how well it "
                "anticipates and adapts to counter-strategies.",
            ),
        ),
    ),
    GuidelineCheck(
        "lessons_considered",
        "relevant lessons from the after-action repository were considered",
        (
            Passage(
                TASK_FORCE_FILE,
                _TF_CRSP,
                "Provision should be made to ensure that the results of these studies be taken "
                "into account during future crises and, where relevant, incorporated into future "
                "policy planning.",
                part="Recommendation 4-1",
            ),
            Passage(
                TASK_FORCE_FILE,
                _TF_CRSP,
                "A permanent and accessible repository for these studies should be established "
                "and made available to succeeding administrations.",
                part="Recommendation 4-1",
            ),
        ),
    ),
)

# check key -> its passages (the "GUIDELINE_PASSAGES").
GUIDELINE_PASSAGES: dict[str, tuple[Passage, ...]] = {c.key: c.passages for c in GUIDELINE_CHECKS}
