"""The repository's archive for successor administrations: one self-contained file (issue 7,
"Permanence and handover"; seeds/000, "Crisis Response Structure and Process": "a permanent and
accessible repository" kept "and made available to succeeding administrations"; "Readiness to
Meet the Challenge": knowledge from past operations is not retained).

The archive is a zip holding:

    manifest.json                  format, schema version, when, from which installation, the
                                   marking limit of the release, the highest marking held,
                                   counts, and the SHA-256 of every other file
    schema/archive-v1.schema.json  the JSON Schema of repository.json (for whoever reads the
                                   archive without this software)
    repository.json                every published report and revision, with its lessons,
                                   narrative links and history (afteraction/document.py)
    reports/<uid>.pdf              each report rendered as PDF (afteraction/pdf.py)

`export_repository` reads the database directly (an administrator's command, not a user's
read) and records one audit event. With a marking limit (a release to a successor with lower
access) it leaves out the reports marked above it, with everything of theirs, and the lessons
and narrative links marked above it; the manifest states the limit, not what was withheld (how
much lies above the limit is itself above it: the count goes to the audit trail and to the
administrator's terminal only).

`import_archive` verifies first (the zip reads, the manifest lists exactly the files present and
each checksum matches, the schema version is supported, repository.json matches the schema, the
markings respect the stated limit) and then imports in one transaction, by uid: a report or
lesson already here is skipped, and refused if it differs, since a published report never
changes. An imported report is inserted in review, given its lessons, tags, links and history,
then published by one UPDATE, as the database's permanence triggers require (migration 0002).
Records of the source installation (the plan, exercise, meeting or person behind a report) do not
travel: their labels do.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import tempfile
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from afteraction.document import (
    LESSON_FIELDS,
    PROVENANCE,
    REPORT_FIELDS,
    SCHEMA_VERSION,
    highest_marking,
    instant,
    parse_day,
    parse_instant,
    report_document,
)
from afteraction.models import Lesson, NarrativeLink, Report, ReportEvent
from afteraction.selectors import TAG_PREFETCH
from apc.core import markings
from apc.core.audit import record_event
from apc.models import Agency
from plans.models import EscalationStage, Strategy, TargetGroup, Tool
from watchlist.models import Country

FORMAT = "apc-afteraction-archive"
SUPPORTED_VERSIONS = frozenset({1})
MANIFEST = "manifest.json"
REPOSITORY = "repository.json"
SCHEMA_FILE = "schema/archive-v1.schema.json"
SCHEMA_SOURCE = Path(__file__).resolve().parent / "schema" / "archive-v1.schema.json"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# What must agree between a report already here and the archive's copy of it: everything but
# where it came from and the country's name (this installation's reference data).
COMPARED = tuple(f for f in REPORT_FIELDS if f not in PROVENANCE and f != "country_name")


class ArchiveError(Exception):
    """The archive cannot be written or read as it is; the message names the problem in one
    line."""


def pdf_path(uid: str) -> str:
    return f"reports/{uid}.pdf"


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of repository.json, version 1."""
    return json.loads(SCHEMA_SOURCE.read_text(encoding="utf-8"))


