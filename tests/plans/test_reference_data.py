"""The plans' reference data (plans/reference.py) against the source documents.

Sources: ../shared/seeds/000_588810f2139c9d78.txt (Genocide Prevention Task Force 2008,
Chapter 4: Table 1, Table 2, "Decision Support and Planning", "Policy and Strategy Design",
"Crisis Response Structure and Process") and ../shared/seeds/003_f6ce1c28a03a1958.txt (USHMM
2023: Table 1, the four strategies, the three considerations, Annex C).

The tables are parsed here from the extracted text independently of the module, then compared
with it item by item: names, groupings, counts and order. Quotations must occur verbatim in the
document once whitespace, end-of-line hyphenation and the extraction's markup are normalised.
No database is needed.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from plans import reference as ref

SEEDS = Path(
    os.environ.get("APC_SEEDS_DIR") or Path(__file__).resolve().parents[2] / "docs" / "seeds"
)

# Section headings, as standalone lines, in the order printed (sections run to the next one).
TF_HEADINGS = (
    "Major Challenges",
    "Readiness to Meet the Challenge",
    "Responding to the Challenge",
    "Crisis Response Structure and Process",
    "Decision Support and Planning",
    "Operational Readiness and Capacity",
    "Policy and Strategy Design",
)
USHMM_HEADINGS = (
    "FOUR GENERAL STRATEGIES TO HELP PREVENT MASS ATROCITIES",
    "1. Dissuade potential perpetrators from committing atrocities",
    "2. Degrade potential perpetrators’ capacity to commit atrocities",
    "3. Protect vulnerable civilian populations",
    "4. Facilitate a leadership or political transition",
    "THREE IMPORTANT CONSIDERATIONS IN CHOOSING AND DEVELOPING ANY ATROCITY PREVENTION STRATEGY",
    "Strategic interaction: A successful strategy must anticipate and adapt to other actors' "
    "responses",
    "Collective action: Strategies are invariably stronger when undertaken in coordination with "
    "other preventive actors",
    "Net assessment: Assessing costs and risks along with expected benefits",
    "CONCLUSION",
    "ANNEX A: CASE ILLUSTRATIONS OF THE FOUR GENERAL STRATEGIES TO HELP PREVENT MASS ATROCITIES",
    "ANNEX B: REVIEW OF EXISTING STRATEGIC FRAMEWORKS",
    "ANNEX C: ILLUSTRATIVE LIST OF ATROCITY PREVENTION TOOLS⁴⁸",
    "ENDNOTES",
)
HEADINGS = {ref.TASK_FORCE_FILE: TF_HEADINGS, ref.USHMM_FILE: USHMM_HEADINGS}

SOFT = "\x00"  # stands for an end-of-line hyphen: a word break or a printed hyphen


# --- reading the documents ------------------------------------------------------------------


@cache
def lines(name: str) -> tuple[str, ...]:
    path = SEEDS / name
    if not path.is_file():
        pytest.fail(f"source document missing: {path} (set APC_SEEDS_DIR)")
    return tuple(path.read_text(encoding="utf-8").splitlines())


def ws(text: str) -> str:
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Markup dropped, end-of-line hyphens marked SOFT, whitespace collapsed."""
    text = re.sub(r"</?(?:i|p|b)>", "", text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"-[ \t]*\n\s*", SOFT, text)
    return ws(text)


def _pattern(quote: str) -> re.Pattern[str]:
    parts = []
    for ch in ws(quote):
        if ch == " ":
            parts.append(" ")
        elif ch == "-":
            parts.append(f"(?:-|{SOFT})")
        else:
            parts.append(re.escape(ch) + f"{SOFT}?")
    return re.compile("".join(parts))


def find(quote: str, normalised: str) -> int:
    """Where the quote starts in the normalised text, or -1."""
    match = _pattern(quote).search(normalised)
    return match.start() if match else -1


def heading_index(name: str, heading: str) -> int:
    found = [i for i, line in enumerate(lines(name)) if ws(line) == ws(heading)]
    assert len(found) == 1, f"heading {heading!r} is not one standalone line of {name}"
    return found[0]


