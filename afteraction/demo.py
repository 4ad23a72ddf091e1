"""Demo content of the after-action repository for the embedded default (seed_demo; DEBUG only;
runs after the plans demo, so the demo accounts, countries and plans exist, and before the
meetings).

The four case illustrations of the USHMM report "A Strategic Framework for Helping Prevent Mass
Atrocities" (2023), Annex A, "Case illustrations of the four general strategies to help prevent
mass atrocities" (seeds/003_f6ce1c28a03a1958.txt): "1. Dissuading potential perpetrators from
committing atrocities: Kenya (2007–2008)", "2. Degrading the capacity of potential perpetrators:
Syria (2011–pres.)", "3. Protecting civilian populations: Central African Republic (2013–14)"
and "4. Facilitating political or leadership transition: Democratic Republic of the Congo
(2014–18)". Each is a published after-action report, commissioned by the directorate and
written by demo authors, whose summary, narrative, findings and lessons we wrote from the
facts the annex gives (quotations are the annex's); the lessons are tagged with the catalogue's
tools (plans.Tool, found by name), the report's strategies (Table 1), target groups, stages
and agencies. The Syria report is corrected by a published revision 2 that adds the April 2012
sanctions (both revisions stay readable).

Besides: an exercise of the crisis-management procedures with its report being drafted by a
member, and a commission that is overdue. The Kenya lessons (dissuasion, mediation, conditional
inducements) bear on the Burma draft plan, whose playbook dissuades; the DRC lessons bear on
the DRC prevention plan. Nothing is marked considered, so the Burma draft's guideline check
"relevant lessons considered" reads False until its drafting team considers them.

Everything goes through afteraction/services.py, so it is audited like real work. Idempotent:
each part is skipped once it exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from afteraction import services
from afteraction.models import Exercise, Lesson, Report
from afteraction.workflow import EDITABLE, OWED, REPORT
from apc.meetings.dates import committee_today
from apc.models import Agency, User
from plans.models import EscalationStage, Strategy, TargetGroup, Tool
from watchlist.models import Country

W, NW, MIX = Lesson.Outcome.WORKED, Lesson.Outcome.DID_NOT_WORK, Lesson.Outcome.MIXED
ANNEX = "USHMM 2023, Annex A"
KENYA = f"{ANNEX}, case 1, Kenya (2007–2008)"
SYRIA = f"{ANNEX}, case 2, Syria (2011–pres.)"
CAR = f"{ANNEX}, case 3, Central African Republic (2013–14)"
DRC = f"{ANNEX}, case 4, Democratic Republic of the Congo (2014–18)"
DONE = frozenset({Report.Status.PUBLISHED, Report.Status.WITHDRAWN})

# Each case: the commission, the report's text, and its lessons (statement, recommendation,
# evidence, outcome, tags). Tags: countries (ISO3), tools (catalogue names), strategies,
# target groups and stages (keys), agencies (codes).
CASES: list[dict[str, Any]] = [
    {
        "title": "Kenya 2007–08: dissuading leaders after the disputed election",
        "iso3": "KEN",
        "period": (date(2007, 12, 27), date(2008, 2, 29)),
        "authors": ("member.state", "analyst.state"),
        "scope": "How did the United States help dissuade Kenya's political leaders from "
        "fomenting further violence against civilians?\nWhich tools were combined, and with "
        "whom?",
        "summary": "During the post-electoral crisis in Kenya in 2007–2008 the U.S. government, "
        "in coordination with other international actors, combined diplomacy, conditional "
        "offers of assistance, coercive threats and support for the official mediation to "
        "dissuade political leaders from fomenting further violence against civilians. "
        f"Source: {KENYA}.",
        "narrative": "The official mediation was the UN–African Union effort led by former UN "
        "Secretary-General Kofi Annan, which sought a power-sharing deal. President George W. "
        "Bush expressed public support for such a deal; privately, U.S. officials coordinated "
        "closely with Annan and his team.\n\nSecretary of State Condoleezza Rice traveled to "
        "Nairobi in February 2008 to meet Kenyan political leaders and support the mediation. "
        "She reportedly “dangle[d] the prospect of additional economic help for Kenya if the "
        "rival factions could reach a compromise.” A week later, with the talks stalled, she "
        "warned that “the future of our relationship with both sides and their legitimacy "
        "hinges on their cooperation to achieve this political solution. In that regard, we "
        "are exploring a wide range of possible actions.”",
        "findings": "The United States supported the mediation rather than competing with it. "
        "Inducements and threats were used together, as the strategy of dissuasion "
        "recommends: strategies that mix coercive threats and conditional inducements tend to "
        "be more effective than those that use only one. Senior officials carried the "
        "messages themselves, to both sides.",
        "lessons": [
            {
                "statement": "Backing the official mediation, publicly and privately, "
                "strengthened it: the President supported the power-sharing deal in public "
                "while officials coordinated closely with the mediator's team.",
                "recommendation": "Support the mediation the parties already accept; align "
                "public statements with the mediator's aims and coordinate in private rather "
                "than opening a parallel channel.",
                "evidence": f"{KENYA}: public support for the power-sharing deal "
                "sought by the UN–African Union mediation led by Kofi Annan; close private "
                "coordination with Annan and his team.",
                "outcome": W,
                "countries": ["KEN"],
                "tools": ["Mediation", "Dialogue facilitation/mediation"],
                "strategies": ["dissuade"],
                "target_groups": ["decision_makers", "third_parties"],
                "stages": ["escalating"],
                "agencies": ["state", "nsc"],
            },
            {
                "statement": "Conditional inducements and coercive threats worked together: "
                "economic help was offered if the rival factions compromised, and when talks "
                "stalled a week later the threat followed.",
                "recommendation": "Pair a conditional offer of assistance with a credible, "
                "stated consequence, and sequence them to the state of the talks.",
                "evidence": f"{KENYA}: Rice “dangle[d] the prospect of additional "
                "economic help for Kenya if the rival factions could reach a compromise”; a "
                "week later: “we are exploring a wide range of possible actions.”",
                "outcome": W,
                "countries": ["KEN"],
                "tools": [
                    "Development Assistance",
                    "Trade or Investment Incentives",
                    "Bilateral Diplomacy",
                ],  # fmt: skip
                "strategies": ["dissuade"],
                "target_groups": ["decision_makers"],
                "stages": ["escalating"],
                "agencies": ["state"],
            },
            {
                "statement": "A visit at the decisive moment by the Secretary of State gave the "
                "messages weight with both sides.",
                "recommendation": "Send a senior official to meet the leaders of every side "
                "while the mediation is under way, carrying both the offer and the warning.",
                "evidence": f"{KENYA}: the Secretary of State traveled to Nairobi in "
                "February 2008 to meet Kenyan political leaders and support the mediation.",
                "outcome": MIX,
                "countries": ["KEN"],
                "tools": ["Bilateral Diplomacy"],
                "strategies": ["dissuade"],
                "target_groups": ["decision_makers"],
                "stages": ["escalating"],
                "agencies": ["state"],
            },
            {
                "statement": "Acting in coordination with other international actors made the "
                "pressure on the leaders collective rather than American.",
                "recommendation": "Agree the incentives and threats with the mediator and the "
                "other governments that have influence before delivering them.",
                "evidence": f"{KENYA}: “In coordination with other international "
                "actors, the US government used a combination of diplomacy, conditional offers "
                "of assistance, coercive threats, and support for official mediation.”",
                "outcome": W,
                "countries": ["KEN"],
                "tools": ["Multilateral Diplomacy"],
                "strategies": ["dissuade"],
                "target_groups": ["third_parties"],
                "stages": ["escalating"],
                "agencies": ["state"],
            },
        ],
    },
    {
        "title": "Syria 2011–: degrading the regime's resources by sanctions",
        "iso3": "SYR",
        "period": (date(2011, 3, 15), None),
        "authors": ("member.treasury", "analyst.ic"),
        "scope": "Which sanctions did the United States use to degrade the Syrian regime's "
        "capacity to continue violence against civilians?\nWhat did they aim at?",
        "summary": "Since the uprisings began in March 2011 the U.S. government “intensely "
        "pursued calibrated sanctions to deprive the [Syrian] regime of the resources it "
        "needs to continue violence against civilians.” The violence continued. "
        f"Source: {SYRIA}.",
        "narrative": "Executive Order 13582, signed in August 2011, prohibited the importation "
        "of petroleum or petroleum products of Syrian origin and U.S. persons' involvement in "
        "transactions involving them. The petroleum industry accounted for roughly a quarter "
        "of Syria's pre-civil war revenue.",
        "findings": "The sanctions aimed at the regime's largest source of revenue. They did "
        "not stop the violence against civilians, which continued beyond the period of the "
        "illustration; their effect on the regime's capacity cannot be read from the record "
        "alone.",
        "lessons": [
            {
                "statement": "Sanctions calibrated to a revenue source that pays for the "
                "violence reduce the resources available to the perpetrators.",
                "recommendation": "Identify the revenues that finance the perpetrators (here "
                "petroleum, roughly a quarter of pre-war revenue) and aim the sanctions there.",
                "evidence": f"{SYRIA}: Executive Order 13582 (August 2011) prohibited "
                "importing Syrian petroleum and U.S. persons' transactions in it.",
                "outcome": MIX,
                "countries": ["SYR"],
                "tools": ["Comprehensive Economic Sanctions", "Trade sanctions"],
                "strategies": ["degrade"],
                "target_groups": ["perpetrators"],
                "stages": ["escalating"],
                "agencies": ["treasury", "state"],
            },
            {
                "statement": "Sanctions alone did not end the violence against civilians: "
                "degrading capacity did not, by itself, change the regime's course.",
                "recommendation": "Combine a strategy of degrading capacity with others "
                "(dissuasion, protection of civilians) and plan for a long crisis.",
                "evidence": f"{SYRIA}: the violence continued while the sanctions were in force.",
                "outcome": NW,
                "countries": ["SYR"],
                "tools": ["Targeted Sanctions", "Comprehensive Economic Sanctions"],
                "strategies": ["degrade"],
                "target_groups": ["decision_makers", "perpetrators"],
                "stages": ["acute"],
                "agencies": ["treasury", "state"],
            },
            {
                "statement": "Sanctions were pursued continuously from the start of the "
                "uprisings, not as a single measure.",
                "recommendation": "Prepare a sequence of sanctions that can be extended as "
                "the crisis develops, and review it at each APC meeting.",
                "evidence": f"{SYRIA}: the State Department “intensely pursued "
                "calibrated sanctions” since March 2011.",
                "outcome": MIX,
                "countries": ["SYR"],
                "tools": ["Targeted Sanctions"],
                "strategies": ["degrade"],
                "target_groups": ["perpetrators"],
                "stages": ["emerging", "escalating"],
                "agencies": ["treasury"],
            },
        ],
        # revision 2 corrects the report: the April 2012 sanctions were left out
        "revision": {
            "reason": "Revision 1 left out Executive Order 13606 (April 2012); add it and the "
            "lesson on sanctions against the technology used to monitor and track.",
            "narrative_add": "\n\nExecutive Order 13606, signed in April 2012, addressed human "
            "rights abuses in Syria (and Iran) “facilitated by computer and network "
            "disruption, monitoring, and tracking by those governments,” with sanctions "
            "“designed primarily to address the need to prevent entities located in whole or "
            "in part in Iran and Syria from facilitating or committing serious human rights "
            "abuses.”",
            "findings_add": " The sanctions also reached the communications capacity of the "
            "regime: the entities that supplied the means to monitor and track.",
            "lesson": {
                "statement": "Sanctions can reach the means of repression as well as its "
                "funding: the technology used to monitor, track and disrupt communications.",
                "recommendation": "Include the suppliers of surveillance and network-disruption "
                "technology in the sanctions aimed at degrading capacity.",
                "evidence": f"{SYRIA}: Executive Order 13606 (April 2012) on abuses "
                "“facilitated by computer and network disruption, monitoring, and tracking.”",
                "outcome": MIX,
                "countries": ["SYR"],
                "tools": ["Targeted Sanctions"],
                "strategies": ["degrade"],
                "target_groups": ["perpetrators", "third_parties"],
                "stages": ["escalating"],
                "agencies": ["treasury", "state"],
            },
        },
    },
    {
        "title": "Central African Republic 2013–14: protecting civilians",
        "iso3": "CAF",
        "period": (date(2013, 1, 1), date(2014, 12, 31)),
        "authors": ("member.usaid", "member.defense"),
        "scope": "How did the United States help protect vulnerable civilians in the Central "
        "African Republic as the crisis escalated?\nWhat did each agency contribute?",
        "summary": "The U.S. government combined humanitarian assistance and support to "
        "multilateral peacekeeping to help protect vulnerable civilian populations in the "
        f"Central African Republic in 2013–14. Source: {CAR}.",
        "narrative": "As the crisis escalated in late 2013, the United States mobilized $15 "
        "million in new humanitarian assistance, focused on refugees, internally displaced "
        "persons and conflict-affected populations.\n\nIn December 2013 the Department of "
        "Defense airlifted a battalion of troops from Burundi to the Central African Republic, "
        "where they joined the African Union peacekeeping operation. The United States also "
        "provided defense articles to the AU-led operation: armored personnel carriers, 4x4s, "
        "troop carriers, logistics trucks and communications.",
        "findings": "Protection had two parts, delivered by different agencies: relief that "
        "mitigates harm (USAID, State) and support that lets others provide direct physical "
        "protection (Defense). Neither needed U.S. troops on the ground.",
        "lessons": [
            {
                "statement": "New humanitarian assistance mobilized quickly as the crisis "
                "escalated mitigated harm to the people most exposed.",
                "recommendation": "Keep funds that can be reprogrammed at short notice, and "
                "aim them at refugees, internally displaced and conflict-affected people.",
                "evidence": f"{CAR}: $15 million in new humanitarian assistance in late 2013.",
                "outcome": W,
                "countries": ["CAF"],
                "tools": ["Increased aid", "Refugee Protection"],
                "strategies": ["protect"],
                "target_groups": ["victims"],
                "stages": ["escalating"],
                "agencies": ["usaid", "state"],
            },
            {
                "statement": "Airlifting African troops to the African Union operation put "
                "protection forces in place without U.S. troops on the ground.",
                "recommendation": "Offer strategic airlift and logistics to regional "
                "peacekeeping operations early, when contributing countries have troops ready "
                "but cannot move them.",
                "evidence": f"{CAR}: in December 2013 the Department of Defense "
                "airlifted a battalion from Burundi to join the AU peacekeeping operation.",
                "outcome": W,
                "countries": ["CAF"],
                "tools": ["Peace Operations", "Security Assistance"],
                "strategies": ["protect"],
                "target_groups": ["third_parties", "victims"],
                "stages": ["escalating", "acute"],
                "agencies": ["defense"],
            },
            {
                "statement": "Equipment for the AU-led operation (armored personnel carriers, "
                "vehicles, trucks, communications) made the peacekeepers able to move and "
                "protect.",
                "recommendation": "Pair support for a peace operation with the equipment it "
                "lacks, in particular mobility and communications.",
                "evidence": f"{CAR}: defense articles provided to the AU-led operation.",
                "outcome": W,
                "countries": ["CAF"],
                "tools": ["Security Assistance", "Military assistance/intelligence"],
                "strategies": ["protect"],
                "target_groups": ["third_parties"],
                "stages": ["acute"],
                "agencies": ["defense", "state"],
            },
            {
                "statement": "Relief and peacekeeping support were used in combination: "
                "mitigating harm and direct physical protection reinforce each other.",
                "recommendation": "Plan protection as one package across USAID, State and "
                "Defense, with one lead, rather than as separate agency programmes.",
                "evidence": f"{CAR}: “a combination of humanitarian assistance and "
                "support to multilateral peacekeeping operations.”",
                "outcome": MIX,
                "countries": ["CAF"],
                "tools": ["Peace Operations", "Increased aid"],
                "strategies": ["protect"],
                "target_groups": ["victims"],
                "stages": ["escalating"],
                "agencies": ["usaid", "defense", "state"],
            },
        ],
    },
    {
        "title": "DRC 2014–18: encouraging a transition at the end of the term",
        "iso3": "COD",
        "period": (date(2014, 1, 1), date(2018, 12, 31)),
        "authors": ("member.state", "member.treasury"),
        "scope": "How did the United States encourage President Kabila to step down at the "
        "end of his term?\nHow were diplomacy and sanctions sequenced?",
        "summary": "Between 2014 and 2018 the U.S. government combined diplomacy and targeted "
        "sanctions to encourage President Joseph Kabila to step down, in part because of "
        "worries that his remaining in power beyond his term could lead to an escalation of "
        f"attacks on civilians. Source: {DRC}.",
        "narrative": "Secretary Kerry visited Kinshasa in 2014 to try to persuade Kabila not "
        "to run for a third term. In 2015 Under Secretary Sarah Sewall carried a letter from "
        "him, delivered a senior-level message of concern and opened a direct channel to "
        "Kabila, used when tensions flared. In March 2015 President Obama called Kabila to "
        "emphasize peaceful and credible elections and the rights of all DRC citizens.\n\n"
        "The State and Treasury Departments prepared “sequenced tiers of increasingly senior "
        "designations,” rolled out after trigger events, primarily violence against "
        "civilians; each tier moved closer to Kabila and his family, who had substantial "
        "overseas assets.",
        "findings": "Diplomacy at every level and sanctions prepared in advance were used "
        "together. The sequencing made the threat credible to the people it would reach next. "
        "A leadership transition is hard and contested: the messages spoke of elections and "
        "citizens' rights, not of regime change.",
        "lessons": [
            {
                "statement": "A direct channel to the leader, opened by a senior envoy, was "
                "there to use when tensions flared.",
                "recommendation": "Open a senior-level channel to the leader early, before "
                "the crisis, and keep it for the moments of tension.",
                "evidence": f"{DRC}: Sewall “opened a direct channel to Kabila that "
                "was used when tensions flared.”",
                "outcome": W,
                "countries": ["COD"],
                "tools": ["Bilateral Diplomacy"],
                "strategies": ["facilitate_transition"],
                "target_groups": ["decision_makers"],
                "stages": ["latent", "emerging"],
                "agencies": ["state", "nsc"],
            },
            {
                "statement": "Sanctions prepared in sequenced tiers, each closer to the leader "
                "and his family, and triggered by violence against civilians, made the threat "
                "credible to those it would reach next.",
                "recommendation": "Prepare the designations in advance, tie each tier to a "
                "stated trigger, and make clear who the next tier reaches.",
                "evidence": f"{DRC}: “sequenced tiers of increasingly senior "
                "designations … Each tier moved up a rung in terms of proximity to Kabila and "
                "his family.”",
                "outcome": W,
                "countries": ["COD"],
                "tools": [
                    "Targeted Sanctions",
                    "Seizure of assets of elites responsible for the killing",
                ],  # fmt: skip
                "strategies": ["facilitate_transition", "dissuade"],
                "target_groups": ["decision_makers"],
                "stages": ["emerging", "escalating"],
                "agencies": ["treasury", "state"],
            },
            {
                "statement": "Messages from the President framed the transition as peaceful, "
                "credible elections and the rights of all citizens, not as regime change.",
                "recommendation": "Speak of the constitution, elections and citizens' rights; "
                "a transition sought from outside is easily cast as interference.",
                "evidence": f"{DRC}: President Obama's call of March 2015.",
                "outcome": MIX,
                "countries": ["COD"],
                "tools": ["Bilateral Diplomacy", "Public Diplomacy"],
                "strategies": ["facilitate_transition"],
                "target_groups": ["decision_makers"],
                "stages": ["latent"],
                "agencies": ["nsc", "state"],
            },
        ],
    },
]

EXERCISE = {
    "title": "Tabletop: an acute warning between meetings",
    "scenario": "An analyst files an acute warning on a country of moderate concern two weeks "
    "after a regular APC meeting; the directorate must convene an emergency meeting, task a "
    "crisis response plan and alert the co-chairs (demo scenario).",
    "participants": "NSC directorate; State, Defense, Treasury, USAID and ODNI representatives "
    "(demo)",
    "results": "The emergency meeting was requested within the hour; the policy review "
    "deadline was met; the lead for humanitarian logistics was not clear (demo).",
}
EXERCISE_REPORT = "After-action: tabletop of an acute warning between meetings"
EXERCISE_LESSON = {
    "statement": "Draft (demo): nobody was named to lead humanitarian logistics.",
    "recommendation": "Name the lead agency for logistics in every response plan.",
    "outcome": Lesson.Outcome.UNKNOWN,
    "agencies": ["usaid", "defense"],
}
OVERDUE = "Côte d'Ivoire 2010–11: the transition after the election"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _tool(name: str) -> Tool:
    tool = Tool.objects.filter(name=name).order_by("source", "position").first()
    if tool is None:
        raise LookupError(f"No catalogue tool named {name!r}.")
    return tool


def _lesson_data(spec: dict[str, Any]) -> dict[str, Any]:
    """A lesson of CASES as lesson_add takes it (tags as catalogue rows)."""
    data = {k: spec.get(k, "") for k in ("statement", "recommendation", "evidence", "outcome")}
    data["tools"] = [_tool(n) for n in spec.get("tools", ())]
    data["countries"] = list(Country.objects.filter(iso3__in=spec.get("countries", ())))
    data["strategies"] = list(Strategy.objects.filter(key__in=spec.get("strategies", ())))
    data["target_groups"] = list(TargetGroup.objects.filter(key__in=spec.get("target_groups", ())))
    data["stages"] = list(EscalationStage.objects.filter(key__in=spec.get("stages", ())))
    data["agencies"] = list(Agency.objects.filter(code__in=spec.get("agencies", ())))
    return data


def _advance(report: Report, author: User, publisher: User) -> Report:
    """Take a written report through review to publication (from wherever it stands)."""
    for actor, action in ((author, "start"), (author, "submit"), (publisher, "publish")):
        report.refresh_from_db()
        if action in {t.action for t in REPORT.actions_from(report.status)}:
            report = services.report_transition(actor=actor, report=report, action=action)
    return report


def _write(report: Report, writer: User, spec: dict[str, Any], authors: list[User]) -> Report:
    """The report's text and its lessons, for whatever is not written yet."""
    report.refresh_from_db()
    if report.status == Report.Status.COMMISSIONED:
        report = services.report_transition(actor=writer, report=report, action="start")
    if not report.summary:
        report = services.report_save(
            actor=writer,
            report=report,
            summary=spec["summary"],
            narrative=spec["narrative"],
            findings=spec["findings"],
            marking=report.marking,
            version=report.version,
        )
    written = set(report.lessons.values_list("statement", flat=True))
    for i, lesson in enumerate(spec["lessons"]):
        if lesson["statement"] not in written:
            services.lesson_add(
                actor=authors[i % len(authors)], report=report, data=_lesson_data(lesson)
            )
    return report


