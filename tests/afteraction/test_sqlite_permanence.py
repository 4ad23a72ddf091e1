"""On the embedded default (SQLite) the database itself refuses to change or delete a published
after-action report and anything that belongs to it (afteraction/permanence.py, migration 0002),
whatever the client: here the sqlite3 module, with no Django in between.

Source: issue 7, "A published report never changes and is never deleted, by anyone, through any
path"; seeds/000, "Crisis Response Structure and Process": "a permanent and accessible
repository".

One migrate run for the module (a subprocess with the embedded default's settings, as in
tests/apc/test_sqlite_guards.py); the rows are written by raw inserts following the triggers'
rules: a report is written while it is a draft and published by its last UPDATE.
"""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from afteraction.permanence import CHILDREN, REPORT, TAGS
from tests.processes import clean_env, manage

REFUSED = "belongs to a published after-action report"
TAG_COLUMNS = {
    "afteraction_lesson_countries": ("country_id", "watchlist_country", "iso3"),
    "afteraction_lesson_tools": ("tool_id", "plans_tool", "id"),
    "afteraction_lesson_strategies": ("strategy_id", "plans_strategy", "id"),
    "afteraction_lesson_target_groups": ("targetgroup_id", "plans_targetgroup", "id"),
    "afteraction_lesson_stages": ("escalationstage_id", "plans_escalationstage", "id"),
    "afteraction_lesson_agencies": ("agency_id", "apc_agency", "id"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    var = tmp_path_factory.mktemp("sqlite-afteraction")
    result = manage("migrate", "--noinput", env=clean_env(APC_VAR_DIR=str(var)), timeout=300)
    assert result.returncode == 0, result.stderr
    return var / "apc.sqlite3"


def insert(conn: sqlite3.Connection, table: str, **values) -> int:
    """Insert a row with `values` and something valid in every other NOT NULL column."""
    for _cid, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
        if pk or not notnull or default is not None or name in values:
            continue
        kind = kind.lower()
        if any(t in kind for t in ("int", "bool", "real", "decimal", "numeric")):
            values[name] = 1
        elif "date" in kind:
            values[name] = "2024-01-01 00:00:00" if "time" in kind else "2024-01-01"
        elif "char(32)" in kind or name in ("uid", "series"):
            values[name] = uuid.uuid4().hex
        else:
            values[name] = "x"
    columns = ", ".join(f'"{k}"' for k in values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))  # noqa: S608
    return cur.lastrowid


def draft_report(conn: sqlite3.Connection, title: str) -> dict[str, int]:
    """A draft report with a lesson (every kind of tag) and a narrative link."""
    report = insert(conn, REPORT, title=title, status="drafting", subject="meeting_series",
                    marking="U", revision=1, year=2008, version=0)  # fmt: skip
    lesson = insert(conn, "afteraction_lesson", report_id=report, statement="Mediation.",
                    recommendation="Back it.", outcome="worked", position=1)  # fmt: skip
    link = insert(conn, "afteraction_narrativelink", report_id=report, kind="meeting",
                  label="A meeting", marking="U", position=1)  # fmt: skip
    for table, (column, ref_table, ref_column) in TAG_COLUMNS.items():
        ref = conn.execute(f"SELECT {ref_column} FROM {ref_table} LIMIT 1").fetchone()[0]  # noqa: S608
        insert(conn, table, lesson_id=lesson, **{column: ref})
    conn.commit()
    return {"report": report, "lesson": lesson, "link": link}


def attempt(conn: sqlite3.Connection, sql: str, params=()) -> str:
    try:
        conn.execute(sql, params)
    except sqlite3.DatabaseError as exc:
        conn.rollback()
        return str(exc)
    conn.rollback()
    return "allowed"


def test_the_guards_are_installed(db):
    with sqlite3.connect(db) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {f"{REPORT}_no_update", f"{REPORT}_no_delete"} <= triggers
    for table in (*CHILDREN, *TAGS):
        assert {f"{table}_no_insert", f"{table}_no_update", f"{table}_no_delete"} <= triggers
    assert set(TAG_COLUMNS) == set(TAGS)


def test_a_draft_is_written_then_publishing_freezes_it(db):
    with sqlite3.connect(db) as conn:
        ids = draft_report(conn, "Kenya 2007–08")
        rid, lid, link = ids["report"], ids["lesson"], ids["link"]
        # a draft changes freely
        for sql, params in (
            ("UPDATE afteraction_report SET summary = 'Draft.' WHERE id = ?", [rid]),
            ("UPDATE afteraction_lesson SET statement = 'Reworded.' WHERE id = ?", [lid]),
            ("UPDATE afteraction_narrativelink SET label = 'Renamed' WHERE id = ?", [link]),
        ):
            conn.execute(sql, params)
        conn.commit()
        # publishing is the report's last UPDATE
        conn.execute("UPDATE afteraction_report SET status = 'published' WHERE id = ?", [rid])
        conn.commit()
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in (REPORT, *CHILDREN, *TAGS)}  # fmt: skip

        statements = [
            ("UPDATE afteraction_report SET title = 'x' WHERE id = ?", [rid]),
            ("UPDATE afteraction_report SET status = 'withdrawn' WHERE id = ?", [rid]),
            ("DELETE FROM afteraction_report WHERE id = ?", [rid]),
            ("UPDATE afteraction_lesson SET statement = 'x' WHERE id = ?", [lid]),
            ("UPDATE afteraction_lesson SET report_id = report_id + 1000 WHERE id = ?", [lid]),
            ("DELETE FROM afteraction_lesson WHERE id = ?", [lid]),
            ("UPDATE afteraction_narrativelink SET label = 'x' WHERE id = ?", [link]),
            ("DELETE FROM afteraction_narrativelink WHERE id = ?", [link]),
        ]
        for table, (column, _ref, _col) in TAG_COLUMNS.items():
            statements += [
                (f"UPDATE {table} SET {column} = {column} WHERE lesson_id = ?", [lid]),  # noqa: S608
                (f"DELETE FROM {table} WHERE lesson_id = ?", [lid]),  # noqa: S608
            ]
        outcomes = {sql: attempt(conn, sql, params) for sql, params in statements}
        assert {sql: out for sql, out in outcomes.items() if REFUSED not in out} == {}

        # nothing new joins a published report either
        for table, values in (
            ("afteraction_lesson", {"report_id": rid, "statement": "s", "recommendation": "r",
                                    "outcome": "unknown", "marking": "U", "position": 2}),
            ("afteraction_narrativelink", {"report_id": rid, "kind": "meeting", "label": "y",
                                           "marking": "U", "position": 2}),
            ("afteraction_lesson_tools", {"lesson_id": lid, "tool_id": 2}),
            ("afteraction_lesson_countries", {"lesson_id": lid, "country_id": "KEN"}),
        ):  # fmt: skip
            with pytest.raises(sqlite3.DatabaseError, match=REFUSED):
                insert(conn, table, **values)
            conn.rollback()

        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                 for t in (REPORT, *CHILDREN, *TAGS)}  # fmt: skip
        assert after == counts
        row = conn.execute(
            "SELECT title, status, summary FROM afteraction_report WHERE id = ?", [rid]
        ).fetchone()
        assert row == ("Kenya 2007–08", "published", "Draft.")


def test_other_reports_are_not_caught_by_a_published_one(db):
    """The guard is per report: a draft beside a published report still changes."""
    with sqlite3.connect(db) as conn:
        published = draft_report(conn, "Published")
        conn.execute(
            "UPDATE afteraction_report SET status = 'published' WHERE id = ?",
            [published["report"]],
        )
        draft = draft_report(conn, "Draft")
        conn.execute(
            "UPDATE afteraction_lesson SET statement = 'Changed.' WHERE id = ?", [draft["lesson"]]
        )
        conn.execute("DELETE FROM afteraction_lesson_tools WHERE lesson_id = ?", [draft["lesson"]])
        conn.execute("DELETE FROM afteraction_narrativelink WHERE id = ?", [draft["link"]])
        conn.commit()
        assert conn.execute(
            "SELECT statement FROM afteraction_lesson WHERE id = ?", [draft["lesson"]]
        ).fetchone() == ("Changed.",)