def section_lines(name: str, heading: str) -> tuple[str, ...]:
    start = heading_index(name, heading)
    later = [heading_index(name, h) for h in HEADINGS[name]]
    later = [i for i in later if i > start]
    end = min(later) if later else len(lines(name))
    return lines(name)[start + 1 : end]


def section(name: str, heading: str) -> str:
    return normalise("\n".join(section_lines(name, heading)))


def document(name: str) -> str:
    return normalise("\n".join(lines(name)))


def between(name: str, first: str, last: str) -> tuple[str, ...]:
    """The raw lines after the line starting with `first` up to the one starting with `last`."""
    all_lines = lines(name)
    start = next(i for i, line in enumerate(all_lines) if line.strip().startswith(first))
    end = next(i for i in range(start + 1, len(all_lines)) if all_lines[i].strip().startswith(last))
    return all_lines[start : end + 1]


def tags_out(cell: str) -> str:
    """Markup dropped; the extraction leaves a space between an italic span and a full stop."""
    return re.sub(r" ([.,;])", r"\1", ws(re.sub(r"</?(?:i|p)>", "", cell)))


# --- Task Force Table 1 -----------------------------------------------------------------------


@cache
def parse_task_force_table1() -> tuple[tuple[str, ...], list[tuple[str, str, str]]]:
    """(column headings, [(row label, stance, item)]) from the five-cell tab layout:
    type | bullet | cooperative | bullet | coercive; a cell without a bullet continues the item
    above in its column."""
    table = between(ref.TASK_FORCE_FILE, "TYPE\t", "Source: Adapted")
    headings = tuple(cell.strip() for cell in table[0].split("\t"))
    rows: list[tuple[str, dict[str, list[list[str]]]]] = []
    for line in table[1:-1]:
        cells = (line.split("\t") + [""] * 5)[:5]
        label = cells[0].strip()
        if label.startswith("("):
            rows[-1] = (f"{rows[-1][0]} {label}", rows[-1][1])
        elif label:
            rows.append((label, {ref.COOPERATIVE: [], ref.COERCIVE: []}))
        for stance, bullet, text in ((ref.COOPERATIVE, 1, 2), (ref.COERCIVE, 3, 4)):
            if "•" in cells[bullet]:
                rows[-1][1][stance].append([cells[text]])
            elif cells[text].strip():
                rows[-1][1][stance][-1].append(cells[text])
    items = [
        (label, stance, ws(" ".join(parts)))
        for label, columns in rows
        for stance in ref.STANCES
        for parts in columns[stance]
    ]
    return headings, items


def test_task_force_table1_items_grouped_and_ordered_as_printed():
    headings, items = parse_task_force_table1()
    assert headings == ref.TASK_FORCE_TABLE_HEADINGS
    module = [(ref.TASK_FORCE_TYPE_LABELS[t.type], t.stance, t.name) for t in ref.TASK_FORCE_TOOLS]
    assert module == items


def test_task_force_table1_counts():
    _, items = parse_task_force_table1()
    labels = {label: key for key, label in ref.TASK_FORCE_TYPE_LABELS.items()}
    printed: dict[tuple[str, str], int] = {}
    for label, stance, _ in items:
        printed[(labels[label], stance)] = printed.get((labels[label], stance), 0) + 1
    module: dict[tuple[str, str], int] = {}
    for tool in ref.TASK_FORCE_TOOLS:
        module[(tool.type, tool.stance)] = module.get((tool.type, tool.stance), 0) + 1
    assert printed == module == ref.TASK_FORCE_COUNTS
    assert len(ref.TASK_FORCE_TOOLS) == 35
    assert [t for t in ref.TOOL_TYPES] == list(dict.fromkeys(t.type for t in ref.TASK_FORCE_TOOLS))


