"""Import of statistical risk scores (one vintage of a risk model) from a CSV file.

Source: issue 3, "Risk scores": the format of the Early Warning Project's statistical risk
assessment CSVs (a country name column ``ewp_name``, an optional ``ccode`` column of Correlates of
War numbers, a risk column like ``risk_1or2.from<YEAR>`` and a rank column like
``risk_rank.from<YEAR>``); match by ``ccode`` when present, otherwise by name; "a wrong match is
worse than none"; the import is atomic and reports every problem with its line number; a mapping
file may resolve names. Tiers are decisions, not scores: nothing here touches a tier.

The one entry point, for the ``import_risk_scores`` command and the upload page alike::

    risk_scores_import(
        *,
        actor: User,                 # must hold "watchlist.import_scores" (directorate)
        file: Iterable[str],         # the scores CSV as text, e.g.
                                     #   io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
        source: str,                 # e.g. "Early Warning Project" (max 120 characters)
        vintage: date | str,         # date of the model run; a str must be ISO 8601 (YYYY-MM-DD)
        forecast_window: str = "",   # e.g. "2024-2025" (max 60 characters)
        risk_column: str | None = None,  # default: first header matching risk_1or2.from<YEAR>
        rank_column: str | None = None,  # default: first header matching risk_rank.from<YEAR>
        mapping: Iterable[str] | None = None,  # CSV text with columns name,iso3
        file_name: str = "",         # shown in the vintage's record (truncated to 200)
    ) -> ImportReport               # .vintage (RiskVintage), .matched (int), .top (ten TopEntry)

Errors (nothing is stored in any of these cases):

- ``apc.core.exceptions.NotPermitted`` (403) when the actor is not directorate staff; checked
  before the file is read.
- ``apc.core.exceptions.Invalid`` (400) with ``detail`` (a one-line summary) and ``errors``, a
  dict of lists of messages, every problem found (the file is read to the end):

  * ``errors["file"]``: problems of the scores file, each message starting ``"line N: "`` (line 1
    is the header): empty file, missing column, unknown country, ``ccode`` and name naming
    different countries, risk not a number in [0, 1], rank not a positive whole number, the same
    country twice, unreadable text;
  * ``errors["mapping"]``: problems of the mapping file, also ``"line N: "``;
  * ``errors["vintage"]``: not a date, or that source already has a vintage of that date;
  * ``errors["source"]``, ``errors["forecast_window"]``: missing or too long.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apc.core.audit import record_event
from apc.core.exceptions import Invalid, errors_from_validation
from apc.core.permissions import require
from watchlist import reference
from watchlist.models import Country, RiskScore, RiskVintage
from watchlist.selectors import latest_vintage

NAME_COLUMN = "ewp_name"
CCODE_COLUMN = "ccode"
RISK_PATTERN = re.compile(r"^risk_1or2\.from\d{4}$")
RANK_PATTERN = re.compile(r"^risk_rank\.from\d{4}$")
# How the Early Warning Project's R code and spreadsheets write a missing Correlates of War code.
NO_CCODE = frozenset({"", "na", "nan", "n/a", "null", "none", "."})
SIX_PLACES = Decimal("0.000001")
TOP_N = 10


@dataclass(frozen=True)
class TopEntry:
    """One line of the top ten: the country as the watchlist names it, and its score."""

    name: str
    iso3: str
    value: Decimal
    rank: int


@dataclass(frozen=True)
class ImportReport:
    """What a successful import stored: the vintage, how many countries, the ten riskiest."""

    vintage: RiskVintage
    matched: int
    top: list[TopEntry]


@dataclass
class _Row:
    line: int
    name: str
    ccode: int | None
    value: Decimal | None
    rank: int | None
    iso3: str | None = None


@dataclass(frozen=True)
class _Countries:
    """The country table, read once: names by ISO3 and ISO3 by Correlates of War number."""

    names: dict[str, str]
    by_cow: dict[int, str]

    @classmethod
    def load(cls) -> _Countries:
        names: dict[str, str] = {}
        by_cow: dict[int, str] = {}
        for iso3, name, cow in Country.objects.values_list("iso3", "name", "cow_code"):
            names[iso3] = name
            if cow is not None:
                by_cow[cow] = iso3
        return cls(names=names, by_cow=by_cow)

    def label(self, iso3: str) -> str:
        return f"{self.names.get(iso3, iso3)} ({iso3})"


def risk_scores_import(
    *,
    actor: Any,
    file: Iterable[str],
    source: str,
    vintage: date | str,
    forecast_window: str = "",
    risk_column: str | None = None,
    rank_column: str | None = None,
    mapping: Iterable[str] | None = None,
    file_name: str = "",
) -> ImportReport:
    """Store one vintage of statistical risk scores (directorate only). Every row is validated
    and matched first; any problem fails the whole import with a line-numbered report."""
    require(actor, "watchlist.import_scores")
    errors: dict[str, list[str]] = {}
    countries = _Countries.load()
    day = _parse_vintage(vintage, errors)
    source = (source or "").strip()
    forecast_window = (forecast_window or "").strip()

    name_map = _read_mapping(mapping, countries, errors) if mapping is not None else {}
    file_problems: list[str] = []
    columns, rows = _read_scores(file, risk_column, rank_column, file_problems)
    if rows:
        _match(rows, name_map, countries, file_problems)
    if file_problems:
        errors["file"] = sorted(file_problems, key=_line_of)

    run = RiskVintage(
        source=source,
        vintage=day,
        forecast_window=forecast_window,
        risk_column=columns[0],
        rank_column=columns[1],
        file_name=(file_name or "")[:200],
        imported_by=actor,
    )
    _check_vintage(run, errors)
    if errors:
        count = sum(len(v) for v in errors.values())
        raise Invalid(
            detail=f"The import found {count} problem{'s' if count != 1 else ''}; "
            "nothing was stored.",
            errors=errors,
        )

    try:
        return _store(run, rows, countries, actor)
    except IntegrityError:
        # A concurrent import of the same source and date won the race to the constraint.
        if RiskVintage.objects.filter(source=run.source, vintage=run.vintage).exists():
            raise Invalid(
                detail="The import found 1 problem; nothing was stored.",
                errors={"vintage": [_duplicate_vintage_message(run)]},
            ) from None
        raise


def _store(run: RiskVintage, rows: list[_Row], countries: _Countries, actor: Any) -> ImportReport:
    with transaction.atomic(durable=True):
        now = timezone.now()
        previous = latest_vintage()
        run.imported_at = now
        run.save()
        RiskScore.objects.bulk_create(
            RiskScore(vintage=run, country_id=r.iso3, value=r.value, rank=r.rank) for r in rows
        )
        # API clients poll with updated_since and ETags: a country's latest score changed when it
        # is scored now, or when it was scored in the vintage that was latest until now.
        scored = [r.iso3 for r in rows]
        touched = Q(pk__in=scored)
        if previous is not None:
            touched |= Q(pk__in=RiskScore.objects.filter(vintage=previous).values("country_id"))
        Country.objects.filter(touched).update(updated_at=now)
        record_event(
            actor=actor,
            action="watchlist.risk_import",
            obj=run,
            summary=f"Imported {len(rows)} risk scores: {run}"
            + (f" from {run.file_name}" if run.file_name else ""),
            changes={
                "source": run.source,
                "vintage": run.vintage.isoformat(),
                "forecast_window": run.forecast_window,
                "risk_column": run.risk_column,
                "rank_column": run.rank_column,
                "file_name": run.file_name,
                "matched": len(rows),
            },
        )
    ranked = sorted(rows, key=lambda r: (-r.value, r.rank, countries.names[r.iso3]))
    top = [
        TopEntry(name=countries.names[r.iso3], iso3=r.iso3, value=r.value, rank=r.rank)
        for r in ranked[:TOP_N]
    ]
    return ImportReport(vintage=run, matched=len(rows), top=top)


# --- parameters -----------------------------------------------------------------------------


def _line_of(problem: str) -> int:
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else 0


def _parse_vintage(vintage: date | str, errors: dict[str, list[str]]) -> date | None:
    if isinstance(vintage, date):
        return vintage
    text = (vintage or "").strip()
    if not text:
        errors["vintage"] = ["The date of the model run (vintage) is required."]
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["vintage"] = [f"{text!r} is not a date; write it as YYYY-MM-DD."]
        return None


def _duplicate_vintage_message(run: RiskVintage) -> str:
    return (
        f"{run.source} already has a vintage of {run.vintage:%Y-%m-%d}; every vintage is kept, "
        "so a vintage is imported once."
    )


def _check_vintage(run: RiskVintage, errors: dict[str, list[str]]) -> None:
    exclude = ["vintage"] if run.vintage is None else []
    if not run.risk_column or not run.rank_column:
        exclude += ["risk_column", "rank_column"]
    if not run.source:
        errors["source"] = [
            "The source is required (the model's publisher, for instance Early Warning Project)."
        ]
        exclude.append("source")
    try:
        run.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in errors_from_validation(exc).items():
            if field in {"source", "vintage", "forecast_window"}:
                errors.setdefault(field, []).extend(messages)
            elif field in {"risk_column", "rank_column"}:
                errors.setdefault("file", []).extend(
                    f"line 1: the {field.replace('_', ' ')} name is too long: {m}" for m in messages
                )
            else:
                errors.setdefault("__all__", []).extend(messages)
    if (
        run.source
        and run.vintage is not None
        and "vintage" not in errors
        and RiskVintage.objects.filter(source=run.source, vintage=run.vintage).exists()
    ):
        errors["vintage"] = [_duplicate_vintage_message(run)]


# --- reading --------------------------------------------------------------------------------


def _csv_rows(stream: Iterable[str], problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row; unreadable input becomes a problem."""
    reader = csv.reader(stream)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            problems.append(f"line {reader.line_num + 1}: the file is not UTF-8 text.")
            return
        except csv.Error as exc:
            problems.append(f"line {reader.line_num}: not readable as CSV ({exc}).")
            return
        if reader.line_num == 1 and cells:
            cells[0] = cells[0].lstrip("\ufeff")
        if any(c.strip() for c in cells):
            yield reader.line_num, cells


