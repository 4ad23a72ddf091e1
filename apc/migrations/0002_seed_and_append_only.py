"""Reference data and the audit trail's append-only guard.

Agencies: the APC's members per the Task Force's recommendation 4-1 (seeds/000, "Crisis
Response Structure and Process": State, Defense including the Joint Chiefs, the intelligence
community, Justice, Treasury, USAID), plus the NSC that co-chairs and staffs it.
Roles: the groups of DESIGN.md, "Users".
"""

from django.db import migrations

AGENCIES = [
    ("nsc", "National Security Council", "NSC"),
    ("state", "Department of State", "State"),
    ("defense", "Department of Defense", "Defense"),
    ("jcs", "Joint Chiefs of Staff", "Joint Chiefs"),
    ("odni", "Intelligence Community (ODNI)", "IC (ODNI)"),
    ("justice", "Department of Justice", "Justice"),
    ("treasury", "Department of the Treasury", "Treasury"),
    ("usaid", "U.S. Agency for International Development", "USAID"),
]

ROLES = [
    "co_chair",
    "member",
    "directorate",
    "analyst",
    "red_team",
    "deputies",
    "principals",
    "auditor",
    "api_client",
]

PG_FORWARD = """
CREATE OR REPLACE FUNCTION apc_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'apc_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER apc_auditevent_no_update BEFORE UPDATE ON apc_auditevent
    FOR EACH ROW EXECUTE FUNCTION apc_auditevent_append_only();
CREATE TRIGGER apc_auditevent_no_delete BEFORE DELETE ON apc_auditevent
    FOR EACH ROW EXECUTE FUNCTION apc_auditevent_append_only();
-- TRUNCATE bypasses row triggers. Only a test database, where the test runner must empty
-- tables between tests, sets apc.allow_audit_truncate (tests/conftest.py).
CREATE OR REPLACE FUNCTION apc_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('apc.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'apc_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER apc_auditevent_no_truncate BEFORE TRUNCATE ON apc_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION apc_auditevent_no_truncate();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS apc_auditevent_no_update ON apc_auditevent;
DROP TRIGGER IF EXISTS apc_auditevent_no_delete ON apc_auditevent;
DROP TRIGGER IF EXISTS apc_auditevent_no_truncate ON apc_auditevent;
DROP FUNCTION IF EXISTS apc_auditevent_append_only();
DROP FUNCTION IF EXISTS apc_auditevent_no_truncate();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER IF NOT EXISTS apc_auditevent_no_update BEFORE UPDATE ON apc_auditevent
       BEGIN SELECT RAISE(ABORT, 'apc_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS apc_auditevent_no_delete BEFORE DELETE ON apc_auditevent
       BEGIN SELECT RAISE(ABORT, 'apc_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS apc_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS apc_auditevent_no_delete;",
]


def seed(apps, schema_editor):
    Agency = apps.get_model("apc", "Agency")
    Group = apps.get_model("auth", "Group")
    for code, name, short in AGENCIES:
        Agency.objects.update_or_create(code=code, defaults={"name": name, "short_name": short})
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("apc", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