def test_task_force_table1_title_note_and_source():
    text = document(ref.TASK_FORCE_FILE)
    assert find(ref.TASK_FORCE_TABLE_TITLE, text) >= 0
    assert find(ref.TASK_FORCE_TABLE_NOTE, text) >= 0
    assert ref.SOURCE == "Genocide Prevention Task Force 2008, Table 1"
    assert {t.source for t in ref.TASK_FORCE_TOOLS} == {ref.SOURCE}
    names = [t.name for t in ref.TASK_FORCE_TOOLS]
    # "Fact finding" is both a diplomatic ("Fact finding/observer missions") and a legal tool.
    assert len(set(zip(names, (t.type for t in ref.TASK_FORCE_TOOLS), strict=True))) == 35


# --- USHMM Annex C ------------------------------------------------------------------------------


@cache
def parse_annex_c() -> list[tuple[str, str]]:
    table = between(ref.USHMM_FILE, "ATROCITY PREVENTION TOOL\t", "ENDNOTES")
    assert tuple(c.strip() for c in table[0].split("\t")) == ref.USHMM_TABLE_HEADINGS
    rows = []
    for line in table[1:-1]:
        if line.strip():
            name, definition = line.split("\t")
            rows.append((name.strip(), definition.strip()))
    return rows


def test_annex_c_has_23_tools_in_printed_order():
    rows = parse_annex_c()
    assert len(rows) == len(ref.USHMM_TOOLS) == 23
    assert [name for name, _ in rows] == list(ref.USHMM_TOOL_NAMES)
    # Endnote 7 counts them too.
    assert (
        find("allows users to filter 23 atrocity prevention tools", document(ref.USHMM_FILE)) >= 0
    )
    assert {t.source for t in ref.USHMM_TOOLS} == {"USHMM 2023, Annex C"}


def test_annex_c_definitions_verbatim():
    rows = dict(parse_annex_c())
    for tool in ref.USHMM_TOOLS:
        printed = rows[tool.name]
        expected = f"{tool.definition} {tool.note}" if tool.note else tool.definition
        assert tags_out(printed) == expected, tool.name
        # the italic (narrower) tools of endnote 48
        assert tuple(re.findall(r"<i>(.*?)</i>", printed)) == tool.includes, tool.name
    assert find(ref.USHMM_TABLE_TITLE, document(ref.USHMM_FILE)) >= 0


# --- USHMM Table 1 and the strategy sections ------------------------------------------------------


@cache
def parse_ushmm_table1() -> dict[str, list]:
    table = between(ref.USHMM_FILE, "Strategies\t", "Selected tools that commonly support")
    rows = {}
    for line in table:
        label, *cells = line.split("\t")
        if label == "Strategies" or label == "Key assumptions":
            rows[label] = [tags_out(c) for c in cells]
        else:
            rows[label] = [[ws(p) for p in re.findall(r"<p>(.*?)</p>", c)] for c in cells]
    return rows


def test_ushmm_table1_strategies_assumptions_mechanisms_tools():
    rows = parse_ushmm_table1()
    assert len(ref.STRATEGIES) == 4
    assert [s.name for s in ref.STRATEGIES] == rows["Strategies"]
    assert [s.assumptions for s in ref.STRATEGIES] == rows["Key assumptions"]
    assert [list(s.mechanisms) for s in ref.STRATEGIES] == rows["Mechanisms"]
    tools = rows["Selected tools that commonly support the strategy"]
    assert [[t.name for t in s.tools] for s in ref.STRATEGIES] == tools
    assert [len(t) for t in tools] == [5, 5, 6, 7]
    assert find(ref.STRATEGIES_TABLE_TITLE, document(ref.USHMM_FILE)) >= 0
    assert ref.STRATEGY_KEYS == ("dissuade", "degrade", "protect", "facilitate_transition")


def _bullets_after(section_raw: tuple[str, ...], marker: str, stop: str) -> list[str]:
    start = next(i for i, line in enumerate(section_raw) if line.startswith(marker))
    out = []
    for line in section_raw[start + 1 :]:
        if line.startswith(stop):
            break
        if line.startswith("- "):
            out.append(line[2:])
    return out