def validate(repository: Any) -> None:
    """Refuse a repository.json that does not match the schema (naming where and why)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    error = next(iter(sorted(validator.iter_errors(repository), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = " ".join(error.message.split())
        if len(message) > 200:
            message = message[:197] + "..."
        raise ArchiveError(f"repository.json does not match the schema at {where}: {message}")


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _within(marking: str, limit: str | None) -> bool:
    return limit is None or markings.dominates(limit, marking)


# --- Documents ------------------------------------------------------------------------------


def documents(reports: QuerySet[Report], *, max_marking: str | None = None) -> list[dict]:
    """The documents of `reports` (every lesson, link and event, or those at or below
    `max_marking`), in archive order: series by their first publication, revisions in order.
    A fixed number of queries whatever the number of reports."""
    rows = list(reports.select_related("country", "supersedes"))
    ids = [r.pk for r in rows]
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    links: dict[int, list[NarrativeLink]] = defaultdict(list)
    events: dict[int, list[ReportEvent]] = defaultdict(list)
    lesson_qs = Lesson.objects.filter(report_id__in=ids)
    link_qs = NarrativeLink.objects.filter(report_id__in=ids)
    if max_marking is not None:
        lesson_qs = lesson_qs.filter(marking__in=markings.up_to(max_marking))
        link_qs = link_qs.filter(marking__in=markings.up_to(max_marking))
    for lesson in lesson_qs.select_related("previous").prefetch_related(*TAG_PREFETCH):
        lessons[lesson.report_id].append(lesson)
    for link in link_qs:
        links[link.report_id].append(link)
    for event in ReportEvent.objects.filter(report_id__in=ids):
        events[event.report_id].append(event)
    docs = [report_document(r, lessons[r.pk], links[r.pk], events[r.pk]) for r in rows]
    if max_marking is not None:
        _forget_withheld(docs)
    return ordered(docs)


def _forget_withheld(docs: list[dict]) -> None:
    """A released record names nothing that was withheld: a revision whose predecessor lies
    above the limit, or a lesson whose earlier copy does, says nothing of it (its revision
    number alone tells there was an earlier one; successors order revisions by series and
    number)."""
    reports = {d["uid"] for d in docs}
    lessons = {x["uid"] for d in docs for x in d["lessons"]}
    for d in docs:
        if d["supersedes"] not in reports:
            d["supersedes"] = None
        for x in d["lessons"]:
            if x["previous"] not in lessons:
                x["previous"] = None


def ordered(docs: Iterable[dict]) -> list[dict]:
    """Oldest first: each series at its first publication, its revisions in order."""
    docs = list(docs)
    first: dict[str, str] = {}
    for d in docs:
        when = d["published_at"] or d["commissioned_at"]
        first[d["series"]] = min(first.get(d["series"], when), when)
    return sorted(docs, key=lambda d: (first[d["series"]], d["series"], d["revision"]))


@dataclass
class Selection:
    """What an export releases, and how much it withholds above its limit."""

    docs: list[dict]
    withheld: dict[str, int]


def published(*, max_marking: str | None = None) -> Selection:
    """Every published report, revision and lesson, or those at or below `max_marking`."""
    if max_marking is not None and max_marking not in markings.ORDER:
        raise ArchiveError(f"unknown marking {max_marking!r}: choose one of {markings.ORDER}")
    everything = Report.objects.filter(status=Report.Status.PUBLISHED)
    shown = everything
    if max_marking is not None:
        shown = everything.filter(marking__in=markings.up_to(max_marking))
    docs = documents(shown, max_marking=max_marking)
    withheld = {"reports": 0, "lessons": 0, "links": 0}
    if max_marking is not None:
        withheld = {
            "reports": everything.count() - len(docs),
            "lessons": Lesson.objects.filter(report__in=everything).count()
            - sum(len(d["lessons"]) for d in docs),
            "links": NarrativeLink.objects.filter(report__in=everything).count()
            - sum(len(d["links"]) for d in docs),
        }
    return Selection(docs=docs, withheld=withheld)


def counts(docs: list[dict]) -> dict[str, int]:
    return {
        "reports": len(docs),
        "series": len({d["series"] for d in docs}),
        "lessons": sum(len(d["lessons"]) for d in docs),
        "links": sum(len(d["links"]) for d in docs),
        "events": sum(len(d["events"]) for d in docs),
    }


# --- Writing --------------------------------------------------------------------------------


def _entry(path: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=when.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_archive(
    docs: list[dict],
    out: str | os.PathLike,
    *,
    source: str | None = None,
    max_marking: str | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """Write `docs` (report documents) as one archive file at `out`, each report rendered as
    PDF; returns the manifest. The file appears whole or not at all."""
    from afteraction.pdf import render_report_pdf

    created_at = (created_at or timezone.now()).replace(microsecond=0)
    source = source if source is not None else settings.AFTERACTION_INSTALLATION_NAME
    docs = ordered(docs)
    repository = {"schema_version": SCHEMA_VERSION, "reports": docs}
    validate(repository)
    limit = f", released up to {markings.label(max_marking)}" if max_marking else ""
    label = f"Archive of {source}, {created_at:%Y-%m-%d}{limit}"
    files: dict[str, bytes] = {
        SCHEMA_FILE: SCHEMA_SOURCE.read_bytes(),
        REPOSITORY: _dumps(repository),
    }
    for doc in docs:
        files[pdf_path(doc["uid"])] = bytes(
            render_report_pdf(doc, reader_label=label, now=created_at)
        )
    manifest = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "created_at": instant(created_at),
        "source": source,
        "max_marking": max_marking,
        "highest_marking": markings.highest(highest_marking(d) for d in docs),
        "counts": counts(docs),
        "files": {path: _sha256(data) for path, data in files.items()},
    }
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".archive-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            zf.writestr(_entry(MANIFEST, created_at), _dumps(manifest))
            for path, data in files.items():
                zf.writestr(_entry(path, created_at), data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


@dataclass
class Exported:
    manifest: dict[str, Any]
    withheld: dict[str, int]


def export_repository(out: str | os.PathLike, *, max_marking: str | None = None) -> Exported:
    """Every published report, revision and lesson (at or below `max_marking` when given) as
    one archive file; one audit event says what was released and what withheld."""
    selection = published(max_marking=max_marking)
    manifest = write_archive(selection.docs, out, max_marking=max_marking)
    record_event(
        actor=None,
        action="afteraction.export",
        obj=Report,
        summary=(
            f"{manifest['counts']['reports']} reports, {manifest['counts']['lessons']} lessons "
            f"to {Path(out).name}" + (f", limited to {max_marking}" if max_marking else "")
        ),
        changes={
            "counts": manifest["counts"],
            "withheld": selection.withheld,
            "max_marking": max_marking,
            "created_at": manifest["created_at"],
            "repository_sha256": manifest["files"][REPOSITORY],
        },
        marking=manifest["highest_marking"],
    )
    return Exported(manifest=manifest, withheld=selection.withheld)


# --- Reading and verifying ------------------------------------------------------------------


@dataclass
class Archive:
    """A verified archive: its manifest and its repository.json."""

    manifest: dict[str, Any]
    repository: dict[str, Any]

    @property
    def docs(self) -> list[dict]:
        return self.repository["reports"]


def _read(zf: zipfile.ZipFile, path: str) -> bytes:
    try:
        return zf.read(path)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ArchiveError(f"{path} is damaged in the zip ({exc})") from exc


def _manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_read(zf, MANIFEST))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict):
        raise ArchiveError(f"{MANIFEST} is not a JSON object")
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{MANIFEST} does not describe an {FORMAT} (format is missing or wrong)")
    version = manifest.get("schema_version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        raise ArchiveError(
            f"schema version {version!r} is not supported "
            f"(this installation reads {', '.join(map(str, sorted(SUPPORTED_VERSIONS)))})"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and SHA256.match(v) for k, v in files.items()
    ):
        raise ArchiveError(f"{MANIFEST} has no valid list of files with SHA-256 checksums")
    limit = manifest.get("max_marking")
    if limit is not None and limit not in markings.ORDER:
        raise ArchiveError(f"{MANIFEST} states an unknown marking limit {limit!r}")
    for key in ("source", "created_at"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            raise ArchiveError(f"{MANIFEST} does not say {key.replace('_', ' ')}")
    try:
        parse_instant(manifest["created_at"])
    except ValueError as exc:
        raise ArchiveError(f"{MANIFEST} has an invalid created_at") from exc
    return manifest


def _consistent(manifest: dict[str, Any], docs: list[dict]) -> None:
    """The repository agrees with the manifest: one PDF per report, unique uids, the stated
    marking limit and highest marking, the counts."""
    uids = [d["uid"] for d in docs] + [x["uid"] for d in docs for x in d["lessons"]]
    seen: set[str] = set()
    for uid in uids:
        if uid in seen:
            raise ArchiveError(f"repository.json names uid {uid} twice")
        seen.add(uid)
    expected = {REPOSITORY, SCHEMA_FILE} | {pdf_path(d["uid"]) for d in docs}
    odd = sorted(set(manifest["files"]) ^ expected)
    if odd:
        raise ArchiveError(
            f"the archive's files do not match repository.json ({odd[0]}: one PDF per report)"
        )
    limit = manifest.get("max_marking")
    highest = markings.highest(highest_marking(d) for d in docs)
    if limit is not None and not markings.dominates(limit, highest):
        raise ArchiveError(
            f"the archive holds {markings.label(highest)} material above its stated limit "
            f"{markings.label(limit)}"
        )
    if manifest.get("highest_marking") != highest:
        raise ArchiveError(
            f"{MANIFEST} states the highest marking {manifest.get('highest_marking')!r}, "
            f"the reports hold {highest!r}"
        )
    if manifest.get("counts") != counts(docs):
        raise ArchiveError(f"{MANIFEST}'s counts do not match repository.json")


def read_archive(path: str | os.PathLike) -> Archive:
    """Open and verify an archive; ArchiveError names the first problem found."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ArchiveError("no such file") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"not a readable zip archive ({exc})") from exc
    with zf:
        names = zf.namelist()
        if len(names) != len(set(names)):
            raise ArchiveError("the zip holds the same file twice")
        if MANIFEST not in names:
            raise ArchiveError(f"no {MANIFEST} in the archive")
        manifest = _manifest(zf)
        listed = set(manifest["files"])
        present = set(names) - {MANIFEST}
        missing = sorted(listed - present)
        if missing:
            raise ArchiveError(f"{missing[0]} is listed in the manifest but missing")
        extra = sorted(present - listed)
        if extra:
            raise ArchiveError(f"{extra[0]} is in the archive but not in the manifest")
        for required in (REPOSITORY, SCHEMA_FILE):
            if required not in listed:
                raise ArchiveError(f"{required} is missing")
        contents: dict[str, bytes] = {}
        for name in sorted(listed):
            data = _read(zf, name)
            if _sha256(data) != manifest["files"][name]:
                raise ArchiveError(f"{name} does not match its checksum in the manifest")
            contents[name] = data
    try:
        repository = json.loads(contents[REPOSITORY])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{REPOSITORY} is not valid JSON ({exc})") from exc
    if isinstance(repository, dict) and repository.get("schema_version") != manifest.get(
        "schema_version"
    ):
        raise ArchiveError(f"{REPOSITORY} and {MANIFEST} name different schema versions")
    validate(repository)
    _consistent(manifest, repository["reports"])
    for doc in repository["reports"]:
        if not contents[pdf_path(doc["uid"])].startswith(b"%PDF"):
            raise ArchiveError(f"{pdf_path(doc['uid'])} is not a PDF")
    return Archive(manifest=manifest, repository=repository)


