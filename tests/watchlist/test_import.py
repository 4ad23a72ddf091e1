"""Import of statistical risk scores: watchlist.risk_import and the import_risk_scores and
load_countries commands.

Source: issue 3, "Risk scores": the Early Warning Project's statistical risk assessment format
(`ewp_name`, optional `ccode`, `risk_1or2.from<YEAR>`, `risk_rank.from<YEAR>`); match by ccode
when present, otherwise by name, "a wrong match is worse than none"; the import is atomic and
lists every problem with its line number; a mapping file may resolve names; a successful import
reports the matched count and the top ten; "Tiers are decisions, not scores". And "Countries and
tiers": every ISO 3166-1 country plus Kosovo (XKX), loaded by an idempotent command.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Invalid, NotPermitted
from apc.models import AuditEvent, User
from tests.factories import RiskVintageFactory, UserFactory
from watchlist.models import Country, RiskScore, RiskVintage, TierChange
from watchlist.risk_import import ImportReport, TopEntry, risk_scores_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GOOD = DATA / "ewp_2024.csv"
BAD = DATA / "ewp_bad_rows.csv"
MAPPING = DATA / "names_mapping.csv"
SOURCE = "Early Warning Project"
VINTAGE = dt.date(2024, 11, 20)
HEADER = "ewp_name,ccode,risk_1or2.from2023,risk_rank.from2023\n"

# Every row of ewp_2024.csv and the country it must match (ccode where the Correlates of War
# table knows it, the name otherwise: Somalia, Nigeria and Ivory Coast have no ccode; 345 and 347
# are not in the table, so Serbia and Kosovo match by name; Vietnam's EWP name is not a name the
# reference patterns know, so it matches by its ccode 816 alone).
EXPECTED = {
    "Pakistan": "PAK",
    "Burma/Myanmar": "MMR",
    "Ethiopia": "ETH",
    "Yemen": "YEM",
    "Somalia": "SOM",
    "Chad": "TCD",
    "Sudan": "SDN",
    "Nigeria": "NGA",
    "Democratic Republic of Congo": "COD",
    "Central African Republic": "CAF",
    "South Sudan": "SSD",
    "Republic of Congo": "COG",
    "Ivory Coast": "CIV",
    "Democratic Republic of Vietnam": "VNM",
    "The Gambia": "GMB",
    "Serbia": "SRB",
    "Kosovo": "XKX",
    "Uruguay": "URY",
}


@pytest.fixture
def directorate():
    return UserFactory(role=roles.DIRECTORATE)


def run(actor, text_or_path, **options):
    """Import from a fixture path or from CSV text."""
    options.setdefault("source", SOURCE)
    options.setdefault("vintage", VINTAGE)
    if isinstance(text_or_path, Path):
        with text_or_path.open(encoding="utf-8-sig", newline="") as file:
            return risk_scores_import(actor=actor, file=file, **options)
    return risk_scores_import(actor=actor, file=io.StringIO(text_or_path), **options)


def failure(actor, text_or_path, **options) -> Invalid:
    """Run an import that must fail; check that nothing at all was stored."""
    counts = (RiskVintage.objects.count(), RiskScore.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Invalid) as caught:
        run(actor, text_or_path, **options)
    after = (RiskVintage.objects.count(), RiskScore.objects.count(), AuditEvent.objects.count())
    assert after == counts
    assert "nothing was stored" in caught.value.detail
    return caught.value


# --- a well-formed file ----------------------------------------------------------------------


def test_well_formed_file_matches_every_country_including_the_issue_names(directorate):
    report = run(directorate, GOOD, forecast_window="2024-2025", file_name="ewp_2024.csv")

    assert isinstance(report, ImportReport)
    assert report.matched == len(EXPECTED) == 18
    stored = dict(
        RiskScore.objects.filter(vintage=report.vintage).values_list("country_id", "rank")
    )
    names = GOOD.read_text().splitlines()[1:]
    expected_by_rank = {
        i: EXPECTED[line.split(",")[0].strip('"')] for i, line in enumerate(names, 1)
    }
    assert stored == {iso3: rank for rank, iso3 in expected_by_rank.items()}
    for name in (
        "Burma/Myanmar",
        "Democratic Republic of Congo",
        "Republic of Congo",
        "Ivory Coast",
        "The Gambia",
        "Kosovo",
    ):
        assert EXPECTED[name] in stored


def test_vintage_and_scores_are_stored_with_who_and_which_columns(directorate):
    report = run(directorate, GOOD, forecast_window="2024-2025", file_name="ewp_2024.csv")

    vintage = RiskVintage.objects.get()
    assert vintage == report.vintage
    assert (vintage.source, vintage.vintage, vintage.forecast_window) == (
        SOURCE,
        VINTAGE,
        "2024-2025",
    )
    assert (vintage.risk_column, vintage.rank_column) == (
        "risk_1or2.from2023",
        "risk_rank.from2023",
    )
    assert vintage.imported_by == directorate and vintage.file_name == "ewp_2024.csv"
    assert vintage.imported_at <= timezone.now()
    pak = RiskScore.objects.get(vintage=vintage, country_id="PAK")
    assert (pak.value, pak.rank) == (Decimal("0.163100"), 1)
    vnm = RiskScore.objects.get(vintage=vintage, country_id="VNM")
    assert (vnm.value, vnm.rank) == (Decimal("0.007313"), 14)


def test_top_ten_by_risk(directorate):
    report = run(directorate, GOOD)

    assert [t.iso3 for t in report.top] == [
        "PAK",
        "MMR",
        "ETH",
        "YEM",
        "SOM",
        "TCD",
        "SDN",
        "NGA",
        "COD",
        "CAF",
    ]
    assert report.top[0] == TopEntry(name="Pakistan", iso3="PAK", value=Decimal("0.163100"), rank=1)
    assert report.top[1].name == Country.objects.get(iso3="MMR").name


def test_import_writes_one_audit_event(directorate):
    report = run(directorate, GOOD, file_name="ewp_2024.csv")

    event = AuditEvent.objects.get(action="watchlist.risk_import")
    assert event.actor == directorate and event.actor_agency_id == directorate.agency_id
    assert (event.object_type, event.object_id) == ("watchlist.riskvintage", str(report.vintage.pk))
    assert "18" in event.summary and "ewp_2024.csv" in event.summary
    assert event.changes["matched"] == 18 and event.changes["vintage"] == "2024-11-20"


def test_import_never_changes_a_tier(directorate):
    """Tiers are decisions, not scores (issue 3, "Risk scores")."""
    Country.objects.filter(iso3="SDN").update(tier="moderate", previous_tier="monitored")
    before = list(Country.objects.values_list("iso3", "tier", "previous_tier", "tier_since"))

    run(directorate, GOOD)

    after = list(Country.objects.values_list("iso3", "tier", "previous_tier", "tier_since"))
    assert after == before
    assert not TierChange.objects.exists()


def test_scored_countries_and_those_of_the_previous_latest_vintage_are_touched(directorate):
    """API clients poll with updated_since; a country whose latest score changed is updated."""
    long_ago = timezone.now() - dt.timedelta(days=365)
    Country.objects.update(updated_at=long_ago)
    run(directorate, GOOD)
    touched = set(Country.objects.filter(updated_at__gt=long_ago).values_list("iso3", flat=True))
    assert touched == set(EXPECTED.values())

    Country.objects.update(updated_at=long_ago)
    run(directorate, HEADER + "Chad,483,0.2,1\n", vintage=dt.date(2025, 11, 20))
    touched = set(Country.objects.filter(updated_at__gt=long_ago).values_list("iso3", flat=True))
    assert touched == set(EXPECTED.values())  # Chad scored; the others lost their latest score


def test_every_vintage_is_kept(directorate):
    run(directorate, GOOD)
    run(directorate, GOOD, vintage="2025-11-20")

    assert RiskVintage.objects.count() == 2
    assert RiskScore.objects.filter(country_id="PAK").count() == 2


def test_import_queries_do_not_grow_with_rows(directorate, django_assert_max_num_queries):
    rows = HEADER + "Chad,483,0.2,1\nMali,,0.1,2\n"
    actor = User.objects.get(pk=directorate.pk)
    with django_assert_max_num_queries(15) as small:
        run(actor, rows)
    actor = User.objects.get(pk=directorate.pk)
    with django_assert_max_num_queries(15) as large:
        run(actor, GOOD, vintage="2025-01-01")
    assert len(large.captured_queries) == len(small.captured_queries)


# --- columns, formats and mapping -------------------------------------------------------------


def test_column_options_choose_other_columns(directorate):
    report = run(
        directorate, GOOD, risk_column="risk_1or2.from2022", rank_column="risk_rank.from2022"
    )

    assert [t.iso3 for t in report.top[:4]] == ["MMR", "PAK", "ETH", "SDN"]
    assert (report.vintage.risk_column, report.vintage.rank_column) == (
        "risk_1or2.from2022",
        "risk_rank.from2022",
    )
    assert RiskScore.objects.get(country_id="MMR").value == Decimal("0.152000")


def test_unknown_column_option_is_a_header_problem(directorate):
    exc = failure(directorate, GOOD, risk_column="risk_1or2.from2019", rank_column="year")
    assert exc.errors["file"] == [
        "line 1: no risk column 'risk_1or2.from2019'; the columns are ewp_name, ccode, year, "
        "sftgcode, risk_in_2024, risk_1or2.from2023, risk_rank.from2023, risk_1or2.from2022, "
        "risk_rank.from2022."
    ]


def test_byte_order_mark_blank_lines_and_scientific_notation_are_read(directorate):
    text = "\ufeff" + HEADER + "Chad,483,1.2e-05,2\n\n,,,\nMali,,0.5,1\n"
    report = run(directorate, text)
    assert report.matched == 2
    assert RiskScore.objects.get(country_id="TCD").value == Decimal("0.000012")


def test_text_that_is_not_utf8_is_a_problem_not_a_crash(directorate):
    raw = (HEADER + "Côte d'Ivoire,437,0.1,1\n").encode("latin-1")
    file = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline="")
    counts = RiskVintage.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Invalid) as caught:
        risk_scores_import(actor=directorate, file=file, source=SOURCE, vintage=VINTAGE)
    assert caught.value.errors["file"] == ["line 1: the file is not UTF-8 text."]
    assert (RiskVintage.objects.count(), AuditEvent.objects.count()) == counts


def test_mapping_file_resolves_an_otherwise_unknown_name(directorate):
    text = HEADER + "Ayiti,,0.02,1\nSakartvelo,,0.01,2\n"
    exc = failure(directorate, text)
    assert exc.errors["file"] == [
        "line 2: unknown country 'Ayiti'; add it to a mapping file (name,iso3).",
        "line 3: unknown country 'Sakartvelo'; add it to a mapping file (name,iso3).",
    ]

    with MAPPING.open(newline="") as mapping:
        report = run(directorate, text, mapping=mapping)
    assert {t.iso3 for t in report.top} == {"HTI", "GEO"}


def test_mapping_file_problems_are_reported_with_line_numbers(directorate):
    mapping = io.StringIO("name,iso3\nAyiti,HTI\nAyiti,DOM\nNarnia,NAR\n,FRA\n")
    exc = failure(directorate, HEADER + "Ayiti,,0.02,1\n", mapping=mapping)
    assert exc.errors["mapping"] == [
        "line 3: 'Ayiti' is mapped to HTI on line 2 already.",
        "line 4: 'NAR' is not a country code (ISO 3166 alpha-3).",
        "line 5: no name.",
    ]
    exc = failure(directorate, HEADER + "Chad,483,0.02,1\n", mapping=io.StringIO("a,b\nc,d\n"))
    assert exc.errors["mapping"] == [
        "line 1: the mapping file needs the columns name,iso3 (found a, b)."
    ]


def test_mapping_that_contradicts_the_ccode_is_refused(directorate):
    """A mapping resolves the name; a ccode naming another country is still a disagreement."""
    exc = failure(
        directorate, HEADER + "Ayiti,42,0.02,1\n", mapping=io.StringIO("name,iso3\nAyiti,HTI\n")
    )
    assert exc.errors["file"] == [
        "line 2: ccode 42 is Dominican Republic (DOM) but the name 'Ayiti' is Haiti (HTI); "
        "correct the row (a wrong match is worse than none)."
    ]


# --- bad rows: the whole import fails, every problem listed by line ---------------------------


def test_every_problem_of_a_file_is_reported_with_its_line(directorate):
    exc = failure(directorate, BAD)

    assert set(exc.errors) == {"file"}
    assert exc.errors["file"] == [
        "line 3: unknown country 'Atlantis'; add it to a mapping file (name,iso3).",
        "line 4: risk (risk_1or2.from2023) 1.7 is outside 0-1 (a probability).",
        "line 5: ccode 625 is Sudan (SDN) but the name 'South Sudan' is South Sudan (SSD); "
        "correct the row (a wrong match is worse than none).",
        "line 6: risk (risk_1or2.from2023) 'NA' is not a number.",
        "line 7: rank (risk_rank.from2023) 'six' is not a positive whole number.",
        "line 8: Pakistan (PAK) appears twice (first on line 2); each country has one score "
        "per vintage.",
    ]
    assert "6 problems" in exc.detail


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Atlantis,,0.1,1", "line 3: unknown country 'Atlantis'; add it"),
        ("Atlantis,9999,0.1,1", "line 3: unknown country 'Atlantis' (ccode 9999 is not known"),
        (",,0.1,1", "line 3: unknown country with no name"),
        ("Chad,483,1.01,1", "line 3: risk (risk_1or2.from2023) 1.01 is outside 0-1"),
        ("Chad,483,-0.2,1", "line 3: risk (risk_1or2.from2023) -0.2 is outside 0-1"),
        ("Chad,483,high,1", "line 3: risk (risk_1or2.from2023) 'high' is not a number"),
        ("Chad,483,,1", "line 3: risk (risk_1or2.from2023) empty is not a number"),
        ("Chad,483,NaN,1", "line 3: risk (risk_1or2.from2023) 'NaN' is not a number"),
        ("Chad,483,0.1,0", "line 3: rank (risk_rank.from2023) '0' is not a positive whole"),
        ("Chad,483,0.1,2.5", "line 3: rank (risk_rank.from2023) '2.5' is not a positive whole"),
        ("Chad,Chad,0.1,1", "line 3: ccode 'Chad' is not a Correlates of War country number"),
        ("South Sudan,625,0.1,1", "line 3: ccode 625 is Sudan (SDN) but the name 'South Sudan'"),
    ],
)
def test_each_kind_of_bad_row_fails_the_whole_import(directorate, row, message):
    text = HEADER + "Pakistan,770,0.16,1\n" + row + "\nMali,432,0.01,3\n"
    exc = failure(directorate, text)
    assert len(exc.errors["file"]) == 1
    assert exc.errors["file"][0].startswith(message)


def test_duplicate_country_by_name_and_by_ccode(directorate):
    text = HEADER + "Sudan,625,0.1,1\nSudan,,0.2,2\nIvory Coast,,0.1,3\nCote d'Ivoire,437,0.1,4\n"
    exc = failure(directorate, text)
    assert exc.errors["file"] == [
        "line 3: Sudan (SDN) appears twice (first on line 2); each country has one score per "
        "vintage.",
        "line 5: Côte d'Ivoire (CIV) appears twice (first on line 4); each country has one "
        "score per vintage.",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("name,ccode,risk_1or2.from2023,risk_rank.from2023", "line 1: no ewp_name column"),
        ("ewp_name,ccode,risk,risk_rank.from2023", "line 1: no risk column: none is named like"),
        ("ewp_name,ccode,risk_1or2.from2023,rank", "line 1: no rank column: none is named like"),
    ],
)
def test_missing_column_fails_the_import(directorate, header, message):
    exc = failure(directorate, header + "\nChad,483,0.1,1\n")
    assert len(exc.errors["file"]) == 1
    assert exc.errors["file"][0].startswith(message)


def test_same_column_for_risk_and_rank_is_refused(directorate):
    exc = failure(
        directorate, GOOD, risk_column="risk_1or2.from2023", rank_column="risk_1or2.from2023"
    )
    assert exc.errors["file"] == [
        "line 1: 'risk_1or2.from2023' cannot be both the risk and the rank column."
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("\n\n", "line 1: the file is empty"),
        (HEADER, "line 1: the file has a header but no rows of scores."),
        ("\n" + HEADER + "Chad,483,0.1,1\n", "line 1: blank; the header must be the first line"),
    ],
)
def test_empty_file_fails_the_import(directorate, text, message):
    exc = failure(directorate, text)
    assert len(exc.errors["file"]) == 1
    assert exc.errors["file"][0].startswith(message)


def test_duplicate_vintage_fails_and_keeps_the_first(directorate):
    first = run(directorate, GOOD)
    exc = failure(directorate, GOOD, vintage="2024-11-20")
    assert exc.errors == {
        "vintage": [
            "Early Warning Project already has a vintage of 2024-11-20; every vintage is kept, "
            "so a vintage is imported once."
        ]
    }
    assert list(RiskVintage.objects.all()) == [first.vintage]

    # Another source may publish a run of the same date.
    other = run(directorate, GOOD, source="Another model")
    assert other.vintage.vintage == VINTAGE


def test_parameters_are_validated_together_with_the_file(directorate):
    exc = failure(directorate, HEADER + "Atlantis,,0.1,1\n", source=" ", vintage="20/11/2024")
    assert exc.errors["vintage"] == ["'20/11/2024' is not a date; write it as YYYY-MM-DD."]
    assert exc.errors["source"][0].startswith("The source is required")
    assert exc.errors["file"][0].startswith("line 2: unknown country 'Atlantis'")
    exc = failure(directorate, GOOD, forecast_window="x" * 61)
    assert list(exc.errors) == ["forecast_window"]


def test_existing_vintages_are_untouched_by_a_failed_import(directorate):
    kept = RiskVintageFactory(vintage=dt.date(2023, 11, 1))
    failure(directorate, BAD)
    assert list(RiskVintage.objects.all()) == [kept]


# --- refusal ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL)
def test_only_the_directorate_may_import(role):
    user = UserFactory(role=role)
    if role == roles.DIRECTORATE:
        assert run(user, GOOD).matched == 18
        return
    with pytest.raises(NotPermitted):
        run(user, GOOD)
    assert not RiskVintage.objects.exists() and not RiskScore.objects.exists()


def test_refused_before_the_file_is_read():
    class Unreadable(io.StringIO):
        def __iter__(self):
            raise AssertionError("the file was read")

    for user in (UserFactory(), UserFactory(role=roles.DIRECTORATE, is_active=False)):
        with pytest.raises(NotPermitted):
            risk_scores_import(actor=user, file=Unreadable(), source=SOURCE, vintage=VINTAGE)


# --- the import_risk_scores command -------------------------------------------------------------


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_risk_scores", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_and_prints_the_count_and_top_ten(directorate, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")

    out, err = command(
        path, "--source", SOURCE, "--vintage", "2024-11-20", "--user", directorate.username
    )

    assert "Imported 18 countries (vintage Early Warning Project 2024-11-20)." in out
    lines = [line for line in out.splitlines() if re.match(r"\s*\d+\. ", line)]
    assert len(lines) == 10
    assert lines[0].split() == ["1.", "Pakistan", "(PAK)", "0.163100", "rank", "1"]
    assert "(CAF)" in lines[9]
    assert err == ""
    assert RiskVintage.objects.get().file_name == "scores.csv"


def test_command_options(directorate, tmp_path):
    path = tmp_path / "haiti.csv"
    path.write_text("ewp_name,r2022,k2022\nAyiti,0.3,1\nChad,0.2,2\n", encoding="utf-8")

    out, _ = command(
        path,
        "--source",
        SOURCE,
        "--vintage",
        "2022-12-01",
        "--forecast-window",
        "2023-2024",
        "--risk-column",
        "r2022",
        "--rank-column",
        "k2022",
        "--mapping",
        MAPPING,
        "--user",
        directorate.username,
    )

    assert "Imported 2 countries" in out and "Haiti (HTI)" in out
    vintage = RiskVintage.objects.get()
    assert (vintage.forecast_window, vintage.risk_column, vintage.rank_column) == (
        "2023-2024",
        "r2022",
        "k2022",
    )


def test_command_prints_every_problem_and_fails(directorate, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD.read_text(encoding="utf-8"), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="6 problems; nothing was stored"):
        call_command(
            "import_risk_scores",
            str(path),
            "--source",
            SOURCE,
            "--vintage",
            "2024-11-20",
            "--user",
            directorate.username,
            stdout=io.StringIO(),
            stderr=err,
        )

    printed = err.getvalue().splitlines()
    assert len(printed) == 6
    assert [p.split(": ")[1] for p in printed] == [f"line {n}" for n in range(3, 9)]
    assert all(p.startswith(f"{path}: line ") for p in printed)
    assert not RiskVintage.objects.exists()


def test_command_refuses_without_a_user_or_for_another_role(directorate, tmp_path):
    with pytest.raises(CommandError, match=r"--user USERNAME"):
        command(GOOD, "--source", SOURCE, "--vintage", "2024-11-20")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        command(GOOD, "--source", SOURCE, "--vintage", "2024-11-20", "--user", "nobody")
    member = UserFactory(role=roles.MEMBER)
    with pytest.raises(CommandError, match="may not import risk scores"):
        command(GOOD, "--source", SOURCE, "--vintage", "2024-11-20", "--user", member.username)
    assert AuditEvent.objects.filter(
        actor=member, action="watchlist.import_scores", outcome="denied"
    ).exists()
    with pytest.raises(CommandError, match="Cannot read the scores file"):
        command(
            tmp_path / "missing.csv",
            "--source",
            SOURCE,
            "--vintage",
            "2024-11-20",
            "--user",
            directorate.username,
        )
    assert not RiskVintage.objects.exists()


# --- load_countries ---------------------------------------------------------------------------


def load_countries() -> str:
    out = io.StringIO()
    call_command("load_countries", stdout=out)
    return out.getvalue()


def test_load_countries_from_empty_then_idempotent():
    Country.objects.all().delete()

    assert "Countries: 250 created, 0 updated, 0 unchanged" in load_countries()
    assert Country.objects.count() == 250
    kosovo = Country.objects.get(iso3="XKX")
    assert (kosovo.name, kosovo.region) == ("Kosovo", "Southern Europe")
    assert Country.objects.get(iso3="MMR").cow_code == 775

    assert "Countries: 0 created, 0 updated, 250 unchanged" in load_countries()
    assert Country.objects.count() == 250


def test_load_countries_restores_reference_fields_and_keeps_the_watchlist_fields(directorate):
    Country.objects.filter(iso3="ZWE").delete()
    Country.objects.filter(iso3="SDN").update(
        name="Soudan",
        region="",
        tier="high_rising",
        previous_tier="moderate",
        instability_watchlist=True,
        us_influence=4,
        owner=directorate,
    )
    long_ago = timezone.now() - dt.timedelta(days=365)
    Country.objects.exclude(iso3="SDN").update(updated_at=long_ago)

    out = load_countries()

    assert "Countries: 1 created, 1 updated, 248 unchanged" in out
    sdn = Country.objects.get(iso3="SDN")
    assert (sdn.name, sdn.region) == ("Sudan", "Northern Africa")
    assert (sdn.tier, sdn.previous_tier, sdn.instability_watchlist, sdn.us_influence) == (
        "high_rising",
        "moderate",
        True,
        4,
    )
    assert sdn.owner == directorate
    assert Country.objects.filter(updated_at=long_ago).count() == 248
    event = AuditEvent.objects.get(action="watchlist.load_countries")
    assert event.changes == {"created": 1, "updated": 1}
    assert "0 created, 0 updated" in load_countries()
    assert AuditEvent.objects.filter(action="watchlist.load_countries").count() == 1
