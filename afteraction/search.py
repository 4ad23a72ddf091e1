"""Full-text search over the repository's reports and lessons, with ranking, highlighted
matches and facets (issue 7: "Finding and using lessons").

PostgreSQL: each row's `search_vector` is kept by a database trigger (migration 0002: weighted
A > B > C by field) and indexed with GIN; queries are parsed with `websearch_to_tsquery`
(quotes, `or`, `-word`), ranked with `ts_rank_cd` and highlighted with `ts_headline`. SQLite
(the embedded default): every word must appear in some field; the rank counts the matches by the
same field weights; highlights are cut around the first match.

Everything starts from the selectors (afteraction/selectors.py), so a lesson or report above
the user's clearance, or outside the policy, never reaches results, counts or highlights.
Highlights come back as safe HTML: the text is escaped first and only our own <mark> tags are
added.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from afteraction import selectors
from afteraction.models import Lesson, Report
from apc.core.exceptions import Invalid
from plans.models import EscalationStage, Strategy, TargetGroup, Tool
from watchlist.models import Country

CONFIG = "english"
# Field weights, as in the PostgreSQL trigger (A=1.0, B=0.4, C=0.2 in ts_rank's defaults).
LESSON_FIELDS = {"statement": 1.0, "recommendation": 0.4, "evidence": 0.2}
REPORT_FIELDS = {"title": 1.0, "summary": 0.4, "findings": 0.4, "narrative": 0.2}
# Sentinels ts_headline puts around a match; never in user text (stripped from it first).
_START, _STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
MAX_QUERY = 200


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    obj: Any
    rank: float
    highlights: dict[str, SafeString] = field(default_factory=dict)


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]


# --- Filters --------------------------------------------------------------------------------

LESSON_FACETS = ("country", "region", "tool", "strategy", "target_group", "outcome", "year")
REPORT_FACETS = ("country", "region", "subject", "year")
# Filters beyond the facets: the escalation stage of a lesson.
LESSON_FILTERS = (*LESSON_FACETS, "stage")
FACET_LABELS = {
    "country": "Country",
    "region": "Region",
    "tool": "Tool",
    "strategy": "Strategy",
    "target_group": "Target group",
    "stage": "Escalation stage",
    "outcome": "Outcome",
    "year": "Year",
    "subject": "Subject",
}


def clean_filters(raw: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, str]:
    """The facet filters of a request, each checked; Invalid (400) names the bad ones."""
    out: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in allowed:
        value = str(raw.get(name) or "").strip()
        if not value:
            continue
        ok = True
        if name == "country":
            value = value.upper()
            ok = Country.objects.filter(pk=value).exists()
        elif name == "region":
            ok = Country.objects.filter(region=value).exists()
        elif name == "tool":
            ok = value.isdigit() and Tool.objects.filter(pk=int(value)).exists()
        elif name == "strategy":
            ok = Strategy.objects.filter(key=value).exists()
        elif name == "target_group":
            ok = TargetGroup.objects.filter(key=value).exists()
        elif name == "stage":
            ok = EscalationStage.objects.filter(key=value).exists()
        elif name == "outcome":
            ok = value in Lesson.Outcome.values
        elif name == "subject":
            ok = value in Report.Subject.values
        elif name == "year":
            ok = value.isdigit() and 1900 <= int(value) <= 2999
        if not ok:
            errors[name] = [f"Unknown {FACET_LABELS[name].lower()}: {value!r}."]
        else:
            out[name] = value
    if errors:
        raise Invalid(errors=errors)
    return out


def _filter_lessons(qs: QuerySet[Lesson], f: Mapping[str, str]) -> QuerySet[Lesson]:
    if "country" in f:
        qs = qs.filter(
            Q(pk__in=Lesson.objects.filter(countries=f["country"]).values("pk"))
            | Q(report__country=f["country"])
        )
    if "region" in f:
        qs = qs.filter(
            Q(pk__in=Lesson.objects.filter(countries__region=f["region"]).values("pk"))
            | Q(report__country__region=f["region"])
        )
    if "tool" in f:
        qs = qs.filter(pk__in=Lesson.objects.filter(tools=int(f["tool"])).values("pk"))
    if "strategy" in f:
        qs = qs.filter(pk__in=Lesson.objects.filter(strategies__key=f["strategy"]).values("pk"))
    if "target_group" in f:
        qs = qs.filter(
            pk__in=Lesson.objects.filter(target_groups__key=f["target_group"]).values("pk")
        )
    if "stage" in f:
        qs = qs.filter(pk__in=Lesson.objects.filter(stages__key=f["stage"]).values("pk"))
    if "outcome" in f:
        qs = qs.filter(outcome=f["outcome"])
    if "year" in f:
        qs = qs.filter(report__year=int(f["year"]))
    return qs


def _filter_reports(qs: QuerySet[Report], f: Mapping[str, str]) -> QuerySet[Report]:
    if "country" in f:
        qs = qs.filter(country=f["country"])
    if "region" in f:
        qs = qs.filter(country__region=f["region"])
    if "subject" in f:
        qs = qs.filter(subject=f["subject"])
    if "year" in f:
        qs = qs.filter(year=int(f["year"]))
    return qs


# --- Text matching --------------------------------------------------------------------------


def _clean_query(q: str) -> str:
    q = (q or "").replace(_START, " ").replace(_STOP, " ").strip()
    if len(q) > MAX_QUERY:
        raise Invalid(errors={"q": [f"Search for at most {MAX_QUERY} characters."]})
    return q


def _terms(q: str) -> list[str]:
    """The words a row must hold, for the SQLite match (quotes, `or` and `-word` dropped)."""
    words = re.findall(r"(?:^|(?<=[\s\"]))-?\w[\w'-]*|\w[\w'-]*", q.lower())
    return [w for w in words if not w.startswith("-") and w not in {"or", "and", "not"}]


def _excluded(q: str) -> list[str]:
    """The words a row must not hold (`-word`, as websearch_to_tsquery reads it)."""
    return [w[1:] for w in re.findall(r"(?:^|(?<=\s))-\w[\w'-]*", q.lower())]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _mark(text: str) -> SafeString:
    """Escape text that carries our sentinels, then turn the sentinels into <mark>."""
    safe = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own tags added


def _snippet(text: str, terms: list[str], words: int = SNIPPET_WORDS) -> SafeString | None:
    """SQLite: the words around the first match, with every term marked (None: no match)."""
    if not text or not terms:
        return None
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    if first is None:
        return None
    tokens = text.split()
    # locate the token holding the first match
    pos, at = 0, 0
    for i, tok in enumerate(tokens):
        pos = text.find(tok, pos)
        if pos <= first.start() < pos + len(tok) + 1:
            at = i
            break
        pos += len(tok)
    start = max(0, at - words // 3)
    chunk = " ".join(tokens[start : start + words])
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", chunk)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return _mark(prefix + marked + suffix)


def _sqlite_rank(obj: Any, terms: list[str], fields: Mapping[str, float]) -> float:
    score = 0.0
    for name, weight in fields.items():
        text = (getattr(obj, name) or "").lower()
        score += weight * sum(text.count(t) for t in terms)
    return score


def _sqlite_match(
    qs: QuerySet, terms: list[str], fields: Mapping[str, float], excluded: list[str] = ()
) -> QuerySet:
    def in_any_field(term: str) -> Q:
        return functools.reduce(
            operator.or_, (Q(**{f"{name}__icontains": term}) for name in fields)
        )

    for term in terms:
        qs = qs.filter(in_any_field(term))
    for term in excluded:
        qs = qs.exclude(in_any_field(term))
    return qs


def _ranked(
    qs: QuerySet, q: str, fields: Mapping[str, float], offset: int, limit: int
) -> tuple[list[Hit], int]:
    """The page of hits (ranked, highlighted) and the total."""
    if not q:
        total = qs.count()
        return [Hit(obj=o, rank=0.0) for o in qs[offset : offset + limit]], total
    if _postgres():
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        matched = qs.filter(search_vector=query)
        total = matched.count()
        heads = {
            f"hl_{name}": SearchHeadline(
                name,
                query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
            for name in fields
        }
        rows = (
            matched.annotate(rank=SearchRank(F("search_vector"), query, cover_density=True))
            .order_by("-rank", "-pk")
            .annotate(**heads)[offset : offset + limit]
        )
        hits = []
        for row in rows:
            hl = {}
            for name in fields:
                text = getattr(row, f"hl_{name}") or ""
                if _START in text:
                    hl[name] = _mark(text)
            hits.append(Hit(obj=row, rank=float(row.rank), highlights=hl))
        return hits, total
    terms, excluded = _terms(q), _excluded(q)
    if not terms and not excluded:  # only operators or stop words: nothing to look for
        return [], 0
    matched = list(_sqlite_match(qs, terms, fields, excluded))
    scored = sorted(matched, key=lambda o: (-_sqlite_rank(o, terms, fields), -o.pk))[
        offset : offset + limit
    ]
    hits = []
    for obj in scored:
        hl = {}
        for name in fields:
            snip = _snippet(getattr(obj, name) or "", terms)
            if snip is not None:
                hl[name] = snip
        hits.append(Hit(obj=obj, rank=_sqlite_rank(obj, terms, fields), highlights=hl))
    return hits, len(matched)


def _matched_ids(qs: QuerySet, q: str, fields: Mapping[str, float]) -> QuerySet:
    """The pks of the matching rows, as a subquery (for the facet counts)."""
    if not q:
        return qs.values("pk")
    if _postgres():
        return qs.filter(
            search_vector=SearchQuery(q, config=CONFIG, search_type="websearch")
        ).values("pk")
    terms, excluded = _terms(q), _excluded(q)
    if not terms and not excluded:
        return qs.none().values("pk")
    return _sqlite_match(qs, terms, fields, excluded).values("pk")


def _ids(qs: QuerySet, q: str, fields: Mapping[str, float]) -> list[int]:
    """The matching pks, read once: every facet counts over this list instead of running the
    policy's subqueries again."""
    return list(_matched_ids(qs, q, fields).values_list("pk", flat=True))