# --- Importing ------------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import did."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lessons_added: int = 0
    lessons_not_added: list[str] = field(default_factory=list)


def _differences(here: dict, there: dict, fields: Iterable[str], loose: Iterable[str]) -> list[str]:
    """The fields in which the record here differs from the archive's; a `loose` field left
    empty here (a predecessor the earlier import could not link) is not a difference."""
    loose = set(loose)
    return [
        f
        for f in fields
        if here.get(f) != there.get(f) and not (f in loose and here.get(f) is None)
    ]


class _Keys:
    """The tags and countries the archive names, resolved by natural key (one query each)."""

    def __init__(self, docs: list[dict]) -> None:
        lessons = [x for d in docs for x in d["lessons"]]
        want = {
            "countries": {c for x in lessons for c in x["countries"]}
            | {d["country"] for d in docs if d["country"]},
            "strategies": {k for x in lessons for k in x["strategies"]},
            "target_groups": {k for x in lessons for k in x["target_groups"]},
            "stages": {k for x in lessons for k in x["stages"]},
            "agencies": {k for x in lessons for k in x["agencies"]},
        }
        self.countries = {c.iso3: c for c in Country.objects.filter(iso3__in=want["countries"])}
        self.strategies = {s.key: s for s in Strategy.objects.filter(key__in=want["strategies"])}
        self.target_groups = {
            g.key: g for g in TargetGroup.objects.filter(key__in=want["target_groups"])
        }
        self.stages = {s.key: s for s in EscalationStage.objects.filter(key__in=want["stages"])}
        self.agencies = {a.code: a for a in Agency.objects.filter(code__in=want["agencies"])}
        pairs = {(t["source"], t["name"]) for x in lessons for t in x["tools"]}
        names = {name for _, name in pairs}
        self.tools = {
            (t.source, t.name): t
            for t in Tool.objects.filter(name__in=names)
            if (t.source, t.name) in pairs
        }

    def check(self, docs: list[dict]) -> None:
        what = {
            "countries": ("country code", self.countries),
            "strategies": ("strategy", self.strategies),
            "target_groups": ("target group", self.target_groups),
            "stages": ("escalation stage", self.stages),
            "agencies": ("agency code", self.agencies),
        }
        for d in docs:
            if d["country"] and d["country"] not in self.countries:
                raise ArchiveError(
                    f"report {d['uid']} names an unknown country code {d['country']!r}"
                )
            for x in d["lessons"]:
                for name, (label, known) in what.items():
                    for key in x[name]:
                        if key not in known:
                            raise ArchiveError(
                                f"lesson {x['uid']} of report {d['uid']} names an unknown "
                                f"{label} {key!r}"
                            )
                for t in x["tools"]:
                    if (t["source"], t["name"]) not in self.tools:
                        raise ArchiveError(
                            f"lesson {x['uid']} of report {d['uid']} names a tool this "
                            f"installation's catalogue lacks: {t['name']!r} ({t['source']})"
                        )


