"""Version comparison (plans/diff.py): changed words are marked, options and partners compare as
keyed lists (added and removed rows), and the text of a plan is always escaped."""

from __future__ import annotations

import copy

import pytest
from django.utils.safestring import SafeString

from plans import diff
from plans.models import PlanSection
from plans.services import snapshot
from tests.plans.support import add_option, add_partner, make_plan


def view(**over):
    base = {
        "title": "Crisis response plan: Sudan",
        "kind": "response",
        "marking": "U",
        "messaging_lead": "State",
        "sections": [
            {
                "key": "target_assessment",
                "title": "Target country assessment",
                "status": "drafting",
                "marking": "U",
                "content": {"basics": "A large country with a weak economy.", "leverage": ""},
            }
        ],
        "options": [
            {
                "target_group": "Decision makers",
                "stage": "Latent",
                "measure": "Travel bans",
                "strategy": "Dissuade",
                "stance": "coercive",
                "lead_agency": "State",
                "expected_effect": "Isolates the leaders.",
                "enforcer": "State",
            }
        ],
        "partners": [{"name": "Neighbour A", "influence": "neighbour", "engaged": False}],
    }
    base.update(over)
    return base


def row(rows, group, label):
    return next(r for r in rows if r["group"] == group and r["label"] == label)


def test_identical_views_have_no_changes_and_every_row_is_safe_html():
    rows = diff.compare(view(), view())
    assert rows and not any(r["changed"] for r in rows)
    assert diff.changed_count(rows) == 0
    for r in rows:
        assert isinstance(r["left"], SafeString) and isinstance(r["right"], SafeString)
        assert "<del>" not in r["left"] and "<ins>" not in r["right"]


def test_changed_words_are_marked_and_labels_come_from_the_sections():
    b = view()
    b["sections"] = copy.deepcopy(b["sections"])
    b["sections"][0]["content"]["basics"] = "A large country with a collapsing economy."
    b["sections"][0]["status"] = "complete"
    rows = diff.compare(view(), b)
    r = row(
        rows, "Target country assessment", "Political-military, economic and demographic basics"
    )
    assert r["changed"] is True
    assert r["left"] == "A large country with a <del>weak</del> economy."
    assert r["right"] == "A large country with a <ins>collapsing</ins> economy."
    status = row(rows, "Target country assessment", "Status")
    assert status["changed"] and "<del>Drafting</del>" in status["left"]
    assert "<ins>Complete</ins>" in status["right"]
    # unchanged fields are present and unmarked, in the order of plans/sections.py
    leverage = row(rows, "Target country assessment", "Points of leverage")
    assert leverage["changed"] is False
    labels = [r["label"] for r in rows if r["group"] == "Target country assessment"]
    assert labels[:3] == [
        "Status",
        "Marking",
        "Political-military, economic and demographic basics",
    ]
    assert len(labels) == 2 + 10


def test_plan_fields_compare():
    rows = diff.compare(
        view(), view(title="Crisis response plan: Sudan (revised)", messaging_lead=None)
    )
    title = row(rows, "Plan", "Title")
    assert title["changed"] and "<ins>(revised)</ins>" in title["right"]
    lead = row(rows, "Plan", "Messaging lead")
    assert lead["changed"] and lead["left"] == "<del>State</del>" and lead["right"] == ""


def test_added_and_removed_options_and_a_changed_one():
    b = view()
    b["options"] = [
        {**b["options"][0], "expected_effect": "Isolates the leaders and their families."},
        {
            "target_group": "Victims",
            "stage": "Emerging",
            "measure": "Safe havens/evacuation",
            "stance": "cooperative",
        },
    ]
    a = view()
    a["options"].append(
        {
            "target_group": "Perpetrators",
            "stage": "Acute",
            "measure": "Intervention",
            "stance": "coercive",
        }
    )
    rows = diff.compare(a, b)
    options = [r for r in rows if r["group"] == "Options"]
    assert [r["label"] for r in options] == [
        "Travel bans (Decision makers, Latent)",
        "Intervention (Perpetrators, Acute)",
        "Safe havens/evacuation (Victims, Emerging)",
    ]
    changed, removed, added = options
    assert changed["changed"]
    assert "Isolates the leaders <ins>and their families</ins>." in changed["right"]
    assert "<del>" not in changed["left"] and "Strategy: Dissuade" in changed["left"]
    assert removed["changed"] and removed["right"] == "" and removed["left"].startswith("<del>")
    assert "Stance: Coercive" in removed["left"]
    assert added["changed"] and added["left"] == "" and added["right"].startswith("<ins>")