def _pick_column(
    header: list[str], wanted: str | None, pattern: re.Pattern, what: str, problems: list[str]
) -> str | None:
    if wanted:
        if wanted in header:
            return wanted
        problems.append(
            f"line 1: no {what} column {wanted!r}; the columns are {', '.join(header)}."
        )
        return None
    for name in header:
        if pattern.match(name):
            return name
    problems.append(
        f"line 1: no {what} column: none is named like {pattern.pattern.strip('^$')}; "
        f"name the {what} column explicitly. The columns are {', '.join(header)}."
    )
    return None


def _read_scores(
    file: Iterable[str], risk_column: str | None, rank_column: str | None, problems: list[str]
) -> tuple[tuple[str, str], list[_Row]]:
    rows_in = _csv_rows(file, problems)
    first = next(rows_in, None)
    if first is None:
        if not problems:
            problems.append(
                f"line 1: the file is empty; expected a header with {NAME_COLUMN}, a risk column "
                "and a rank column."
            )
        return ("", ""), []
    line, header = first
    header = [h.strip() for h in header]
    if line != 1:
        problems.append(f"line 1: blank; the header must be the first line (found on line {line}).")
        return ("", ""), []
    if NAME_COLUMN not in header:
        problems.append(
            f"line 1: no {NAME_COLUMN} column (the country names); the columns are "
            f"{', '.join(header)}."
        )
    risk = _pick_column(header, (risk_column or "").strip(), RISK_PATTERN, "risk", problems)
    rank = _pick_column(header, (rank_column or "").strip(), RANK_PATTERN, "rank", problems)
    if risk and risk == rank:
        problems.append(f"line 1: {risk!r} cannot be both the risk and the rank column.")
    if problems:
        return (risk or "", rank or ""), []

    at = {name: i for i, name in reversed(list(enumerate(header)))}

    def cell(cells: list[str], column: str) -> str:
        i = at.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    rows: list[_Row] = []
    for line, cells in rows_in:
        name = cell(cells, NAME_COLUMN)
        ccode = _parse_ccode(cell(cells, CCODE_COLUMN), line, problems)
        value = _parse_risk(cell(cells, risk), risk, line, problems)
        rank_value = _parse_rank(cell(cells, rank), rank, line, problems)
        rows.append(_Row(line=line, name=name, ccode=ccode, value=value, rank=rank_value))
    if not rows and not problems:
        problems.append("line 1: the file has a header but no rows of scores.")
    return (risk, rank), rows


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_ccode(text: str, line: int, problems: list[str]) -> int | None:
    if text.lower() in NO_CCODE:
        return None
    number = _number(text)
    if number is None or number != number.to_integral_value() or number < 0:
        problems.append(f"line {line}: ccode {text!r} is not a Correlates of War country number.")
        return None
    return int(number)


