"""The database's own guard of the repository's permanence, and its search index, for
migrations (issue 7: "a published report never changes and is never deleted, by anyone,
through any path"; seeds/000: "a permanent and accessible repository").

PostgreSQL and SQLite both refuse, whatever the client (ORM, admin, raw SQL):
  * UPDATE and DELETE of a published report;
  * INSERT, UPDATE and DELETE of a lesson or a narrative link of a published report;
  * INSERT, UPDATE and DELETE of a tag (country, tool, strategy, target group, stage, agency)
    of a lesson of a published report.
Publishing is itself the last UPDATE a report takes (its old status is not yet "published").
On PostgreSQL, TRUNCATE of any of these tables is refused too (it fires no row trigger), unless
the database allows it (test databases only, as for the audit trail). The life-cycle history
(afteraction_reportevent) is append-only (apc/core/append_only.py).

PostgreSQL also keeps each report's and lesson's `search_vector` (BEFORE INSERT OR UPDATE
triggers, fields weighted A > B > C as afteraction/search.py ranks them) under a GIN index.
SQLite has neither: afteraction/search.py matches words there.
"""

from __future__ import annotations

from collections.abc import Callable

from apc.core import append_only

REPORT = "afteraction_report"
CHILDREN = ("afteraction_lesson", "afteraction_narrativelink")
TAGS = (
    "afteraction_lesson_countries",
    "afteraction_lesson_tools",
    "afteraction_lesson_strategies",
    "afteraction_lesson_target_groups",
    "afteraction_lesson_stages",
    "afteraction_lesson_agencies",
)

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION afteraction_refuse(what text, op text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION '% belongs to a published after-action report: % refused', what, op
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'A published report never changes; correct it with a new revision.';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION afteraction_report_published(rid bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM afteraction_report WHERE id = rid AND status = 'published');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION afteraction_report_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        PERFORM afteraction_refuse('after-action report ' || OLD.id, TG_OP);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION afteraction_child_frozen() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND afteraction_report_published(OLD.report_id))
       OR (TG_OP <> 'DELETE' AND afteraction_report_published(NEW.report_id)) THEN
        PERFORM afteraction_refuse(TG_TABLE_NAME, TG_OP);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION afteraction_lesson_published(lid bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM afteraction_lesson l JOIN afteraction_report r ON r.id = l.report_id
        WHERE l.id = lid AND r.status = 'published'
    );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION afteraction_tag_frozen() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND afteraction_lesson_published(OLD.lesson_id))
       OR (TG_OP <> 'DELETE' AND afteraction_lesson_published(NEW.lesson_id)) THEN
        PERFORM afteraction_refuse(TG_TABLE_NAME, TG_OP);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION afteraction_report_search() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english',
            coalesce(NEW.summary, '') || ' ' || coalesce(NEW.findings, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.narrative, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(NEW.subject_label, '') || ' ' || coalesce(
            (SELECT name FROM watchlist_country WHERE iso3 = NEW.country_id), '')), 'D');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION afteraction_lesson_search() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.statement, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.recommendation, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.evidence, '')), 'C') ||
        -- the names of its countries (tags, or else the report's), so "Kenya" finds them
        setweight(to_tsvector('english', coalesce((
            SELECT string_agg(c.name, ' ') FROM watchlist_country c
            WHERE c.iso3 IN (
                SELECT country_id FROM afteraction_lesson_countries WHERE lesson_id = NEW.id
                UNION
                SELECT country_id FROM afteraction_report WHERE id = NEW.report_id
            )), '')), 'D');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- a lesson's country tags change its search vector (the lesson's BEFORE UPDATE recomputes it)
