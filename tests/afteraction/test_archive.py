"""The repository's archive for successor administrations (afteraction/archive.py and the
export_repository / import_repository commands), in process against PostgreSQL.

Source: issue 7, "Permanence and handover": "`export_repository OUT` writes a self-contained
archive (one file): every published report, revision and lesson as JSON with a schema version,
and each report rendered as PDF, with a manifest of checksums. `import_repository FILE` loads
such an archive into an empty or existing installation, idempotently (importing twice adds
nothing), verifying checksums first and refusing a damaged archive with a clear message. Exports
carry markings and can be limited to a maximum marking"; seeds/000, "Crisis Response Structure
and Process": a permanent repository "made available to succeeding administrations".
(The import into a fresh database is tests/afteraction/test_archive_fresh.py.)
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from afteraction.archive import documents, write_archive
from afteraction.document import TAGS
from afteraction.models import Lesson, NarrativeLink, Report, ReportEvent
from apc.models import AuditEvent
from tests.afteraction import archive_support as a
from tests.afteraction import support as s

pytestmark = pytest.mark.django_db


def export(path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_repository", str(path), *args, stdout=out)
    return out.getvalue()


def load(path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_repository", str(path), *args, stdout=out)
    return out.getvalue()


def state() -> tuple:
    """What the repository holds (to show that a refused import changed nothing)."""
    tags = sum(getattr(Lesson, n).through.objects.count() for n in TAGS)
    return (
        Report.objects.count(),
        Lesson.objects.count(),
        NarrativeLink.objects.count(),
        ReportEvent.objects.count(),
        tags,
        AuditEvent.objects.filter(action="afteraction.import").count(),
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def built():
    return a.corpus()


# --- Export ---------------------------------------------------------------------------------


def test_the_export_is_one_file_that_describes_itself(built, tmp_path, settings):
    settings.AFTERACTION_INSTALLATION_NAME = "APC, administration of 2025"
    path = tmp_path / "repository.zip"
    out = export(path)
    assert "5 reports (3 series), 7 lessons" in out
    files = a.entries(path)
    manifest = json.loads(files["manifest.json"])
    published = [built[k] for k in ("kenya", "kenya2", "syria", "drc", "drc2")]
    assert set(files) == {
        "manifest.json",
        "repository.json",
        "schema/archive-v1.schema.json",
        *(f"reports/{r.uid}.pdf" for r in published),
    }
    assert manifest["format"] == "apc-afteraction-archive"
    assert manifest["schema_version"] == 1
    assert manifest["source"] == "APC, administration of 2025"
    assert manifest["max_marking"] is None
    assert manifest["highest_marking"] == "S"
    assert manifest["counts"] == {
        "reports": 5,
        "series": 3,
        "lessons": 7,
        "links": 4,
        "events": sum(r.events.count() for r in published),
    }
    # every file but the manifest is listed with its checksum
    assert manifest["files"] == {n: sha256(d) for n, d in files.items() if n != "manifest.json"}
    # the JSON validates against the schema the archive carries
    repo = json.loads(files["repository.json"])
    schema = json.loads(files["schema/archive-v1.schema.json"])
    assert not list(Draft202012Validator(schema).iter_errors(repo))
    assert repo["schema_version"] == 1
    # oldest first, revisions after the reports they correct; the draft is not exported
    uids = [d["uid"] for d in repo["reports"]]
    assert uids == [str(built[k].uid) for k in ("kenya", "kenya2", "syria", "drc", "drc2")]
    kenya, kenya2 = repo["reports"][0], repo["reports"][1]
    assert kenya2["supersedes"] == kenya["uid"] and kenya2["series"] == kenya["series"]
    assert [x["previous"] for x in kenya2["lessons"]] == [x["uid"] for x in kenya["lessons"]]
    # markings travel: the report's, each lesson's, each link's
    assert [x["marking"] for x in kenya["lessons"]] == ["U", "S"]
    assert sorted(x["marking"] for x in kenya["links"]) == ["C", "U"]
    lesson = kenya["lessons"][0]
    assert lesson["countries"] == ["KEN"]
    assert lesson["target_groups"] == ["decision_makers", "perpetrators"]
    assert lesson["agencies"] == ["state"] and lesson["stages"] == ["acute"]
    assert lesson["tools"][0]["name"] == "Mediation"
    assert [e["action"] for e in kenya["events"]] == ["commission", "start", "submit", "publish"]
    # each report as PDF, marked with what it holds
    text = pdf_text(files[f"reports/{built['kenya'].uid}.pdf"])
    assert "SECRET" in text and a.SECRET_LESSON[:30] in text
    # one audit event, no actor, with the counts
    event = AuditEvent.objects.get(action="afteraction.export")
    assert event.actor_id is None and event.marking == "S"
    assert event.changes["counts"]["reports"] == 5


def test_a_marking_limited_export_leaves_out_what_it_must(built, tmp_path):
    path = tmp_path / "release-c.zip"
    out = export(path, "--max-marking", "C")
    assert "withheld 2 reports, 4 lessons and 0 narrative links" in out
    files = a.entries(path)
    manifest = json.loads(files["manifest.json"])
    repo = json.loads(files["repository.json"])
    assert manifest["max_marking"] == "C" and manifest["highest_marking"] == "C"
    # the manifest states the limit, not how much lies above it
    assert "withheld" not in json.dumps(manifest)
    by_uid = {d["uid"]: d for d in repo["reports"]}
    # the SECRET reports and everything of theirs are left out
    assert set(by_uid) == {str(built[k].uid) for k in ("kenya", "kenya2", "drc2")}
    assert f"reports/{built['syria'].uid}.pdf" not in files
    assert f"reports/{built['drc'].uid}.pdf" not in files
    # the SECRET lesson is left out of both Kenya revisions; the CONFIDENTIAL link is kept
    kenya = by_uid[str(built["kenya"].uid)]
    assert [x["marking"] for x in kenya["lessons"]] == ["U"]
    assert sorted(x["marking"] for x in kenya["links"]) == ["C", "U"]
    for name, data in files.items():
        if name.endswith(".pdf"):
            text = pdf_text(data)
            assert "PELICAN" not in text and "SECRET" not in text
    # a revision whose predecessor is left out names nothing above the limit
    drc2 = by_uid[str(built["drc2"].uid)]
    assert str(built["drc"].uid) not in by_uid
    assert drc2["supersedes"] is None and drc2["revision"] == 2
    assert all(x["previous"] is None for x in drc2["lessons"])

    path_u = tmp_path / "release-u.zip"
    export(path_u, "--max-marking", "U")
    repo_u = a.repository(path_u)
    assert [d["uid"] for d in repo_u["reports"]] == [str(built[k].uid) for k in ("kenya", "kenya2")]
    assert all(x["marking"] == "U" for d in repo_u["reports"] for x in d["links"])
    assert len(repo_u["reports"][0]["links"]) == 1
    assert a.manifest(path_u)["highest_marking"] == "U"


# --- Import ---------------------------------------------------------------------------------


def test_importing_into_the_installation_it_came_from_adds_nothing(built, tmp_path):
    path = tmp_path / "repository.zip"
    export(path)
    before = state()
    out = load(path)
    assert "0 reports added (0 lessons), 5 already here skipped." in out
    out = load(path)
    assert "0 reports added" in out
    assert state()[:5] == before[:5]


def test_an_archive_from_another_installation_is_imported_whole(built, tmp_path):
    """The reports of another installation (same repository, other uids) are added, published,
    with their revisions, lessons, tags, links and history; a second import adds nothing."""
    exported = tmp_path / "repository.zip"
    export(exported)
    docs = a.fresh_copy(a.repository(exported)["reports"])
    path = tmp_path / "other.zip"
    manifest = write_archive(docs, path, source="The previous administration")
    before = state()
    out = load(path)
    assert "5 reports added (7 lessons), 0 already here skipped." in out
    assert state()[0] == before[0] + 5

    uids = [d["uid"] for d in docs]
    imported = Report.objects.filter(uid__in=uids)
    back = documents(imported)
    assert a.without_provenance(back) == a.without_provenance(docs)
    for doc in back:
        assert doc["imported_from"].startswith("The previous administration (archive of ")
    assert manifest["created_at"][:10] in back[0]["imported_from"]
    for report in imported:
        assert report.status == Report.Status.PUBLISHED
        assert report.imported_at is not None
        assert report.commissioned_by_id is None and report.plan_id is None
        assert all(e.actor_id is None and e.actor_name for e in report.events.all())
        assert all(link.meeting_id is None for link in report.links.all())
    kenya2 = imported.get(uid=docs[1]["uid"])
    assert str(kenya2.supersedes.uid) == docs[0]["uid"]
    assert {str(x.previous.uid) for x in kenya2.lessons.all()} == {
        x["uid"] for x in docs[0]["lessons"]
    }
    # what was imported is as permanent as what was written here
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE afteraction_report SET title = 'x' WHERE id = %s", [kenya2.pk])
    after = state()
    assert "0 reports added" in load(path)
    assert state()[:5] == after[:5]


def test_a_limited_release_then_the_full_archive(built, tmp_path):
    """A successor given a CONFIDENTIAL release, then the full archive, gets the reports it
    lacked; the published reports it already holds do not change (their SECRET lesson is not
    added, and the import says so)."""
    limited, full = tmp_path / "c.zip", tmp_path / "full.zip"
    export(limited, "--max-marking", "C")
    export(full)
    mapping: dict[str, str] = {}
    docs_c = a.fresh_copy(a.repository(limited)["reports"], mapping)
    docs_full = a.fresh_copy(a.repository(full)["reports"], mapping)
    write_archive(docs_c, tmp_path / "other-c.zip", source="Previous", max_marking="C")
    write_archive(docs_full, tmp_path / "other-full.zip", source="Previous")

    assert "3 reports added" in load(tmp_path / "other-c.zip")
    drc2 = Report.objects.get(uid=mapping[str(built["drc2"].uid)])
    # its predecessor was not released: the link stays empty, the lesson's too
    assert drc2.supersedes_id is None
    assert drc2.lessons.get().previous_id is None

    out = load(tmp_path / "other-full.zip")
    assert "2 reports added (2 lessons), 3 already here skipped." in out
    assert "2 lessons of reports already published here were not added" in out
    kenya = Report.objects.get(uid=mapping[str(built["kenya"].uid)])
    assert kenya.lessons.count() == 1
    assert not Lesson.objects.filter(statement=a.SECRET_LESSON, report__imported_at__isnull=False)


@pytest.fixture
def pristine(tmp_path):
    """An archive of one CONFIDENTIAL report, with a tagged lesson, that this installation does
    not hold yet (another installation's copy of a report exported here)."""
    s.published_report(
        title="Central African Republic 2013-14",
        iso3="CAF",
        marking="C",
        lessons=[{"statement": "Support the regional force early.", "countries": ["CAF"]}],
    )
    exported = tmp_path / "here.zip"
    export(exported)
    path = tmp_path / "pristine.zip"
    write_archive(a.fresh_copy(a.repository(exported)["reports"]), path, source="Elsewhere")
    return path


def test_the_pristine_archive_imports(pristine):
    """The control of the tampering tests below: untouched, the archive imports."""
    before = state()
    assert "1 reports added (1 lessons)" in load(pristine)
    assert state()[0] == before[0] + 1


def _flip(data: bytes, at: int | None = None) -> bytes:
    at = len(data) // 2 if at is None else at
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _pdf(files: dict[str, bytes]) -> str:
    return next(n for n in files if n.endswith(".pdf"))


def _edit_manifest(files: dict[str, bytes], change) -> dict[str, bytes]:
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    return {**files, "manifest.json": json.dumps(manifest).encode()}


def _invalid_outcome(files: dict[str, bytes]) -> dict[str, bytes]:
    """repository.json against the schema, its checksum put right in the manifest."""
    repo = json.loads(files["repository.json"])
    repo["reports"][0]["lessons"][0]["outcome"] = "splendid"
    data = json.dumps(repo).encode()
    files = {**files, "repository.json": data}
    return _edit_manifest(files, lambda m: m["files"].update({"repository.json": sha256(data)}))


TAMPERING = {
    "one byte of repository.json": (
        lambda f: {**f, "repository.json": _flip(f["repository.json"])},
        r"repository\.json does not match its checksum in the manifest",
    ),
    "one byte of a PDF": (
        lambda f: {**f, _pdf(f): _flip(f[_pdf(f)])},
        r"reports/[0-9a-f-]+\.pdf does not match its checksum in the manifest",
    ),
    "a file removed": (
        lambda f: {k: v for k, v in f.items() if k != _pdf(f)},
        r"reports/[0-9a-f-]+\.pdf is listed in the manifest but missing",
    ),
    "an extra file": (
        lambda f: {**f, "reports/extra.pdf": b"%PDF-1.7"},
        r"reports/extra\.pdf is in the archive but not in the manifest",
    ),
    "the manifest removed": (
        lambda f: {k: v for k, v in f.items() if k != "manifest.json"},
        r"no manifest\.json in the archive",
    ),
    "a checksum edited": (
        lambda f: _edit_manifest(f, lambda m: m["files"].update({"repository.json": "0" * 64})),
        r"repository\.json does not match its checksum",
    ),
    "the marking limit edited": (
        lambda f: _edit_manifest(f, lambda m: m.update(max_marking="U")),
        r"holds CONFIDENTIAL material above its stated limit UNCLASSIFIED",
    ),
    "the counts edited": (
        lambda f: _edit_manifest(f, lambda m: m["counts"].update(lessons=2)),
        r"manifest\.json's counts do not match repository\.json",
    ),
    "an unknown schema version": (
        lambda f: _edit_manifest(f, lambda m: m.update(schema_version=2)),
        r"schema version 2 is not supported",
    ),
    "repository.json against the schema": (
        _invalid_outcome,
        r"repository\.json does not match the schema at reports/0/lessons/0/outcome",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_a_tampered_archive_is_refused_and_changes_nothing(case, pristine, tmp_path):
    change, message = TAMPERING[case]
    path = a.rezip(pristine, tmp_path / "tampered.zip", change(a.entries(pristine)))
    before = state()
    with pytest.raises(CommandError, match=message) as refused:
        load(path)
    assert str(refused.value).startswith(f"Refused {path}: ")
    assert str(refused.value).endswith("Nothing was imported.")
    assert "\n" not in str(refused.value)
    assert state() == before


def test_a_damaged_file_is_refused(pristine, tmp_path):
    before = state()
    data = pristine.read_bytes()
    broken = tmp_path / "broken.zip"
    for at in (len(data) // 3, len(data) // 2, len(data) - 30):
        broken.write_bytes(_flip(data, at))
        with pytest.raises(CommandError, match=r"^Refused .*Nothing was imported\.$"):
            load(broken)
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="not a readable zip archive"):
        load(broken)
    with pytest.raises(CommandError, match="no such file"):
        load(tmp_path / "missing.zip")
    assert state() == before


def test_an_archive_that_contradicts_a_published_report_is_refused(pristine, tmp_path):
    """A report or lesson already here never changes: an archive that says otherwise about it
    is refused, naming it."""
    load(pristine)
    docs = a.repository(pristine)["reports"]
    before = state()
    changed = json.loads(json.dumps(docs))
    changed[0]["title"] = "Central African Republic 2013-15"
    write_archive(changed, tmp_path / "title.zip", source="Elsewhere")
    with pytest.raises(CommandError, match=rf"report {docs[0]['uid']} .* differs in title"):
        load(tmp_path / "title.zip")
    changed = json.loads(json.dumps(docs))
    changed[0]["lessons"][0]["statement"] = "Something else."
    write_archive(changed, tmp_path / "lesson.zip", source="Elsewhere")
    uid = docs[0]["lessons"][0]["uid"]
    with pytest.raises(CommandError, match=rf"lesson {uid} .* differs in statement"):
        load(tmp_path / "lesson.zip")
    assert state() == before


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("country", "XXK", r"unknown country code 'XXK'"),
        ("strategies", ["charm"], r"unknown strategy 'charm'"),
        ("tools", [{"source": "Nowhere", "name": "Magic"}], r"catalogue lacks: 'Magic'"),
        ("agencies", ["mi6"], r"unknown agency code 'mi6'"),
    ],
)
def test_an_archive_naming_what_this_installation_lacks_is_refused(
    where, value, message, pristine, tmp_path
):
    docs = a.fresh_copy(a.repository(pristine)["reports"])
    if where == "country":
        docs[0]["country"] = value
    else:
        docs[0]["lessons"][0][where] = value
    write_archive(docs, tmp_path / "odd.zip", source="Elsewhere")
    before = state()
    with pytest.raises(CommandError, match=message):
        load(tmp_path / "odd.zip")
    assert state() == before


def test_verify_only_imports_nothing(pristine):
    before = state()
    out = load(pristine, "--verify-only")
    assert "Verified" in out and "1 reports from Elsewhere" in out
    assert state() == before
