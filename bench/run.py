"""Benchmarks of the foundation, with their targets. Run with `make bench`.

Builds a dedicated PostgreSQL database (apc_bench) with a realistic volume: 200 users, 50,000
audit events, 20,000 notifications, then measures (2 cores, 24 GiB machine):

  * GET /api/v1/inbox/ for a user with 2,000 notifications   p95 < 100 ms
  * GET /audit/ filtered by action prefix                     p95 < 250 ms
  * GET /audit/export.csv of all 50,000 events                < 10 s, peak Python memory < 64 MiB
  * record_event() in a transaction                          > 1,000 per second
  * GET /api/v1/watchlist/ (token, 120 listed countries)      p95 < 150 ms
  * the same with If-None-Match (304)                        p95 < 100 ms
  * GET /api/v1/meetings/ (member, 150 meetings)              p95 < 150 ms
  * GET /api/v1/action-items/ (member, 2,000 items)           p95 < 150 ms
  * GET /api/v1/plans/ (co-chair, 150 plans; also by risk)    p95 < 150 ms
  * GET /api/v1/afteraction/reports/ (member, 200 reports)    p95 < 150 ms
  * GET /api/v1/lessons/?q=... (member, 2,000 lessons, facets) p95 < 250 ms

Prints one line per measurement and exits 1 if a target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "apc.settings.test"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/apc_bench")
os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/apc_bench"

import django  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

N_USERS, N_EVENTS, N_NOTES, N_MINE = 200, 50_000, 20_000, 2_000


def ensure_database() -> None:
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        # A fresh database each run: the schema follows the migrations of this checkout.
        cur.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier("apc_bench"))
        )
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("apc_bench")))
    conn.close()


def build_data() -> tuple:
    from django.contrib.auth.models import Group

    from apc.models import Agency, AuditEvent, Notification, User

    auditor = User.objects.filter(username="bench-auditor").first()
    if auditor and AuditEvent.objects.count() >= N_EVENTS:
        return auditor, User.objects.get(username="bench-user-0")
    agencies = list(Agency.objects.all())
    users = User.objects.bulk_create(
        User(
            username=f"bench-user-{i}",
            agency=agencies[i % len(agencies)],
            clearance="S",
            email=f"u{i}@apc.example",
        )
        for i in range(N_USERS)
    )
    auditor = User.objects.create(username="bench-auditor", agency=agencies[0], clearance="S")
    auditor.groups.add(Group.objects.get(name="auditor"))
    actions = ["auth.login", "warning.view", "plan.view", "tier.change", "audit.export"]
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                actor=users[i % N_USERS],
                actor_username=users[i % N_USERS].username,
                actor_agency=users[i % N_USERS].agency,
                action=actions[i % len(actions)],
                object_type="apc.notification",
                object_id=str(i),
                summary="bench",
            )
            for i in range(N_EVENTS)
        ),
        batch_size=5000,
    )
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=users[0] if i < N_MINE else users[i % N_USERS],
                subject=f"Notice {i}",
                body="b",
                marking="U",
                email_wanted=False,
            )
            for i in range(N_NOTES)
        ),
        batch_size=5000,
    )
    return auditor, users[0]


N_MEETINGS, N_ACTIONS = 150, 2_000


def build_meetings() -> object:
    """A committee member, 150 meetings (regular ones every other month, some emergencies at
    Deputies level) and 2,000 action items across the agencies, in every status."""
    import datetime as dt

    from django.contrib.auth.models import Group

    from apc.meetings.models import ActionItem, Meeting
    from apc.models import Agency, User

    member = User.objects.create(
        username="bench-member", agency=Agency.objects.get(code="state"), clearance="S"
    )
    member.groups.add(Group.objects.get(name="member"))
    start = dt.datetime(2010, 1, 12, 15, tzinfo=dt.UTC)
    meetings = []
    for i in range(N_MEETINGS):
        at = start + dt.timedelta(days=61 * i)
        emergency = i % 10 == 9
        meetings.append(
            Meeting(
                kind="emergency" if emergency else "regular",
                level="deputies" if emergency else "apc",
                slot=None if emergency else at.date(),
                starts_at=at,
                ends_at=at + dt.timedelta(hours=2),
                status="closed" if i < N_MEETINGS - 3 else "scheduled",
                location="EEOB",
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    agencies = list(Agency.objects.all())
    statuses = ["open", "in_progress", "done", "dropped"]
    ActionItem.objects.bulk_create(
        (
            ActionItem(
                meeting=meetings[i % len(meetings)],
                text=f"Action {i}: coordinate the interagency response.",
                owner_agency=agencies[i % len(agencies)],
                due=dt.date(2010, 3, 1) + dt.timedelta(days=i * 3),
                status=statuses[i % 4],
                implementation_notes="Under way." if i % 2 else "",
            )
            for i in range(N_ACTIONS)
        ),
        batch_size=1000,
    )
    return member


N_PLANS = 150


def build_plans() -> object:
    """A co-chair and 150 plans (one per country, response and prevention, in every status),
    each with its sections, over a scored risk vintage (the `risk` order ranks by it)."""
    import datetime as dt

    from django.contrib.auth.models import Group

    from apc.models import Agency, User
    from plans import sections
    from plans.models import Plan, PlanSection
    from watchlist.models import Country, RiskScore, RiskVintage

    state = Agency.objects.get(code="state")
    chair = User.objects.create(username="bench-chair", agency=state, clearance="S")
    chair.groups.add(Group.objects.get(name="co_chair"))
    lead = User.objects.create(username="bench-lead", agency=state, clearance="S")
    lead.groups.add(Group.objects.get(name="directorate"))
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:N_PLANS])
    vintage = RiskVintage.objects.create(
        source="Early Warning Project",
        vintage=dt.date(2030, 1, 1),
        risk_column="risk",
        rank_column="rank",
        imported_by=lead,
    )
    RiskScore.objects.bulk_create(
        RiskScore(vintage=vintage, country_id=code, value="0.01", rank=i + 1)
        for i, code in enumerate(codes)
    )
    statuses = list(Plan.Status.values)
    plans = Plan.objects.bulk_create(
        Plan(
            country_id=code,
            kind="response" if i % 2 else "prevention",
            title=f"Plan {i}",
            status=statuses[i % len(statuses)],
            owner=lead,
            lead=lead,
            marking=["U", "CUI", "C", "S"][i % 4],
        )
        for i, code in enumerate(codes)
    )
    PlanSection.objects.bulk_create(
        PlanSection(plan=p, key=spec.key, position=j, marking=p.marking)
        for p in plans
        for j, spec in enumerate(sections.BY_KIND[p.kind], start=1)
    )
    return chair


N_REPORTS, LESSONS_PER_REPORT = 200, 10
LESSON_TEXTS = (
    "Mediation by regional leaders ended the violence within weeks.",
    "Targeted sanctions came too late to change the leaders' calculations.",
    "An arms embargo without monitoring was evaded through neighbouring states.",
    "Early public naming of the perpetrators deterred further attacks.",
    "Protection of displaced civilians depended on a credible peacekeeping presence.",
)


def build_afteraction() -> object:
    """A member and 200 published after-action reports with 10 tagged lessons each, marked
    across the scale. Written straight to the tables (the PostgreSQL triggers fill the search
    vectors on insert), tags first, then published in one UPDATE (the permanence triggers refuse
    any change after it)."""
    import datetime as dt

    from django.contrib.auth.models import Group

    from afteraction.models import Lesson, Report
    from apc.models import Agency, User
    from plans.models import Strategy, TargetGroup, Tool
    from watchlist.models import Country

    member = User.objects.create(
        username="bench-aa-member", agency=Agency.objects.get(code="state"), clearance="C"
    )
    member.groups.add(Group.objects.get(name="member"))
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:40])
    tools = list(Tool.objects.values_list("pk", flat=True)[:12])
    strategies = list(Strategy.objects.values_list("pk", flat=True))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    scale = ["U", "CUI", "C", "S"]
    reports = Report.objects.bulk_create(
        Report(
            title=f"After-action report {i}: the crisis in {codes[i % len(codes)]}",
            status=Report.Status.DRAFTING,
            subject=Report.Subject.CRISIS,
            country_id=codes[i % len(codes)],
            subject_label=f"The crisis in {codes[i % len(codes)]}",
            year=1995 + i % 30,
            scope_questions="What happened?",
            due_on=dt.date(2030, 1, 1),
            summary="What the committee did, and what came of it.",
            narrative="The violence escalated after the elections; mediation followed.",
            findings="Warning came early; action came late.",
            marking=scale[i % 3],
        )
        for i in range(N_REPORTS)
    )
    lessons = Lesson.objects.bulk_create(
        (
            Lesson(
                report=r,
                position=j,
                statement=LESSON_TEXTS[(i + j) % len(LESSON_TEXTS)],
                recommendation="Act on the warning before the violence peaks.",
                evidence=f"Report {i}, finding {j}.",
                outcome=Lesson.Outcome.values[j % 4],
                marking=scale[max(i % 3, j % 4)],
            )
            for i, r in enumerate(reports)
            for j in range(LESSONS_PER_REPORT)
        ),
        batch_size=1000,
    )
    for field, column, pool in (
        ("countries", "country_id", codes),
        ("tools", "tool_id", tools),
        ("strategies", "strategy_id", strategies),
        ("target_groups", "targetgroup_id", groups),
    ):
        through = getattr(Lesson, field).through
        through.objects.bulk_create(
            (
                through(lesson_id=x.pk, **{column: pool[k % len(pool)]})
                for k, x in enumerate(lessons)
            ),
            batch_size=2000,
        )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=Report.Status.PUBLISHED, published_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    return member


def timed_get(client, url: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        assert response.status_code == 200, (url, response.status_code)
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def main() -> int:
    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from apc.core.audit import record_event
    from apc.models import User

    call_command("migrate", verbosity=0)
    auditor, user = build_data()
    results = []

    client = Client()
    client.force_login(user)
    timed_get(client, "/api/v1/inbox/", 3)
    inbox = p95(timed_get(client, "/api/v1/inbox/", 40))
    results.append(("inbox API p95", inbox * 1000, "ms", inbox < 0.100))

    client = Client()
    client.force_login(auditor)
    timed_get(client, "/audit/?action=plan", 3)
    audit = p95(timed_get(client, "/audit/?action=plan", 40))
    results.append(("audit page (filtered) p95", audit * 1000, "ms", audit < 0.250))

    tracemalloc.start()
    export = timed_get(client, "/audit/export.csv", 1)[0]
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    results.append(("audit CSV export, 50k rows", export, "s", export < 10))
    results.append(("audit CSV export peak memory", peak, "MiB", peak < 64))

    n = 2000
    start = time.perf_counter()
    with transaction.atomic():
        for i in range(n):
            record_event(actor=user, action="bench.write", summary=str(i))
        transaction.set_rollback(True)
    rate = n / (time.perf_counter() - start)
    results.append(("record_event rate", rate, "/s", rate > 1000))

    from django.db.models import F

    from apc.services import api_client_create
    from watchlist.models import Country

    Country.objects.filter(
        iso3__in=list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:120])
    ).update(tier="monitored", priority=F("priority") + 100)
    client_user = User.objects.filter(username="bench-api").first()
    if client_user is None:
        _, key = api_client_create(name="bench-api", agency_code="usaid", clearance="U")
    else:
        from rest_framework.authtoken.models import Token

        key = Token.objects.get_or_create(user=client_user)[0].key
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    timed_get(api, "/api/v1/watchlist/?page_size=500", 3)
    listing = p95(timed_get(api, "/api/v1/watchlist/", 40))
    results.append(("watchlist API p95", listing * 1000, "ms", listing < 0.150))
    etag = api.get("/api/v1/watchlist/")["ETag"]
    cached = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_IF_NONE_MATCH=etag)
    samples = []
    for _ in range(40):
        start = time.perf_counter()
        assert cached.get("/api/v1/watchlist/").status_code == 304
        samples.append(time.perf_counter() - start)
    results.append(("watchlist API 304 p95", p95(samples) * 1000, "ms", p95(samples) < 0.100))

    client = Client()
    client.force_login(build_meetings())
    for label, url in (
        ("meetings API p95", "/api/v1/meetings/"),
        ("action items API p95", "/api/v1/action-items/"),
    ):
        timed_get(client, url, 3)
        took = p95(timed_get(client, url, 40))
        results.append((label, took * 1000, "ms", took < 0.150))

    client = Client()
    client.force_login(build_plans())
    for label, url in (
        ("plans API p95", "/api/v1/plans/"),
        ("plans API by risk p95", "/api/v1/plans/?order=risk"),
    ):
        timed_get(client, url, 3)
        took = p95(timed_get(client, url, 40))
        results.append((label, took * 1000, "ms", took < 0.150))

    client = Client()
    client.force_login(build_afteraction())
    for label, url, target in (
        ("after-action reports API p95", "/api/v1/afteraction/reports/", 0.150),
        ("lessons search API p95", "/api/v1/lessons/?q=mediation+violence", 0.250),
    ):
        timed_get(client, url, 3)
        took = p95(timed_get(client, url, 40))
        results.append((label, took * 1000, "ms", took < target))

    failed = 0
    for name, value, unit, ok in results:
        failed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {name:34} {value:10.1f} {unit}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
