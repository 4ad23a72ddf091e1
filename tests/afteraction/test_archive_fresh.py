"""Export → import into a fresh installation: the archive written here (PostgreSQL) is loaded by
`manage.py import_repository` into a newly migrated database on the embedded default (SQLite),
as a successor administration would, and the reports read back there are the ones exported.

Source: issue 7, "Tests that must exist": "Export → import into a fresh database reproduces every
report, revision and lesson; ... importing twice adds nothing"; "Done when": a report "travels
to a fresh installation through the archive"; seeds/000, "Crisis Response Structure and
Process": a permanent repository "made available to succeeding administrations".

One migrate for the module (a subprocess, ~30 s); each test imports into its own copy.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3

import pytest
from django.core.management import call_command

from apc.core import markings
from tests.afteraction import archive_support as a
from tests.processes import clean_env, manage

pytestmark = pytest.mark.django_db

# Prints the documents of every report the fresh installation holds, read through the same
# code that wrote the archive (afteraction.archive.documents), between markers.
DUMP = (
    "import json; from afteraction.archive import documents; "
    "from afteraction.models import Report; "
    "print('<<<' + json.dumps(documents(Report.objects.all())) + '>>>')"
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A freshly migrated embedded-default database (reference data loaded by the migrations:
    countries, agencies, the tool catalogue), copied by each test."""
    var = tmp_path_factory.mktemp("fresh-installation")
    db = var / "template.sqlite3"
    result = manage("migrate", "--noinput", env=env_for(db, var), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def env_for(db, var) -> dict[str, str]:
    return clean_env(
        DATABASE_URL=f"sqlite:///{db}",
        APC_VAR_DIR=str(var),
        AFTERACTION_INSTALLATION_NAME="The successor administration",
    )


@pytest.fixture
def built():
    return a.corpus()


@pytest.fixture
def fresh(migrated, tmp_path):
    db = tmp_path / "fresh.sqlite3"
    shutil.copy(migrated, db)
    return db


def run(db, *args: str):
    return manage(*args, env=env_for(db, db.parent), timeout=300)


def dump(db) -> list[dict]:
    result = run(db, "shell", "-c", DUMP)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("<<<", 1)[1].rsplit(">>>", 1)[0])


def export(path, *args: str) -> None:
    call_command("export_repository", str(path), *args, stdout=io.StringIO())


def test_export_then_import_into_a_fresh_database_reproduces_every_report(built, fresh, tmp_path):
    archive = tmp_path / "repository.zip"
    export(archive)
    exported = a.repository(archive)["reports"]
    assert len(exported) == 5

    result = run(fresh, "import_repository", str(archive))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "5 reports added (7 lessons), 0 already here skipped." in result.stdout

    back = dump(fresh)
    # every report, revision and lesson, with its tags, links, history and markings
    assert a.without_provenance(back) == a.without_provenance(exported)
    assert {d["imported_from"] for d in back} == {
        f"{a.manifest(archive)['source']} (archive of "
        f"{a.manifest(archive)['created_at'][:10]} "
        f"{a.manifest(archive)['created_at'][11:16]} UTC)"
    }
    with sqlite3.connect(fresh) as conn:
        rows = conn.execute(
            "SELECT status, count(*), count(supersedes_id), count(commissioned_by_id) "
            "FROM afteraction_report GROUP BY status"
        ).fetchall()
        assert rows == [("published", 5, 2, 0)]
        # the permanence triggers hold on the imported reports
        with pytest.raises(sqlite3.DatabaseError, match="published after-action report"):
            conn.execute("UPDATE afteraction_report SET title = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="published after-action report"):
            conn.execute("DELETE FROM afteraction_lesson")

    # importing twice adds nothing
    again = run(fresh, "import_repository", str(archive))
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 reports added (0 lessons), 5 already here skipped." in again.stdout
    assert dump(fresh) == back


def test_a_limited_release_reaches_the_successor_without_what_is_above_it(built, fresh, tmp_path):
    archive = tmp_path / "release-c.zip"
    export(archive, "--max-marking", "C")
    result = run(fresh, "import_repository", str(archive))
    assert result.returncode == 0, result.stderr[-3000:]
    docs = dump(fresh)
    assert sorted(d["title"] for d in docs) == ["DRC 2014-18", "Kenya 2007-08", "Kenya 2007-08"]
    assert {d["uid"] for d in docs} == {str(built[k].uid) for k in ("kenya", "kenya2", "drc2")}
    assert all(a.SECRET_LESSON not in json.dumps(d) for d in docs)
    assert markings.dominates(
        "C", markings.highest(x["marking"] for d in docs for x in d["lessons"])
    )
    kenya = next(d for d in docs if d["uid"] == str(built["kenya"].uid))
    assert sorted(x["marking"] for x in kenya["links"]) == ["C", "U"]
    drc2 = next(d for d in docs if d["title"] == "DRC 2014-18")
    # the SECRET predecessor did not travel: the revision stands alone
    assert drc2["supersedes"] is None and drc2["marking"] == "C"
    assert drc2["lessons"][0]["previous"] is None


def test_a_tampered_archive_is_refused_by_the_command(built, fresh, tmp_path):
    archive = tmp_path / "repository.zip"
    export(archive)
    files = a.entries(archive)
    files["repository.json"] = files["repository.json"].replace(b"1,100 killed", b"1,000 killed")
    tampered = a.rezip(archive, tmp_path / "tampered.zip", files)
    result = run(fresh, "import_repository", str(tampered))
    assert result.returncode == 1
    assert (
        f"CommandError: Refused {tampered}: repository.json does not match its checksum in the "
        "manifest. Nothing was imported." in result.stderr
    )
    assert dump(fresh) == []