@pytest.mark.parametrize("strategy", ref.STRATEGIES, ids=lambda s: s.key)
def test_strategy_sections_assumptions_mechanisms_and_tool_names(strategy):
    raw = section_lines(ref.USHMM_FILE, strategy.heading)
    text = normalise("\n".join(raw))
    for paragraph in strategy.assumptions_text:
        assert find(paragraph, text) >= 0, paragraph
    assert find("KEY ASSUMPTIONS: " + strategy.assumptions_text[0], text) >= 0
    mechanisms = _bullets_after(raw, "MECHANISMS:", "KEY ANALYTIC CONSIDERATIONS")
    assert [ws(m).rstrip(";.") for m in mechanisms] == list(strategy.mechanisms_text)
    bullets = _bullets_after(raw, "SELECTED TOOLS THAT COMMONLY SUPPORT THE STRATEGY", "\x01")
    italic = [name for b in bullets for name in re.findall(r"\*([^*]+)\*", b)]
    assert italic == [t.text_name for t in strategy.tools]


def _words(name: str) -> list[str]:
    return [w.rstrip("s") for w in re.split(r"[\s-]+", name.lower()) if w not in {"to", "or"}]


def test_strategy_tools_map_onto_annex_c():
    annex = {t.name: t for t in ref.USHMM_TOOLS}
    for strategy in ref.STRATEGIES:
        for tool in strategy.tools:
            assert tool.ushmm_tools, tool.name
            for target in tool.ushmm_tools:
                assert target in annex, target
                if tool.basis == ref.SAME:
                    assert target.lower() == tool.name.lower()
                elif tool.basis == ref.PARENTHETICAL:
                    inside = re.search(r"\((.*)\)", tool.text_name).group(1).lower()
                    assert all(w in inside for w in _words(target)), (tool.name, target)
                elif tool.basis == ref.ITALICS:
                    assert tool.name.lower() in annex[target].includes
                else:
                    assert tool.basis == ref.INFERRED
                    assert all(w in tool.name.lower() for w in _words(target)), tool.name
    inferred = {t.name for s in ref.STRATEGIES for t in s.tools if t.basis == ref.INFERRED}
    assert inferred == {
        "Threats of prosecution",
        "Threats of prosecutions",
        "Targeted financial sanctions",
    }


def test_tool_strategies_derived_from_table1():
    assert set(ref.TOOL_STRATEGIES) == set(ref.USHMM_TOOL_NAMES)
    unmapped = {name for name, keys in ref.TOOL_STRATEGIES.items() if not keys}
    assert unmapped == {"Diplomatic Sanctions", "Fact-Finding", "Military Presence"}
    assert ref.TOOL_STRATEGIES["Mediation"] == ("dissuade", "facilitate_transition")
    assert ref.TOOL_STRATEGIES["Targeted Sanctions"] == (
        "dissuade",
        "degrade",
        "facilitate_transition",
    )


# --- Task Force Table 2 and the target groups -------------------------------------------------


@cache
def parse_table2() -> tuple[list[str], list[tuple[str, list[tuple[str, int]]]]]:
    """(column headings, [(group label, [(measure, indent)])]); the headings precede the first
    group label, a "(" line continues the measure above."""
    table = between(ref.TASK_FORCE_FILE, "Target", "Table 2:")
    headings: list[str] = []
    groups: list[tuple[str, list[tuple[str, int]]]] = []
    label_open = False
    for line in table[:-1]:
        stripped = line.strip()
        if not stripped:
            label_open = False
            continue
        if not groups and stripped in {"Target", "Group", "Crisis Escalation"}:
            if stripped == "Group":
                headings[-1] += " Group"
            else:
                headings.append(stripped)
        elif stripped.isupper():
            if label_open:
                groups[-1] = (f"{groups[-1][0]} {stripped}", groups[-1][1])
            else:
                groups.append((stripped, []))
            label_open = True
        elif stripped.startswith("("):
            text, indent = groups[-1][1][-1]
            groups[-1][1][-1] = (ws(f"{text} {stripped}"), indent)
        else:
            groups[-1][1].append((ws(stripped), len(line) - len(line.lstrip())))
    return headings, groups