def _parse_risk(text: str, column: str, line: int, problems: list[str]) -> Decimal | None:
    number = _number(text)
    if number is None:
        shown = repr(text) if text else "empty"
        problems.append(f"line {line}: risk ({column}) {shown} is not a number.")
        return None
    if not Decimal(0) <= number <= Decimal(1):
        problems.append(f"line {line}: risk ({column}) {text} is outside 0-1 (a probability).")
        return None
    return number.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)


def _parse_rank(text: str, column: str, line: int, problems: list[str]) -> int | None:
    number = _number(text)
    if number is None or number != number.to_integral_value() or number < 1:
        shown = repr(text) if text else "empty"
        problems.append(f"line {line}: rank ({column}) {shown} is not a positive whole number.")
        return None
    return int(number)


def _read_mapping(
    mapping: Iterable[str], countries: _Countries, errors: dict[str, list[str]]
) -> dict[str, str]:
    """Names (case-insensitive) to ISO3 from a CSV with columns name,iso3."""
    problems: list[str] = []
    names: dict[str, tuple[str, int]] = {}
    rows_in = _csv_rows(mapping, problems)
    first = next(rows_in, None)
    if first is None:
        problems = problems or ["line 1: the mapping file is empty; expected columns name,iso3."]
    else:
        header = [h.strip().lower() for h in first[1]]
        if first[0] != 1 or "name" not in header or "iso3" not in header:
            problems.append(
                f"line 1: the mapping file needs the columns name,iso3 (found {', '.join(header)})."
            )
        else:
            i_name, i_iso3 = header.index("name"), header.index("iso3")
            for line, cells in rows_in:
                name = cells[i_name].strip() if i_name < len(cells) else ""
                iso3 = cells[i_iso3].strip().upper() if i_iso3 < len(cells) else ""
                if not name:
                    problems.append(f"line {line}: no name.")
                elif iso3 not in countries.names:
                    problems.append(
                        f"line {line}: {iso3!r} is not a country code (ISO 3166 alpha-3)."
                    )
                elif name.casefold() in names and names[name.casefold()][0] != iso3:
                    other, first_line = names[name.casefold()]
                    problems.append(
                        f"line {line}: {name!r} is mapped to {other} on line {first_line} already."
                    )
                else:
                    names.setdefault(name.casefold(), (iso3, line))
    if problems:
        errors["mapping"] = problems
    return {key: iso3 for key, (iso3, _line) in names.items()}