def seed_case(staff: User, case: dict[str, Any]) -> str:
    """One Annex A case, commissioned, written and published (resumed where an interrupted run
    stopped; nothing once published)."""
    report = Report.objects.filter(title=case["title"], revision=1).first()
    if report is not None and report.status in DONE:
        return ""
    start, end = case["period"]
    authors = [_user(u) for u in case["authors"]]
    if report is None:
        report = services.report_commission(
            actor=staff,
            title=case["title"],
            subject=Report.Subject.CRISIS,
            scope_questions=case["scope"],
            due_on=committee_today() + timedelta(days=30),
            authors=authors,
            country=Country.objects.get(iso3=case["iso3"]),
            period_start=start,
            period_end=end,
        )
    if report.status in EDITABLE:
        report = _write(report, authors[0], case, authors)
    _advance(report, authors[0], staff)
    return case["iso3"]


def seed_revision(staff: User, case: dict[str, Any]) -> str:
    """The case's published report corrected by a published revision 2 (both readable)."""
    spec = case.get("revision")
    original = Report.objects.filter(title=case["title"], revision=1).first()
    if not spec or original is None or original.status != Report.Status.PUBLISHED:
        return ""
    revision = original.revisions.exclude(status=Report.Status.WITHDRAWN).first()
    if revision is not None and revision.status in DONE:
        return ""
    if revision is None:
        revision = services.report_revise(actor=staff, report=original, reason=spec["reason"])
    writer = _user(case["authors"][0])
    if revision.status in EDITABLE:
        if spec["narrative_add"] not in revision.narrative:
            revision = services.report_save(
                actor=writer,
                report=revision,
                summary=revision.summary,
                narrative=revision.narrative + spec["narrative_add"],
                findings=revision.findings + spec["findings_add"],
                marking=revision.marking,
                version=revision.version,
            )
        if not revision.lessons.filter(statement=spec["lesson"]["statement"]).exists():
            services.lesson_add(actor=writer, report=revision, data=_lesson_data(spec["lesson"]))
    _advance(revision, writer, staff)
    return f"{case['iso3']} corrected by revision 2"


