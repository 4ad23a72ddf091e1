"""Side-by-side comparison of two plan versions (the issue: "any two versions can be compared
side by side with changes highlighted").

`compare(a, b)` takes two version views (plans.selectors.version_view: a snapshot with the
sections above the reader's clearance already removed) and returns rows: the plan's own fields,
each section's status, marking and fields, the options of the matrix and the partners, as
keyed lists (added and removed ones get a row with an empty side). Changed words are wrapped in
<del> on the left and <ins> on the right. Every piece of text is escaped before it is wrapped,
so the result is safe HTML whatever the plan says.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Any, TypedDict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.sections import BY_KEY

_TOKENS = re.compile(r"(\s*)(\w+(?:['’]\w+)*|[^\w\s]+)")

PLAN_FIELDS = (("title", "Title"), ("marking", "Marking"), ("messaging_lead", "Messaging lead"))
SECTION_META = (("status", "Status"), ("marking", "Marking"))
OPTION_FIELDS = (
    ("strategy", "Strategy"),
    ("mechanism", "Mechanism"),
    ("stance", "Stance"),
    ("lead_agency", "Lead agency"),
    ("expected_effect", "Expected effect"),
    ("costs", "Costs"),
    ("risks", "Risks and unintended consequences"),
    ("counter_moves", "Counter-moves expected"),
    ("adaptation", "Adaptation"),
    ("partners", "Partners it needs"),
    ("enforcer", "Who would carry it out"),
)
PARTNER_FIELDS = (("influence", "Influence"), ("engaged", "Engaged"), ("role", "Role"))
VALUE_LABELS = {
    "status": {"not_started": "Not started", "drafting": "Drafting", "complete": "Complete"},
    "stance": {"cooperative": "Cooperative", "coercive": "Coercive"},
    "influence": {
        "patron": "Patron of the perpetrators",
        "neighbour": "Neighbour",
        "other": "Other influence over the perpetrators",
        "none": "No particular influence",
    },
    "engaged": {True: "Yes", False: "No"},
}


class Row(TypedDict):
    group: str
    label: str
    left: SafeString
    right: SafeString
    changed: bool


def _html(text: str) -> str:
    """Escaped text with its line breaks kept."""
    return escape(text).replace("\n", "<br>\n")


def _tokens(text: str) -> tuple[list[tuple[str, str]], str]:
    """Words and punctuation runs, each with the whitespace before it; and the trailing
    whitespace."""
    found = _TOKENS.findall(text)
    consumed = sum(len(ws) + len(tok) for ws, tok in found)
    return found, text[consumed:]


def _span(tokens: list[tuple[str, str]], tag: str = "") -> str:
    """Escaped tokens; the changed ones wrapped in `tag`, their first leading space outside."""
    if not tokens:
        return ""
    lead = _html(tokens[0][0])
    body = _html(tokens[0][1] + "".join(ws + tok for ws, tok in tokens[1:]))
    return f"{lead}<{tag}>{body}</{tag}>" if tag else lead + body


def words(left: str, right: str) -> tuple[SafeString, SafeString]:
    """Word-level diff of two texts as escaped HTML: removed words in <del> on the left, added
    words in <ins> on the right."""
    a, a_tail = _tokens(left)
    b, b_tail = _tokens(right)
    out_a: list[str] = []
    out_b: list[str] = []
    matcher = difflib.SequenceMatcher(None, [t for _, t in a], [t for _, t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out_a.append(_span(a[i1:i2]))
            out_b.append(_span(b[j1:j2]))
            continue
        out_a.append(_span(a[i1:i2], "del"))
        out_b.append(_span(b[j1:j2], "ins"))
    out_a.append(_html(a_tail))
    out_b.append(_html(b_tail))
    # Every piece above was escaped before it was wrapped in our own tags.
    return mark_safe("".join(out_a)), mark_safe("".join(out_b))  # noqa: S308


def _text(value: Any, field: str = "") -> str:
    labels = VALUE_LABELS.get(field)
    if labels is not None and value in labels:
        return labels[value]
    if value is None:
        return ""
    return str(value)


def _row(group: str, label: str, left: Any, right: Any, field: str = "") -> Row:
    lt, rt = _text(left, field), _text(right, field)
    lh, rh = words(lt, rt)
    return Row(group=group, label=label, left=lh, right=rh, changed=lt != rt)


def _missing(group: str, label: str, left: str | None, right: str | None) -> Row:
    """A row for something present on one side only: all of it deleted or inserted."""
    lh = mark_safe(f"<del>{_html(left)}</del>") if left else mark_safe("")  # noqa: S308
    rh = mark_safe(f"<ins>{_html(right)}</ins>") if right else mark_safe("")  # noqa: S308
    return Row(group=group, label=label, left=lh, right=rh, changed=True)


def _keyed(items: list[dict[str, Any]], key) -> dict[tuple, dict[str, Any]]:
    """Items by key; repeated keys get an occurrence number so none is lost."""
    seen: Counter = Counter()
    out = {}
    for item in items:
        k = key(item)
        out[(*k, seen[k])] = item
        seen[k] += 1
    return out


def _union(left: dict, right: dict) -> list:
    """Keys of the left side in order, then those only on the right."""
    return list(left) + [k for k in right if k not in left]


def _record_text(item: dict[str, Any], fields: tuple[tuple[str, str], ...]) -> str:
    lines = []
    for name, label in fields:
        value = _text(item.get(name), name)
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _sections(a: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    left = {s["key"]: s for s in a.get("sections", [])}
    right = {s["key"]: s for s in b.get("sections", [])}
    for key in _union(left, right):
        ls, rs = left.get(key), right.get(key)
        spec = BY_KEY.get(key)
        group = spec.title if spec else (ls or rs).get("title", key)
        fields = list(spec.fields) if spec else []
        names = {name for name, _ in fields}
        for s in (ls, rs):  # fields a later spec no longer has, so nothing is lost
            for name in (s or {}).get("content", {}):
                if name not in names:
                    fields.append((name, name))
                    names.add(name)
        for name, label in SECTION_META:
            rows.append(_row(group, label, (ls or {}).get(name), (rs or {}).get(name), name))
        for name, label in fields:
            rows.append(
                _row(
                    group,
                    label,
                    (ls or {}).get("content", {}).get(name, ""),
                    (rs or {}).get("content", {}).get(name, ""),
                )
            )
    return rows


def _options(a: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    def key(o):
        return (o.get("target_group", ""), o.get("stage", ""), o.get("measure", ""))

    left = _keyed(a.get("options", []), key)
    right = _keyed(b.get("options", []), key)
    rows = []
    for k in _union(left, right):
        label = f"{k[2]} ({k[0]}, {k[1]})"
        lo, ro = left.get(k), right.get(k)
        lt = _record_text(lo, OPTION_FIELDS) if lo is not None else None
        rt = _record_text(ro, OPTION_FIELDS) if ro is not None else None
        if lo is None:
            rows.append(_missing("Options", label, None, rt or label))
        elif ro is None:
            rows.append(_missing("Options", label, lt or label, None))
        else:
            rows.append(_row("Options", label, lt, rt))
    return rows


def _partners(a: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    left = _keyed(a.get("partners", []), lambda p: (p.get("name", ""),))
    right = _keyed(b.get("partners", []), lambda p: (p.get("name", ""),))
    rows = []
    for k in _union(left, right):
        lp, rp = left.get(k), right.get(k)
        lt = _record_text(lp, PARTNER_FIELDS) if lp is not None else None
        rt = _record_text(rp, PARTNER_FIELDS) if rp is not None else None
        if lp is None:
            rows.append(_missing("Partners", k[0], None, rt or k[0]))
        elif rp is None:
            rows.append(_missing("Partners", k[0], lt or k[0], None))
        else:
            rows.append(_row("Partners", k[0], lt, rt))
    return rows


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    """Rows comparing version view `a` (left, older) with `b` (right): the plan, its sections,
    the options, the partners."""
    rows = [_row("Plan", label, a.get(name), b.get(name)) for name, label in PLAN_FIELDS]
    rows += _sections(a, b)
    rows += _options(a, b)
    rows += _partners(a, b)
    return rows


def changed_count(rows: list[Row]) -> int:
    return sum(1 for r in rows if r["changed"])
