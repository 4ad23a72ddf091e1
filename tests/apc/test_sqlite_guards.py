"""On the embedded default (SQLite), every append-only table refuses UPDATE and DELETE after a
full migrate. A table rebuilt by a later migration (SQLite alters tables by copying them) loses
its triggers: apc/0007 and watchlist/0005 put them back, and this test notices if another
rebuild drops them again.

One migrate run for the module (a subprocess with the embedded default's settings).
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.processes import ROOT, clean_env, manage

# The audit trail is guarded by apc/0002 (its own SQL); every other table by append_only.guard.
GUARDED_BY_HAND = {"apc_auditevent"}
EXPECTED = {"apc_auditevent", "watchlist_tierchange", "apc_actionitemupdate", "apc_minutesaddendum"}


def guarded_in_migrations() -> set[str]:
    tables = set(GUARDED_BY_HAND)
    for path in ROOT.glob("*/migrations/0*.py"):
        tables |= set(re.findall(r"append_only\.guard\(\s*\"(\w+)\"", path.read_text()))
    return tables


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    var = tmp_path_factory.mktemp("sqlite-guards")
    result = manage("migrate", "--noinput", env=clean_env(APC_VAR_DIR=str(var)), timeout=300)
    assert result.returncode == 0, result.stderr
    return var / "apc.sqlite3"


def fill_row(conn: sqlite3.Connection, table: str) -> None:
    """Insert one row with a value in every NOT NULL column (foreign keys are not enforced by
    the sqlite3 module unless asked; the triggers fire on any row)."""
    columns = conn.execute(f"PRAGMA table_info({table})").fetchall()
    names, values = [], []
    for _cid, name, kind, notnull, default, pk in columns:
        if pk or not notnull or default is not None:
            continue
        kind = kind.lower()
        numeric = any(t in kind for t in ("int", "bool", "real", "decimal", "numeric"))
        names.append(f'"{name}"')
        values.append(1 if numeric else "{}")  # "{}": non-empty text and valid JSON
    placeholders = ", ".join("?" for _ in values)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})",  # noqa: S608
        values,
    )


def test_every_guarded_table_is_found():
    assert guarded_in_migrations() >= EXPECTED


def test_every_append_only_table_refuses_update_and_delete(db):
    tables = guarded_in_migrations()
    with sqlite3.connect(db) as conn:
        triggers = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        for table in sorted(tables):
            assert {f"{table}_no_update", f"{table}_no_delete"} <= triggers, table
            if not conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:  # noqa: S608
                fill_row(conn, table)
            conn.commit()
            with pytest.raises(sqlite3.DatabaseError, match="append-only: UPDATE refused"):
                conn.execute(f"UPDATE {table} SET id = id")  # noqa: S608
            with pytest.raises(sqlite3.DatabaseError, match="append-only: DELETE refused"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1  # noqa: S608