def seed_exercise(staff: User) -> str:
    """An exercise of the procedures, and its report being drafted by a member."""
    exercise = Exercise.objects.filter(title=EXERCISE["title"]).first()
    if exercise is None:
        exercise = services.exercise_record(
            actor=staff,
            kind=Exercise.Kind.PROCEDURES,
            held_on=committee_today() - timedelta(days=21),
            **EXERCISE,
        )
    report = Report.objects.filter(title=EXERCISE_REPORT).first()
    if report is not None and report.status != Report.Status.COMMISSIONED and report.summary:
        return ""
    writer = _user("member.defense")
    if report is None:
        report = services.report_commission(
            actor=staff,
            title=EXERCISE_REPORT,
            subject=Report.Subject.EXERCISE,
            exercise=exercise,
            scope_questions="Did the procedures meet their deadlines?\nWho leads humanitarian "
            "logistics in an emergency?",
            due_on=committee_today() + timedelta(days=14),
            authors=[writer],
        )
    if report.status == Report.Status.COMMISSIONED:
        report = services.report_transition(actor=writer, report=report, action="start")
    if not report.lessons.exists():
        services.lesson_add(actor=writer, report=report, data=_lesson_data(EXERCISE_LESSON))
    report.refresh_from_db()
    services.report_save(
        actor=writer,
        report=report,
        summary="Draft (demo): the procedures held; one gap in leadership.",
        narrative="Draft (demo): the warning was filed at 09:10; the emergency meeting was "
        "requested at 09:55.",
        findings="",
        marking=report.marking,
        version=report.version,
    )
    return "an exercise, its report in drafting"