# --- Facets ---------------------------------------------------------------------------------


def _facet(rows, key: str, label: str, selected: str | None) -> list[FacetValue]:
    values = [
        FacetValue(
            key=str(r[key]),
            label=str(r[label]),
            count=r["n"],
            selected=selected == str(r[key]),
        )
        for r in rows
        if r[key] is not None and r[key] != ""
    ]
    return sorted(values, key=lambda v: (-v.count, v.label))


def lesson_facets(ids: QuerySet, f: Mapping[str, str]) -> dict[str, list[FacetValue]]:
    """Counts of the matching lessons by each facet (a lesson counts once per value). A lesson's
    countries are those it is tagged with and its report's, as the country filter reads them."""
    # a lesson counts under its tagged countries and its report's country (as the filter)
    pairs = set(
        Lesson.countries.through.objects.filter(lesson_id__in=ids).values_list(
            "lesson_id", "country_id"
        )
    ) | set(
        Lesson.objects.filter(pk__in=ids, report__country__isnull=False).values_list(
            "pk", "report__country_id"
        )
    )
    places = {
        c["iso3"]: c
        for c in Country.objects.filter(pk__in={code for _, code in pairs}).values(
            "iso3", "name", "region"
        )
    }
    by_country: dict[str, dict[str, Any]] = {}
    regions: dict[str, set[int]] = {}
    for lesson_id, code in pairs:
        slot = by_country.setdefault(
            code, {"code": code, "name": places[code]["name"], "lessons": set()}
        )
        slot["lessons"].add(lesson_id)
        if places[code]["region"]:
            regions.setdefault(places[code]["region"], set()).add(lesson_id)
    for slot in by_country.values():
        slot["n"] = len(slot.pop("lessons"))
    by_region = {region: len(lessons) for region, lessons in regions.items()}
    return {
        "country": _facet(by_country.values(), "code", "name", f.get("country")),
        "region": _facet(
            [{"region": k, "n": v} for k, v in by_region.items()],
            "region",
            "region",
            f.get("region"),
        ),
        "tool": _facet(
            Lesson.tools.through.objects.filter(lesson_id__in=ids)
            .values("tool_id", name=F("tool__name"))
            .annotate(n=Count("lesson_id", distinct=True)),
            "tool_id",
            "name",
            f.get("tool"),
        ),
        "strategy": _facet(
            Lesson.strategies.through.objects.filter(lesson_id__in=ids)
            .values(key=F("strategy__key"), name=F("strategy__name"))
            .annotate(n=Count("lesson_id", distinct=True)),
            "key",
            "name",
            f.get("strategy"),
        ),
        "target_group": _facet(
            Lesson.target_groups.through.objects.filter(lesson_id__in=ids)
            .values(key=F("targetgroup__key"), name=F("targetgroup__name"))
            .annotate(n=Count("lesson_id", distinct=True)),
            "key",
            "name",
            f.get("target_group"),
        ),
        "outcome": _facet(
            [
                {"outcome": r["outcome"], "label": Lesson.Outcome(r["outcome"]).label, "n": r["n"]}
                for r in Lesson.objects.filter(pk__in=ids).values("outcome").annotate(n=Count("pk"))
            ],
            "outcome",
            "label",
            f.get("outcome"),
        ),
        "year": sorted(
            _facet(
                Lesson.objects.filter(pk__in=ids)
                .values(year=F("report__year"))
                .annotate(n=Count("pk")),
                "year",
                "year",
                f.get("year"),
            ),
            key=lambda v: v.key,
            reverse=True,
        ),
    }