def _provenance(manifest: dict[str, Any], doc: dict[str, Any]) -> str:
    when = parse_instant(manifest["created_at"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    here = f"{manifest['source']} (archive of {when})"
    if doc["imported_from"]:
        here = f"{doc['imported_from']}; via {here}"
    return here[:200]


def _check_existing(docs: list[dict], result: Imported) -> tuple[list[dict], dict[str, int]]:
    """Split the archive into the reports to add and those already here (skipped, or refused
    when they differ); returns the new ones and a map of lesson uid -> pk already here."""
    by_uid = {d["uid"]: d for d in docs}
    existing = {
        str(r.uid): r for r in Report.objects.filter(uid__in=list(by_uid)).only("pk", "uid")
    }
    lesson_uids = [x["uid"] for d in docs for x in d["lessons"]]
    previous_uids = [x["previous"] for d in docs for x in d["lessons"] if x["previous"]]
    lessons_here = {
        str(uid): (pk, report_uid)
        for uid, pk, report_uid in Lesson.objects.filter(
            uid__in=lesson_uids + previous_uids
        ).values_list("uid", "pk", "report__uid")
    }
    here_docs = {}
    if existing:
        pks = [r.pk for r in existing.values()]
        here_docs = {d["uid"]: d for d in documents(Report.objects.filter(pk__in=pks))}
    new = []
    for doc in docs:
        local = here_docs.get(doc["uid"])
        if local is None:
            for x in doc["lessons"]:
                if x["uid"] in lessons_here:
                    raise ArchiveError(
                        f"lesson {x['uid']} of report {doc['uid']} is already here in another "
                        f"report ({lessons_here[x['uid']][1]})"
                    )
            new.append(doc)
            continue
        changed = _differences(local, doc, COMPARED, loose=("supersedes",))
        if changed:
            raise ArchiveError(
                f"report {doc['uid']} ({doc['title'][:60]}) is already here and differs in "
                f"{', '.join(changed)}: a published report never changes"
            )
        local_lessons = {x["uid"]: x for x in local["lessons"]}
        for x in doc["lessons"]:
            mine = local_lessons.get(x["uid"])
            if mine is None:
                if x["uid"] in lessons_here:
                    raise ArchiveError(
                        f"lesson {x['uid']} of report {doc['uid']} is already here in another "
                        f"report ({lessons_here[x['uid']][1]})"
                    )
                # the report was published here without it (an earlier, limited archive):
                # a published report takes no new lesson
                result.lessons_not_added.append(x["uid"])
                continue
            changed = _differences(mine, x, LESSON_FIELDS, loose=("previous",))
            if changed:
                raise ArchiveError(
                    f"lesson {x['uid']} of report {doc['uid']} is already here and differs in "
                    f"{', '.join(changed)}: a published report never changes"
                )
        result.skipped.append(doc["uid"])
    return new, {uid: pk for uid, (pk, _) in lessons_here.items()}


def _add(
    doc: dict,
    *,
    keys: _Keys,
    provenance: str,
    reports: dict[str, int],
    lessons: dict[str, int],
    now: datetime,
) -> int:
    """Insert one report in review with its lessons, tags, links and history, then publish it
    with one UPDATE (the triggers refuse children of a published report). Returns the number
    of lessons added."""
    report = Report(
        uid=doc["uid"],
        series=doc["series"],
        revision=doc["revision"],
        supersedes_id=reports.get(doc["supersedes"]) if doc["supersedes"] else None,
        title=doc["title"],
        marking=doc["marking"],
        status=Report.Status.IN_REVIEW,
        subject=doc["subject"],
        subject_label=doc["subject_label"],
        country=keys.countries.get(doc["country"]) if doc["country"] else None,
        year=doc["year"],
        period_start=parse_day(doc["period_start"]),
        period_end=parse_day(doc["period_end"]),
        scope_questions=doc["scope_questions"],
        due_on=parse_day(doc["due_on"]),
        commissioned_by=None,
        commissioned_by_name=doc["commissioned_by"],
        commissioned_at=parse_instant(doc["commissioned_at"]),
        summary=doc["summary"],
        narrative=doc["narrative"],
        findings=doc["findings"],
        authors_display=doc["authors"],
        updated_at=now,
        published_at=parse_instant(doc["published_at"]),
        published_by_name=doc["published_by"],
        imported_from=provenance,
        imported_at=now,
    )
    try:
        report.full_clean(validate_unique=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{k}: {' '.join(v)}"
            for k, v in getattr(exc, "message_dict", {"": exc.messages}).items()
        )
        raise ArchiveError(f"report {doc['uid']} is not valid here ({problems})") from exc
    report.save(force_insert=True)
    reports[doc["uid"]] = report.pk
    through: dict[str, list] = defaultdict(list)
    for x in doc["lessons"]:
        lesson = Lesson.objects.create(
            uid=x["uid"],
            report=report,
            position=x["position"],
            statement=x["statement"],
            recommendation=x["recommendation"],
            evidence=x["evidence"],
            outcome=x["outcome"],
            marking=x["marking"],
            previous_id=lessons.get(x["previous"]) if x["previous"] else None,
        )
        lessons[x["uid"]] = lesson.pk
        rel = Lesson.countries.through
        through["countries"] += [
            rel(lesson=lesson, country=keys.countries[c]) for c in x["countries"]
        ]
        rel = Lesson.tools.through
        through["tools"] += [
            rel(lesson=lesson, tool=keys.tools[(t["source"], t["name"])]) for t in x["tools"]
        ]
        rel = Lesson.strategies.through
        through["strategies"] += [
            rel(lesson=lesson, strategy=keys.strategies[k]) for k in x["strategies"]
        ]
        rel = Lesson.target_groups.through
        through["target_groups"] += [
            rel(lesson=lesson, targetgroup=keys.target_groups[k]) for k in x["target_groups"]
        ]
        rel = Lesson.stages.through
        through["stages"] += [
            rel(lesson=lesson, escalationstage=keys.stages[k]) for k in x["stages"]
        ]
        rel = Lesson.agencies.through
        through["agencies"] += [rel(lesson=lesson, agency=keys.agencies[k]) for k in x["agencies"]]
    for name, rows in through.items():
        if rows:
            getattr(Lesson, name).through.objects.bulk_create(rows)
    NarrativeLink.objects.bulk_create(
        [
            NarrativeLink(
                report=report,
                kind=x["kind"],
                label=x["label"],
                occurred_on=parse_day(x["occurred_on"]),
                position=x["position"],
                marking=x["marking"],
            )
            for x in doc["links"]
        ]
    )
    ReportEvent.objects.bulk_create(
        [
            ReportEvent(
                report=report,
                action=e["action"],
                from_status=e["from"],
                to_status=e["to"],
                actor=None,
                actor_name=e["actor"],
                comment=e["comment"],
                at=parse_instant(e["at"]),
            )
            for e in doc["events"]
        ]
    )
    # the last UPDATE the report takes: from here on the database refuses any change
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    return len(doc["lessons"])


def import_archive(archive: Archive) -> Imported:
    """Load a verified archive in one transaction: new reports are added (revisions after the
    reports they correct), reports already here are skipped, and the import is refused, with
    nothing changed, if one of them differs or if the archive names a country or tag this
    installation does not hold."""
    docs = sorted(archive.docs, key=lambda d: d["revision"])  # a predecessor first
    result = Imported()
    keys = _Keys(docs)
    try:
        with transaction.atomic():
            new, lessons = _check_existing(docs, result)
            keys.check(new)
            reports = {
                str(uid): pk
                for uid, pk in Report.objects.filter(
                    uid__in=[d["supersedes"] for d in new if d["supersedes"]]
                ).values_list("uid", "pk")
            }
            taken = set(
                Report.objects.filter(series__in={d["series"] for d in new}).values_list(
                    "series", "revision"
                )
            )
            for d in new:
                if (uuid.UUID(d["series"]), d["revision"]) in taken:
                    raise ArchiveError(
                        f"report {d['uid']}: revision {d['revision']} of its series is "
                        "already here as another report"
                    )
            now = timezone.now()
            for doc in new:
                result.lessons_added += _add(
                    doc,
                    keys=keys,
                    provenance=_provenance(archive.manifest, doc),
                    reports=reports,
                    lessons=lessons,
                    now=now,
                )
                result.added.append(doc["uid"])
            record_event(
                actor=None,
                action="afteraction.import",
                obj=Report,
                summary=(
                    f"{len(result.added)} reports added, {len(result.skipped)} skipped, from "
                    f"{archive.manifest['source']} (archive of {archive.manifest['created_at']})"
                )[:300],
                changes={
                    "source": archive.manifest["source"],
                    "created_at": archive.manifest["created_at"],
                    "max_marking": archive.manifest.get("max_marking"),
                    "repository_sha256": archive.manifest["files"][REPOSITORY],
                    "added": len(result.added),
                    "skipped": len(result.skipped),
                    "lessons_added": result.lessons_added,
                    "lessons_not_added": len(result.lessons_not_added),
                },
                marking=markings.highest(
                    highest_marking(d) for d in docs if d["uid"] in set(result.added)
                ),
            )
    except (IntegrityError, DatabaseError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ArchiveError(f"the database refused the import ({first})") from exc
    return result


def import_repository(path: str | os.PathLike) -> tuple[Archive, Imported]:
    """Verify the archive at `path`, then import it (ArchiveError names what is wrong)."""
    archive = read_archive(path)
    return archive, import_archive(archive)


def manifest_of(data: bytes) -> dict[str, Any]:
    """The manifest of an archive given as bytes (unverified: for tests and tools)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read(MANIFEST))