# --- matching -------------------------------------------------------------------------------


def _match(
    rows: list[_Row], name_map: dict[str, str], countries: _Countries, problems: list[str]
) -> None:
    """Set each row's ISO3: by ccode when known, else by name (mapping file, then the reference
    name patterns). A ccode and a name that name different countries are refused, not guessed."""
    codes = sorted({r.ccode for r in rows if r.ccode is not None} - set(countries.by_cow))
    by_cow = dict(countries.by_cow)
    if codes:
        by_cow.update(
            (code, iso3)
            for code, iso3 in zip(codes, reference.cow_to_iso3(codes), strict=True)
            if iso3 in countries.names
        )
    unmapped = sorted({r.name for r in rows if r.name and r.name.casefold() not in name_map})
    by_name = {
        name: iso3
        for name, iso3 in zip(
            unmapped, reference.name_to_iso3(unmapped) if unmapped else [], strict=True
        )
        if iso3 in countries.names
    }

    seen: dict[str, int] = {}
    for row in rows:
        from_code = by_cow.get(row.ccode) if row.ccode is not None else None
        from_name = name_map.get(row.name.casefold()) or by_name.get(row.name)
        if from_code and from_name and from_code != from_name:
            problems.append(
                f"line {row.line}: ccode {row.ccode} is {countries.label(from_code)} but the name "
                f"{row.name!r} is {countries.label(from_name)}; correct the row (a wrong match is "
                "worse than none)."
            )
            continue
        iso3 = from_code or from_name
        if iso3 is None:
            known = f" (ccode {row.ccode} is not known either)" if row.ccode is not None else ""
            shown = repr(row.name) if row.name else "with no name"
            problems.append(
                f"line {row.line}: unknown country {shown}{known}; "
                "add it to a mapping file (name,iso3)."
            )
            continue
        if iso3 in seen:
            problems.append(
                f"line {row.line}: {countries.label(iso3)} appears twice (first on line "
                f"{seen[iso3]}); each country has one score per vintage."
            )
            continue
        seen[iso3] = row.line
        row.iso3 = iso3
