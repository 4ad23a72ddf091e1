"""Guideline checks (plans/guidelines.py): one test per check with a plan that passes it and one
that fails it (and the not-applicable case where there is one), the hidden case of checks_for,
and a constant number of queries whatever the size of the matrix."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apc.models import Agency
from plans import guidelines
from plans.models import Plan, PlanSection
from plans.reference import GUIDELINE_CHECKS, GUIDELINE_PASSAGES
from tests.factories import UserFactory
from tests.plans.support import add_option, add_partner, make_plan

pytestmark = pytest.mark.django_db


def result(plan: Plan, key: str) -> guidelines.Check:
    return next(c for c in guidelines.checks(plan) if c.key == key)


@pytest.fixture
def plan():
    return make_plan()


def all_groups(plan, **kw):
    for key in ("decision_makers", "perpetrators", "victims", "third_parties"):
        add_option(plan, target=key, measure=f"Measure for {key}", **kw)


def test_every_check_of_the_reference_is_computed_with_its_passages(plan):
    out = guidelines.checks(plan)
    assert [c.key for c in out] == [c.key for c in GUIDELINE_CHECKS]
    for c in out:
        assert c.passages == GUIDELINE_PASSAGES[c.key] and c.passages
        assert all(p.quote and p.file and p.heading for p in c.passages)
        assert c.title and c.detail
    with pytest.raises(AttributeError):  # frozen
        out[0].ok = True


# --- options reach all four target groups ---------------------------------------------------


def test_all_target_groups(plan):
    assert result(plan, "all_target_groups").ok is None  # no options yet
    add_option(plan, target="decision_makers", tool_name="Dialogue facilitation/mediation")
    add_option(plan, target="victims", tool_name="Safe havens/evacuation")
    failed = result(plan, "all_target_groups")
    assert failed.ok is False
    assert "Perpetrators" in failed.detail and "Third parties" in failed.detail
    add_option(plan, target="perpetrators", tool_name="Jamming, information operations, sabotage, "
               "leadership targeting", enforcer="DoD")  # fmt: skip
    add_option(plan, target="third_parties", measure="Diplomatic pressure on neighbours")
    assert result(plan, "all_target_groups").ok is True


# --- cooperative and coercive measures are mixed --------------------------------------------


def test_cooperative_coercive_mix(plan):
    assert result(plan, "cooperative_coercive_mix").ok is None
    add_option(plan, tool_name="Debt relief")
    add_option(plan, tool_name="Increased aid", target="victims")
    only_cooperative = result(plan, "cooperative_coercive_mix")
    assert only_cooperative.ok is False and "cooperative" in only_cooperative.detail
    add_option(plan, tool_name="Travel bans", enforcer="State")
    assert result(plan, "cooperative_coercive_mix").ok is True


def test_all_coercive_also_fails_the_mix(plan):
    add_option(plan, tool_name="Travel bans", enforcer="State")
    failed = result(plan, "cooperative_coercive_mix")
    assert failed.ok is False and "coercive" in failed.detail


def test_a_custom_measure_counts_by_its_stated_stance(plan):
    add_option(plan, measure="Quiet assurances", stance="cooperative")
    add_option(plan, measure="Public ultimatum", stance="coercive", enforcer="State")
    assert result(plan, "cooperative_coercive_mix").ok is True


# --- sanctions are coupled with another tool aimed at the same group -----------------------


def test_sanctions_coupled(plan):
    add_option(plan, tool_name="Debt relief", target="third_parties")
    assert result(plan, "sanctions_coupled").ok is None  # no sanctions option
    add_option(plan, tool_name="Trade sanctions", target="decision_makers", enforcer="Treasury")
    # a non-sanctions tool exists, but aimed at another group
    failed = result(plan, "sanctions_coupled")
    assert failed.ok is False and "Trade sanctions" in failed.detail
    add_option(plan, tool_name="Dialogue facilitation/mediation", target="decision_makers")
    assert result(plan, "sanctions_coupled").ok is True


def test_two_sanctions_on_one_group_do_not_couple_each_other(plan):
    add_option(plan, tool_name="Trade sanctions", enforcer="Treasury")
    add_option(plan, tool_name="Comprehensive/selective embargoes", enforcer="Treasury")
    add_option(plan, measure="Targeted sanctions on militia leaders", stance="coercive",
               target="perpetrators", enforcer="Treasury")  # fmt: skip
    failed = result(plan, "sanctions_coupled")
    assert failed.ok is False
    assert "embargoes" in failed.detail and "militia leaders" in failed.detail


# --- coercive options are not all held back to the last stage -------------------------------


def test_no_rigid_ladder(plan):
    add_option(plan, tool_name="Debt relief", at="latent")
    assert result(plan, "no_rigid_ladder").ok is None  # no coercive option
    add_option(plan, tool_name="Travel bans", at="acute", enforcer="State")
    add_option(plan, tool_name="Intervention", at="acute", enforcer="DoD")
    failed = result(plan, "no_rigid_ladder")
    assert failed.ok is False and "last stage" in failed.detail
    add_option(plan, tool_name="Naming/shaming", at="emerging", enforcer="State")
    assert result(plan, "no_rigid_ladder").ok is True


def test_the_last_stage_is_the_last_by_position_even_when_renamed(plan):
    from plans.models import EscalationStage

    EscalationStage.objects.filter(key="acute").update(name="Mass killing under way")
    add_option(plan, tool_name="Travel bans", at="acute", enforcer="State")
    assert result(plan, "no_rigid_ladder").ok is False


# --- every coercive option names who would carry it out -------------------------------------


def test_credible_threats(plan):
    add_option(plan, tool_name="Debt relief")
    assert result(plan, "credible_threats").ok is None  # no coercive option
    add_option(plan, tool_name="Travel bans", enforcer="Department of State")
    add_option(plan, tool_name="No-fly zones, safe havens", target="perpetrators", enforcer=" ")
    failed = result(plan, "credible_threats")
    assert failed.ok is False and "No-fly zones" in failed.detail
    assert "Travel bans" not in failed.detail
    option = plan.options.get(tool__name="No-fly zones, safe havens")
    option.enforcer = "Department of Defense with NATO allies"
    option.save()
    assert result(plan, "credible_threats").ok is True


# --- partners with influence over the perpetrators are engaged ------------------------------


def test_influential_partners(plan):
    add_partner(plan, "A like-minded donor", influence="none", engaged=True)
    none = result(plan, "influential_partners")
    assert none.ok is False and "No partner with influence" in none.detail
    add_partner(plan, "The regime's patron", influence="patron", engaged=False)
    add_partner(plan, "A neighbouring state", influence="neighbour", engaged=True)
    idle = result(plan, "influential_partners")
    assert idle.ok is False and "The regime's patron" in idle.detail
    plan.partners.filter(name="The regime's patron").update(engaged=True)
    assert result(plan, "influential_partners").ok is True


# --- one messaging lead is named ------------------------------------------------------------


def test_single_messaging_lead(plan):
    assert result(plan, "single_messaging_lead").ok is False
    Plan.objects.filter(pk=plan.pk).update(messaging_lead=Agency.objects.get(code="state"))
    plan.refresh_from_db()
    passed = result(plan, "single_messaging_lead")
    assert passed.ok is True and "State" in passed.detail


# --- net assessment and counter-moves for each option ---------------------------------------


def test_net_assessment_and_counter_moves(plan):
    assert result(plan, "net_assessment_and_counter_moves").ok is None
    add_option(plan, tool_name="Debt relief")  # complete
    assert result(plan, "net_assessment_and_counter_moves").ok is True
    add_option(plan, tool_name="Travel bans", complete=False, enforcer="State",
               expected_effect="Isolates the leaders.", costs="Little.")  # fmt: skip
    failed = result(plan, "net_assessment_and_counter_moves")
    assert failed.ok is False
    assert "Travel bans" in failed.detail and "counter-moves" in failed.detail
    assert "Debt relief" not in failed.detail


# --- lessons from the after-action repository -----------------------------------------------


def test_lessons_considered_reads_the_after_action_repository(plan, monkeypatch):
    """The check is the hook the after-action app sets (afteraction/relevance.py), and says so
    when no hook is set."""
    from afteraction.relevance import lessons_check

    assert guidelines.LESSONS_CHECK is lessons_check
    pending = result(plan, "lessons_considered")
    assert pending.ok is None  # the repository holds no lesson yet
    assert pending.detail == "No lesson in the repository bears on this plan yet."
    monkeypatch.setattr(guidelines, "LESSONS_CHECK", None)
    assert result(plan, "lessons_considered").detail == (
        "The after-action repository is not available yet"
    )
    monkeypatch.setattr(
        guidelines, "LESSONS_CHECK", lambda p, options: (False, f"None read for {p.pk}")
    )
    assert result(plan, "lessons_considered").ok is False
    monkeypatch.setattr(guidelines, "LESSONS_CHECK", lambda p, options: (True, "Two lessons read"))
    assert result(plan, "lessons_considered").detail == "Two lessons read"


# --- prevention plans -----------------------------------------------------------------------


def test_a_prevention_plan_runs_the_same_checks():
    plan = make_plan(Plan.Kind.PREVENTION)
    all_groups(plan, stance="cooperative")
    add_option(plan, tool_name="Naming/shaming", at="emerging", enforcer="State")
    add_partner(plan, "A neighbouring state", influence="neighbour", engaged=True)
    Plan.objects.filter(pk=plan.pk).update(messaging_lead=Agency.objects.get(code="state"))
    plan.refresh_from_db()
    out = {c.key: c.ok for c in guidelines.checks(plan)}
    assert out == {
        "all_target_groups": True,
        "cooperative_coercive_mix": True,
        "sanctions_coupled": None,
        "no_rigid_ladder": True,
        "credible_threats": True,
        "influential_partners": True,
        "single_messaging_lead": True,
        "net_assessment_and_counter_moves": True,
        "lessons_considered": None,
    }


# --- checks_for: nothing of a hidden section leaks ------------------------------------------


def test_checks_for_hides_the_checks_on_a_section_above_the_reader(plan):
    add_option(plan, tool_name="Trade sanctions", enforcer="Secret unit X")
    add_partner(plan, "Covert patron", influence="patron", engaged=False)
    PlanSection.objects.filter(plan=plan, key="policy_options").update(marking="S")
    low = UserFactory(role="co_chair", clearance="C")
    out = {c.key: c for c in guidelines.checks_for(low, plan)}
    for key in guidelines.OPTION_CHECKS:
        assert out[key].ok is None and out[key].detail == guidelines.HIDDEN
    # the operations plan is still readable: its checks answer
    assert out["influential_partners"].ok is False
    assert "Covert patron" in out["influential_partners"].detail
    assert "Trade sanctions" not in " ".join(c.detail for c in out.values())

    PlanSection.objects.filter(plan=plan, key="operations_plan").update(marking="S")
    out = {c.key: c for c in guidelines.checks_for(low, plan)}
    assert out["influential_partners"].detail == guidelines.HIDDEN
    assert out["single_messaging_lead"].ok is None
    assert "Covert patron" not in " ".join(c.detail for c in out.values())

    high = UserFactory(role="co_chair", clearance="S")
    assert guidelines.checks_for(high, plan) == guidelines.checks(plan)


def test_checks_for_on_a_prevention_plan_hides_all_section_checks():
    plan = make_plan(Plan.Kind.PREVENTION)
    add_option(plan, tool_name="Travel bans", enforcer="State")
    PlanSection.objects.filter(plan=plan).update(marking="S")
    low = UserFactory(role="co_chair", clearance="CUI")
    out = guidelines.checks_for(low, plan)
    # every check, "relevant lessons considered" too: it reads the options' tools
    assert [c.key for c in out if c.detail == guidelines.HIDDEN] == [
        c.key for c in GUIDELINE_CHECKS
    ]


# --- a constant number of queries -----------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_checks_run_the_same_number_of_queries_for_2_and_20_options():
    small, large = make_plan(), make_plan()
    state = Agency.objects.get(code="state")
    for p in (small, large):
        Plan.objects.filter(pk=p.pk).update(messaging_lead=state)
        add_partner(p, "Patron", influence="patron", engaged=True)
    add_option(small, tool_name="Debt relief")
    add_option(small, tool_name="Trade sanctions", enforcer="Treasury")
    for i in range(10):
        add_option(large, tool_name="Debt relief", target="victims", measure=str(i))
        add_option(large, tool_name="Trade sanctions", at="acute", enforcer="Treasury")
    small = Plan.objects.get(pk=small.pk)
    large = Plan.objects.get(pk=large.pk)
    assert large.options.count() == 20
    n_small = _queries(lambda: guidelines.checks(small))
    n_large = _queries(lambda: guidelines.checks(large))
    # six for the plan's checks, up to four for the lessons bearing on it (the tools'
    # strategies, the candidate lessons, the considered ones and their later copies)
    assert n_small == n_large <= 10

    reader = UserFactory(role="co_chair", clearance="S")
    small = Plan.objects.get(pk=small.pk)
    large = Plan.objects.get(pk=large.pk)
    assert _queries(lambda: guidelines.checks_for(reader, small)) == _queries(
        lambda: guidelines.checks_for(reader, large)
    )
