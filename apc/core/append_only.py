"""Database guards for append-only tables (history that is never edited), for migrations:

    migrations.RunPython(append_only.guard("watchlist_tierchange"),
                         append_only.unguard("watchlist_tierchange"))

PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE unless
the database sets apc.allow_audit_truncate (test databases only). SQLite: UPDATE and DELETE.
"""

from __future__ import annotations

from collections.abc import Callable

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION apc_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION apc_append_only_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('apc.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            PG_FUNCTIONS,
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION apc_append_only();",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION apc_append_only();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION apc_append_only_truncate();",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;",
        ]
    return []


def _drops(vendor: str, table: str) -> list[str]:
    names = [f"{table}_no_update", f"{table}_no_delete", f"{table}_no_truncate"]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON {table};" for n in names]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {n};" for n in names]
    return []


def guard(table: str) -> Callable:
    def forward(apps, schema_editor) -> None:
        for sql in _statements(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, params=None)

    return forward


def unguard(table: str) -> Callable:
    def backward(apps, schema_editor) -> None:
        for sql in _drops(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, params=None)

    return backward