CREATE OR REPLACE FUNCTION afteraction_lesson_countries_search() RETURNS trigger AS $$
BEGIN
    UPDATE afteraction_lesson SET search_vector = NULL
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.lesson_id ELSE NEW.lesson_id END;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _pg() -> list[str]:
    # BEFORE triggers fire in name order: "*_frozen" refuses before "*_search" computes.
    out = [
        append_only.PG_FUNCTIONS,
        PG_FUNCTIONS,
        f"CREATE TRIGGER {REPORT}_frozen BEFORE UPDATE OR DELETE ON {REPORT} "
        "FOR EACH ROW EXECUTE FUNCTION afteraction_report_frozen();",
        f"CREATE TRIGGER {REPORT}_search BEFORE INSERT OR UPDATE ON {REPORT} "
        "FOR EACH ROW EXECUTE FUNCTION afteraction_report_search();",
        "CREATE TRIGGER afteraction_lesson_search BEFORE INSERT OR UPDATE ON afteraction_lesson "
        "FOR EACH ROW EXECUTE FUNCTION afteraction_lesson_search();",
        "CREATE TRIGGER afteraction_lesson_countries_search AFTER INSERT OR DELETE "
        "ON afteraction_lesson_countries "
        "FOR EACH ROW EXECUTE FUNCTION afteraction_lesson_countries_search();",
        f"CREATE INDEX IF NOT EXISTS {REPORT}_search_gin ON {REPORT} USING gin (search_vector);",
        "CREATE INDEX IF NOT EXISTS afteraction_lesson_search_gin ON afteraction_lesson "
        "USING gin (search_vector);",
    ]
    for table in CHILDREN:
        out.append(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION afteraction_child_frozen();"
        )
    for table in TAGS:
        out.append(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION afteraction_tag_frozen();"
        )
    # TRUNCATE fires no row trigger: refuse it outright (test databases allow it, as for the
    # audit trail: apc.allow_audit_truncate)
    for table in (REPORT, *CHILDREN, *TAGS):
        out.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION apc_append_only_truncate();"
        )
    return out


def _sqlite_raise(name: str, op: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{name} belongs to a published after-action report: {op} refused'); END;"  # noqa: E501


def _sqlite() -> list[str]:
    published = "(SELECT status FROM afteraction_report WHERE id = {ref}) = 'published'"
    lesson_published = (
        "(SELECT r.status FROM afteraction_lesson l JOIN afteraction_report r "
        "ON r.id = l.report_id WHERE l.id = {ref}) = 'published'"
    )
    out = [
        f"CREATE TRIGGER IF NOT EXISTS {REPORT}_no_update BEFORE UPDATE ON {REPORT} "
        f"WHEN OLD.status = 'published' {_sqlite_raise(REPORT, 'UPDATE')}",
        f"CREATE TRIGGER IF NOT EXISTS {REPORT}_no_delete BEFORE DELETE ON {REPORT} "
        f"WHEN OLD.status = 'published' {_sqlite_raise(REPORT, 'DELETE')}",
    ]
    for tables, check, column in ((CHILDREN, published, "report_id"), (TAGS, lesson_published,
                                                                        "lesson_id")):  # fmt: skip
        for table in tables:
            new = check.format(ref=f"NEW.{column}")
            old = check.format(ref=f"OLD.{column}")
            out += [
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_insert BEFORE INSERT ON {table} "
                f"WHEN {new} {_sqlite_raise(table, 'INSERT')}",
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                f"WHEN {old} OR {new} {_sqlite_raise(table, 'UPDATE')}",
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN {old} {_sqlite_raise(table, 'DELETE')}",
            ]
    return out


def _drops(vendor: str) -> list[str]:
    tables = (REPORT, *CHILDREN, *TAGS)
    if vendor == "postgresql":
        out = [f"DROP TRIGGER IF EXISTS {t}_frozen ON {t};" for t in tables]
        out += [f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};" for t in tables]
        out += [
            f"DROP TRIGGER IF EXISTS {REPORT}_search ON {REPORT};",
            "DROP TRIGGER IF EXISTS afteraction_lesson_search ON afteraction_lesson;",
            "DROP TRIGGER IF EXISTS afteraction_lesson_countries_search "
            "ON afteraction_lesson_countries;",
            f"DROP INDEX IF EXISTS {REPORT}_search_gin;",
            "DROP INDEX IF EXISTS afteraction_lesson_search_gin;",
        ]
        return out
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {t}_no_{op};"
            for t in tables
            for op in ("insert", "update", "delete")
        ]
    return []


def guard() -> Callable:
    def forward(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        statements = _pg() if vendor == "postgresql" else _sqlite() if vendor == "sqlite" else []
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return forward


def unguard() -> Callable:
    def backward(apps, schema_editor) -> None:
        for sql in _drops(schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    return backward
