"""Demo content of the watchlist for the embedded default (seed_demo; DEBUG only).

A plausible, invented picture: countries across the three tiers with a history, statistical risk
scores of two vintages (labelled as demo values, not any model's output), indicators and
observations. Sudan, Burma and the DRC follow the cases the student commentary discusses
(seeds/002_da26653d370e6e3b.txt). Idempotent: does nothing once tier history exists.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apc.core.markings import Marking
from apc.models import User
from watchlist import services
from watchlist.models import Country, Indicator, RiskScore, RiskVintage, Tier, TierChange

# (iso3, [(months ago, tier, rationale)], instability watchlist, U.S. influence, other interests)
HISTORY = [
    (
        "SDN",
        [
            (20, "monitored", "Renewed fighting in Darfur and attacks on displaced persons."),
            (
                11,
                "moderate",
                "Militia mobilisation along ethnic lines; hate speech on local radio.",
            ),
            (3, "high_rising", "Sieges of towns and targeted killings of civilians by identity."),
        ],
        True,
        3,
        4,
    ),
    (
        "MMR",
        [
            (22, "moderate", "Campaign against the Rohingya; restrictions on movement."),
            (6, "high_rising", "Air strikes on villages and mass displacement across the border."),
        ],
        True,
        2,
        3,
    ),
    (
        "COD",
        [
            (18, "monitored", "Armed groups in the east; weak state presence."),
            (8, "moderate", "Ethnic killings in Ituri; militia recruitment."),
        ],
        True,
        3,
        3,
    ),
    ("SSD", [(16, "moderate", "Election tensions and ethnic militias.")], True, 3, 2),
    ("CAF", [(14, "moderate", "Sectarian militias and attacks on civilians.")], True, 2, 2),
    (
        "ETH",
        [
            (12, "monitored", "Conflict in several regions; ethnic profiling."),
            (4, "moderate", "Reports of mass killings in contested areas."),
        ],
        True,
        4,
        4,
    ),
    ("NGA", [(10, "monitored", "Intercommunal violence in the Middle Belt.")], False, 4, 5),
    ("AFG", [(9, "monitored", "Persecution of minorities.")], True, 2, 3),
    ("SYR", [(15, "monitored", "Reprisals after the change of government.")], True, 2, 4),
    (
        "HTI",
        [(7, "monitored", "Gangs control territory; massacres in neighbourhoods.")],
        True,
        4,
        3,
    ),
]
INDICATORS = [
    (
        "Dehumanising rhetoric by officials",
        "rhetoric",
        "Public speech by officials or state media calling a group vermin, traitors or a threat.",
    ),
    (
        "Formation of identity-based militias",
        "security",
        "Armed groups recruited and armed along ethnic, religious or political lines.",
    ),
    (
        "Restrictions on movement of a group",
        "social",
        "Checkpoints, curfews or camps applied to one community.",
    ),
    (
        "Expulsion of humanitarian agencies",
        "humanitarian",
        "Denial of access or expulsion of aid organisations from affected areas.",
    ),
    (
        "Contested elections or succession crisis",
        "political",
        "A disputed transfer of power that raises the stakes of political violence.",
    ),
]
SCORED = [
    "SDN",
    "MMR",
    "COD",
    "SSD",
    "CAF",
    "ETH",
    "NGA",
    "AFG",
    "SYR",
    "HTI",
    "SOM",
    "MLI",
    "BFA",
    "NER",
    "PAK",
    "IRQ",
    "YEM",
    "LBY",
    "CMR",
    "MOZ",
    "IND",
    "VEN",
    "TCD",
    "BDI",
    "UKR",
    "RUS",
    "CHN",
    "EGY",
    "IRN",
    "PHL",
]


def _demo_value(iso3: str, year: int) -> Decimal:
    """A stable invented probability per country and vintage (never a real model's output)."""
    digest = int(hashlib.sha256(f"{iso3}{year}".encode()).hexdigest()[:8], 16)
    base = 0.30 - 0.009 * SCORED.index(iso3)
    return Decimal(f"{max(0.005, base + (digest % 100) / 2000):.6f}")


def _months_ago(months: int) -> date:
    return timezone.localdate() - timedelta(days=30 * months)


WARNINGS = [
    # (filer, iso3, severity, title, narrative, protected, state)
    (
        "analyst.ic",
        "SDN",
        "acute",
        "Militia massing outside El Fasher",
        "Several thousand fighters and technicals reported around the town; communications cut; "
        "residents of one community told to leave within 48 hours.",
        True,
        "received",
    ),
    (
        "analyst.state",
        "MMR",
        "elevated",
        "Hate speech campaign ahead of clearance operations",
        "State-aligned channels describe a minority as 'invaders'; checkpoints multiply.",
        False,
        "acknowledged",
    ),
    (
        "analyst.ic",
        "COD",
        "elevated",
        "Reprisal killings in Ituri",
        "Two villages attacked in reprisal for an ambush; displaced persons report executions.",
        False,
        "under_review",
    ),
    (
        "analyst.state",
        "ETH",
        "routine",
        "Detentions of journalists",
        "A wave of detentions of local journalists covering the conflict regions.",
        False,
        "closed",
    ),
    (
        "analyst.ic",
        "NGA",
        "routine",
        "Intercommunal clashes after cattle raids",
        "Raids and counter-raids in two states; local militias recruiting.",
        False,
        "overdue",
    ),
]


def seed_alerts(stdout) -> None:
    """Warnings of each severity in different states, one overdue (issue 4, demo data)."""
    from watchlist import alerts
    from watchlist.models import Warning

    if Warning.objects.exists():
        return
    staff = User.objects.get(username="directorate")
    for username, iso3, severity, title, narrative, protected, state in WARNINGS:
        warning = alerts.warning_file(
            actor=User.objects.get(username=username),
            country=Country.objects.get(iso3=iso3),
            severity=severity,
            title=title,
            narrative=narrative,
            identity_protected=protected,
            sources="Demo reporting",
            marking=Marking.U,
        )
        if state in ("acknowledged", "under_review", "closed"):
            alerts.warning_acknowledge(actor=staff, warning=warning)
        if state in ("under_review", "closed"):
            alerts.review_start(actor=staff, review=warning.review)
        if state == "closed":
            alerts.review_close(
                actor=staff,
                review=warning.review,
                outcome="no_change",
                rationale="Covered by the existing prevention plan.",
            )
        if state == "overdue":
            # demo only: as if it had been filed days ago and nobody acknowledged it
            Warning.objects.filter(pk=warning.pk).update(
                filed_at=timezone.now() - timedelta(days=4),
                acknowledge_due=timezone.now() - timedelta(days=1),
            )
    stdout.write(f"Alert channel demo data: {len(WARNINGS)} warnings.")


def seed(stdout) -> None:
    if TierChange.objects.exists():
        stdout.write("Watchlist demo data already present.")
        seed_alerts(stdout)
        return
    chair = User.objects.get(username="cochair.nsc")
    staff = User.objects.get(username="directorate")
    analyst = User.objects.get(username="analyst.ic")
    events = sorted(
        ((months, iso3, tier, why) for iso3, steps, *_ in HISTORY for months, tier, why in steps),
        key=lambda e: -e[0],
    )
    for months, iso3, tier, why in events:
        services.tier_change(
            country=Country.objects.get(iso3=iso3),
            to_tier=tier,
            rationale=why,
            actor=chair,
            effective=_months_ago(months),
        )
    for iso3, _steps, instability, influence, interests in HISTORY:
        services.country_update_profile(
            country=Country.objects.get(iso3=iso3),
            actor=staff,
            instability_watchlist=instability,
            us_influence=influence,
            us_interests_impact=interests,
            owner=staff,
        )
        services.country_mark_reviewed(
            country=Country.objects.get(iso3=iso3), actor=staff, on=_months_ago(1)
        )
    services.tier_propose(
        country=Country.objects.get(iso3="MLI"),
        to_tier=Tier.MONITORED,
        rationale="Massacres of civilians by armed groups and security forces.",
        actor=staff,
    )
    with transaction.atomic():
        for year in (2024, 2025):
            vintage = RiskVintage.objects.create(
                source="Demo statistical model (invented values)",
                vintage=date(year, 12, 1),
                forecast_window=f"{year + 1}-{year + 2}",
                risk_column=f"risk_1or2.from{year}",
                rank_column=f"risk_rank.from{year}",
                imported_by=staff,
            )
            values = sorted(((_demo_value(i, year), i) for i in SCORED), reverse=True)
            RiskScore.objects.bulk_create(
                RiskScore(vintage=vintage, country_id=iso3, value=value, rank=rank)
                for rank, (value, iso3) in enumerate(values, start=1)
            )
    indicators = [
        services.indicator_save(actor=staff, name=n, category=c, description=d)
        for n, c, d in INDICATORS
    ]
    for iso3 in ("SDN", "MMR", "COD"):
        country = Country.objects.get(iso3=iso3)
        for i, indicator in enumerate(indicators[:3]):
            monitored = services.indicator_monitor(
                actor=staff, country=country, indicator=indicator
            )
            for months, level in ((4, 2), (1, 3)):
                services.observation_record(
                    actor=analyst,
                    monitored=monitored,
                    observed_on=_months_ago(months) + timedelta(days=i),
                    level=level,
                    note=f"Demo observation of {indicator.name.lower()}.",
                    source="Demo field reporting",
                    marking=Marking.C if months == 1 else Marking.U,
                )
    seed_alerts(stdout)
    stdout.write(
        f"Watchlist demo data: {len(events)} tier changes, 2 risk vintages, "
        f"{Indicator.objects.count()} indicators."
    )
