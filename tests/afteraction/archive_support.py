"""Builders for the archive tests: a repository with revisions and markings worth releasing,
built through the services, and helpers that copy or damage an archive."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from afteraction import services
from afteraction.models import Report
from apc.models import Agency
from tests.afteraction import support as s
from tests.factories import MeetingFactory

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SECRET_LESSON = "PELICAN reporting showed the militia commanders were paid from the capital."


def revise(report: Report, writer, *, summary: str, marking: str | None = None) -> Report:
    """Correct a published report: a revision with a new summary (and marking), published."""
    revision = services.report_revise(
        actor=s.directorate(), report=report, reason="The death toll was revised."
    )
    s.write(revision, writer, summary=summary)
    if marking and marking != revision.marking:  # only the directorate lowers a marking
        services.marking_change(
            actor=s.directorate(), report=revision, marking=marking, reason="Declassified."
        )
    return s.publish(revision, writer)


def corpus() -> dict[str, Report]:
    """Published reports at several markings (seeds/003, Annex A case illustrations):
    - kenya (U), with a tagged U lesson, a SECRET lesson, links to a U and a C meeting, and its
      revision kenya2 (U), which copies them;
    - syria (SECRET), with an unclassified lesson;
    - drc (SECRET) and its revision drc2 marked CONFIDENTIAL;
    - a report still in drafting (never exported)."""
    writer = s.author()
    kenya = s.commission(authors=[writer], title="Kenya 2007-08", iso3="KEN")
    s.write(kenya, writer, summary="Post-election violence; about 1,100 killed.")
    s.lesson(
        kenya,
        writer,
        "Mediation by regional leaders ended the violence within weeks.",
        countries=["KEN"],
        tools=[s.tool("Mediation").pk],
        strategies=[s.strategy("dissuade").pk],
        target_groups=[s.group("decision_makers").pk, s.group("perpetrators").pk],
        stages=[s.stage("acute").pk],
        agencies=[Agency.objects.get(code="state").pk],
        evidence="Power-sharing accord of 28 February 2008.",
    )
    s.lesson(kenya, writer, SECRET_LESSON, marking="S", outcome="mixed")
    for marking, level in (("U", "apc"), ("C", "deputies")):
        services.link_add(
            actor=writer,
            report=kenya,
            kind="meeting",
            record=MeetingFactory(marking=marking, level=level),
        )
    kenya = s.publish(kenya, writer)
    kenya2 = revise(kenya, writer, summary="Post-election violence; about 1,300 killed.")

    syria = s.published_report(
        writer=writer,
        title="Syria 2011-",
        iso3="SYR",
        marking="S",
        lessons=[{"statement": "Threats without enforcement invited escalation."}],
    )
    drc = s.published_report(
        writer=writer,
        title="DRC 2014-18",
        iso3="COD",
        marking="S",
        lessons=[{"statement": "Electoral support needs early, sustained pressure."}],
    )
    drc2 = revise(drc, writer, summary="Declassified account.", marking="C")
    draft = s.commission(authors=[writer], title="Still drafting", iso3="CAF")
    return {
        "kenya": kenya,
        "kenya2": kenya2,
        "syria": syria,
        "drc": drc,
        "drc2": drc2,
        "draft": draft,
    }


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def repository(path: Path) -> dict[str, Any]:
    return json.loads(entries(path)["repository.json"])


def manifest(path: Path) -> dict[str, Any]:
    return json.loads(entries(path)["manifest.json"])


def rezip(path: Path, out: Path, files: dict[str, bytes]) -> Path:
    """Write `files` (name -> bytes, in that order) as a zip at `out`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    out.write_bytes(buf.getvalue())
    return out


def fresh_copy(docs: list[dict], mapping: dict[str, str] | None = None) -> list[dict]:
    """The documents with every uid (report, series, lesson, predecessor) replaced by a new one,
    consistently: the same repository as another installation would hold it. Pass the same
    `mapping` to copy several archives of one source alike."""
    mapping = {} if mapping is None else mapping

    def swap(match: re.Match) -> str:
        return mapping.setdefault(match.group(0), str(uuid.uuid4()))

    return json.loads(UUID.sub(swap, json.dumps(docs)))


def without_provenance(docs: list[dict]) -> list[dict]:
    return [{k: v for k, v in d.items() if k != "imported_from"} for d in docs]