def test_table2_groups_and_measures_in_escalation_order():
    headings, groups = parse_table2()
    assert tuple(headings) == ref.TARGET_GROUPS_TABLE_HEADINGS
    assert len(ref.TARGET_GROUPS) == 4
    assert [g.label for g in ref.TARGET_GROUPS] == [label for label, _ in groups]
    for group, (_, measures) in zip(ref.TARGET_GROUPS, groups, strict=True):
        assert [(m.text, m.indent) for m in group.measures] == measures, group.key
        indents = [m.indent for m in group.measures]
        assert indents == sorted(indents) and len(set(indents)) == len(indents)
    assert [len(g.measures) for g in ref.TARGET_GROUPS] == [6, 4, 4, 4]
    assert find(ref.TARGET_GROUPS_TABLE_TITLE, document(ref.TASK_FORCE_FILE)) >= 0
    assert {g.source for g in ref.TARGET_GROUPS} == {"Genocide Prevention Task Force 2008, Table 2"}


def test_target_group_purposes_quoted_from_recommendation_4_2():
    text = section(ref.TASK_FORCE_FILE, "Decision Support and Planning")
    assert [g.letter for g in ref.TARGET_GROUPS] == ["a", "b", "c", "d"]
    positions = []
    for group in ref.TARGET_GROUPS:
        item = f"({group.letter}) {group.description} ({group.purpose})"
        positions.append(find(item, text))
        assert positions[-1] >= 0, item
    assert positions == sorted(positions)


def test_escalation_stages_default():
    assert [key for key, _ in ref.ESCALATION_STAGES] == [
        "latent",
        "emerging",
        "escalating",
        "acute",
    ]
    assert ref.TARGET_GROUPS_TABLE_HAS_STAGE_COLUMNS is False
    text = section(ref.TASK_FORCE_FILE, "Decision Support and Planning")
    assert find("in latent or emerging genocidal situations", text) >= 0


# --- USHMM considerations -----------------------------------------------------------------------


@pytest.mark.parametrize("consideration", ref.CONSIDERATIONS, ids=lambda c: c.key)
def test_considerations(consideration):
    raw = section_lines(ref.USHMM_FILE, consideration.heading)
    text = normalise("\n".join(raw))
    assert find(consideration.definition, text) >= 0
    guidance = _bullets_after(raw, "Analysts and planners should:", "\x01")
    assert [ws(g) for g in guidance] == list(consideration.guidance)


def test_three_considerations_in_order():
    assert [c.key for c in ref.CONSIDERATIONS] == [
        "strategic_interaction",
        "collective_action",
        "net_assessment",
    ]
    order = [heading_index(ref.USHMM_FILE, c.heading) for c in ref.CONSIDERATIONS]
    assert order == sorted(order)


# --- guideline checks -------------------------------------------------------------------------


def test_every_guideline_check_of_the_issue_has_passages():
    assert [c.key for c in ref.GUIDELINE_CHECKS] == [
        "all_target_groups",
        "cooperative_coercive_mix",
        "sanctions_coupled",
        "no_rigid_ladder",
        "credible_threats",
        "influential_partners",
        "single_messaging_lead",
        "net_assessment_and_counter_moves",
        "lessons_considered",
    ]
    assert all(ref.GUIDELINE_PASSAGES[c.key] for c in ref.GUIDELINE_CHECKS)


@pytest.mark.parametrize(
    "passage",
    [p for c in ref.GUIDELINE_CHECKS for p in c.passages],
    ids=lambda p: p.quote[:40],
)
def test_guideline_passage_quoted_from_its_section(passage):
    text = section(passage.file, passage.heading)
    at = find(passage.quote, text)
    assert at >= 0, passage.quote
    if passage.part:
        assert 0 <= find(passage.part, text) < at, passage.part