def seed_overdue(staff: User) -> str:
    """A commission whose due date has passed (reminded by the commission reminders)."""
    report = Report.objects.filter(title=OVERDUE).first()
    if report is not None and (report.status not in OWED or report.due_on < committee_today()):
        return ""
    report = report or services.report_commission(
        actor=staff,
        title=OVERDUE,
        subject=Report.Subject.CRISIS,
        country=Country.objects.get(iso3="CIV"),
        period_start=date(2010, 11, 1),
        period_end=date(2011, 5, 31),
        scope_questions="How did the UN Security Council, the African Union and ECOWAS "
        "facilitate the transition after the election, and what did the United States do?",
        due_on=committee_today() + timedelta(days=1),
        authors=[_user("analyst.state")],
    )
    # the commission ran late: its due date is moved to when it fell due
    services.commission_update(
        actor=staff,
        report=report,
        title=report.title,
        scope_questions=report.scope_questions,
        due_on=committee_today() - timedelta(days=10),
    )
    return "one commission overdue"


def seed(stdout) -> None:
    staff = _user("directorate")
    done = [seed_case(staff, case) for case in CASES]
    done += [seed_revision(staff, case) for case in CASES]
    done += [seed_exercise(staff), seed_overdue(staff)]
    done = [d for d in done if d]
    published = Report.objects.filter(status=Report.Status.PUBLISHED).count()
    stdout.write(
        f"After-action demo data: {published} published reports; "
        + ("; ".join(done) if done else "already present")
        + "."
    )