def report_facets(ids: QuerySet, f: Mapping[str, str]) -> dict[str, list[FacetValue]]:
    rows = Report.objects.filter(pk__in=ids)
    return {
        "country": _facet(
            rows.filter(country__isnull=False)
            .values(code=F("country_id"), name=F("country__name"))
            .annotate(n=Count("pk")),
            "code",
            "name",
            f.get("country"),
        ),
        "region": _facet(
            rows.values(region=F("country__region")).annotate(n=Count("pk")),
            "region",
            "region",
            f.get("region"),
        ),
        "subject": _facet(
            [
                {"subject": r["subject"], "label": Report.Subject(r["subject"]).label, "n": r["n"]}
                for r in rows.values("subject").annotate(n=Count("pk"))
            ],
            "subject",
            "label",
            f.get("subject"),
        ),
        "year": sorted(
            _facet(rows.values("year").annotate(n=Count("pk")), "year", "year", f.get("year")),
            key=lambda v: v.key,
            reverse=True,
        ),
    }


# --- Entry points ---------------------------------------------------------------------------


def search_lessons(
    user: Any,
    q: str = "",
    filters: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
    limit: int = 20,
    current_only: bool = True,
    facets: bool = True,
) -> Results:
    """Lessons matching `q` and the facet filters, best first, as far as `user` may see them."""
    q = _clean_query(q)
    f = clean_filters(filters or {}, LESSON_FILTERS)
    base = _filter_lessons(selectors.lessons_for(user, current_only=current_only), f)
    if not q:
        base = base.order_by("-report__year", "report_id", "position")
    hits, total = _ranked(base, q, LESSON_FIELDS, offset, limit)
    _prefetch_tags([h.obj for h in hits])
    return Results(
        query=q,
        hits=hits,
        total=total,
        facets=lesson_facets(_ids(base, q, LESSON_FIELDS), f) if facets else {},
    )


def search_reports(
    user: Any,
    q: str = "",
    filters: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
    limit: int = 20,
    current_only: bool = True,
    facets: bool = True,
) -> Results:
    """Published reports matching `q` and the facet filters, best first."""
    q = _clean_query(q)
    f = clean_filters(filters or {}, REPORT_FACETS)
    base = _filter_reports(selectors.published_for(user, current_only=current_only), f)
    if not q:
        base = base.order_by("-year", "-published_at", "-pk")
    hits, total = _ranked(base, q, REPORT_FIELDS, offset, limit)
    return Results(
        query=q,
        hits=hits,
        total=total,
        facets=report_facets(_ids(base, q, REPORT_FIELDS), f) if facets else {},
    )


def _prefetch_tags(lessons: list[Lesson]) -> None:
    from django.db.models import prefetch_related_objects

    if lessons:
        prefetch_related_objects(lessons, *selectors.TAG_PREFETCH)