def test_the_same_option_twice_is_kept_apart():
    twice = view(options=view()["options"] * 2)
    rows = [r for r in diff.compare(view(), twice) if r["group"] == "Options"]
    assert len(rows) == 2
    assert rows[0]["changed"] is False and rows[1]["changed"] is True


def test_added_removed_and_changed_partners():
    b = view(
        partners=[
            {"name": "Neighbour A", "influence": "neighbour", "engaged": True},
            {"name": "Patron B", "influence": "patron", "engaged": False},
        ]
    )
    a = view(
        partners=[*view()["partners"], {"name": "Donor C", "influence": "none", "engaged": True}]
    )
    rows = [r for r in diff.compare(a, b) if r["group"] == "Partners"]
    assert [r["label"] for r in rows] == ["Neighbour A", "Donor C", "Patron B"]
    changed, removed, added = rows
    assert "Engaged: <del>No</del>" in changed["left"]
    assert "Engaged: <ins>Yes</ins>" in changed["right"]
    assert removed["right"] == "" and "Donor C" not in removed["right"]
    assert "Patron of the perpetrators" in added["right"] and added["left"] == ""


def test_a_section_present_on_one_side_only():
    b = view()
    b["sections"] = [
        *b["sections"],
        {
            "key": "atrocities_estimate",
            "title": "Atrocities estimate and impact assessment",
            "status": "drafting",
            "marking": "C",
            "content": {"scale": "Thousands at risk."},
        },
    ]
    rows = diff.compare(view(), b)
    scale = row(rows, "Atrocities estimate and impact assessment", "Potential scale of violence")
    assert (
        scale["changed"]
        and scale["left"] == ""
        and scale["right"] == "<ins>Thousands at risk.</ins>"
    )


HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def test_html_in_the_text_is_always_escaped():
    a = view(title=HOSTILE)
    a["sections"] = copy.deepcopy(a["sections"])
    a["sections"][0]["content"]["basics"] = HOSTILE
    b = view(title=HOSTILE + " more")
    b["sections"] = copy.deepcopy(b["sections"])
    b["sections"][0]["content"]["basics"] = "<script>steal()</script> " + HOSTILE
    b["options"] = [{**b["options"][0], "measure": "<img src=x onerror=alert(1)>"}]
    b["partners"] = [{"name": "<script>p()</script>", "influence": "none", "engaged": False}]
    rows = diff.compare(a, b)
    for r in rows:
        for side in ("left", "right"):
            html = str(r[side])
            assert "<script" not in html and "<img" not in html and "<b>" not in html
            # only our own tags remain
            stripped = html.replace("<del>", "").replace("</del>", "")
            stripped = stripped.replace("<ins>", "").replace("</ins>", "").replace("<br>", "")
            assert "<" not in stripped
    basics = row(
        rows, "Target country assessment", "Political-military, economic and demographic basics"
    )
    assert "&lt;script&gt;steal()&lt;/script&gt;" in basics["right"]
    assert "&amp;" in basics["left"]
    # labels are plain text, escaped by the template like any other string
    assert any("<img src=x" in r["label"] for r in rows if r["group"] == "Options")
    assert not any(isinstance(r["label"], SafeString) for r in rows)


def test_line_breaks_are_kept():
    b = view()
    b["sections"] = copy.deepcopy(b["sections"])
    b["sections"][0]["content"]["basics"] = "First line.\nSecond line."
    r = row(diff.compare(view(), b), "Target country assessment",
            "Political-military, economic and demographic basics")  # fmt: skip
    assert "<br>" in r["right"]


@pytest.mark.django_db
def test_two_snapshots_of_a_real_plan_compare():
    plan = make_plan()
    add_option(plan, tool_name="Travel bans", enforcer="State")
    add_partner(plan, "Neighbour A", influence="neighbour")
    before = snapshot(plan)
    PlanSection.objects.filter(plan=plan, key="operations_plan").update(
        content={"objectives": "Halt the killings."}
    )
    add_option(plan, tool_name="Debt relief", target="third_parties")
    plan.partners.all().delete()
    rows = diff.compare(before, snapshot(plan))
    changed = {(r["group"], r["label"]) for r in rows if r["changed"]}
    assert changed == {
        ("Operations plan", "Objectives"),
        ("Options", "Debt relief (Third parties, Latent)"),
        ("Partners", "Neighbour A"),
    }
