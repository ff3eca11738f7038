"""make backup / make restore: a populated database (every workflow state, history, evidence
files, issued documents) comes back row for row and file for file, into an empty database only."""

import datetime
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from ammtc_tracker.models import ApiToken
from priorities.models import Consultation
from reports.models import EvidenceFile, IssuedDocument, ProgressReport
from reports.services import attach_evidence, issue_document
from tests.factories import make_activity, make_cycle, make_report

pytestmark = pytest.mark.django_db(transaction=True)

# A Redis database of its own, emptied after use.
REDIS_URL = "redis://127.0.0.1:6379/12"

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture
def populated(plan, official_id, secretariat):
    """Reports in every workflow state with their history, evidence files, a token, a session."""
    cycle = make_cycle(plan)
    reports = {
        state: make_report(
            official_id, make_activity(plan, f"1.{n}", leads=["ID"]), cycle, state, secretariat
        )
        for n, state in enumerate(["draft", "submitted", "returned", "accepted"], start=1)
    }
    reopened = make_report(
        official_id, make_activity(plan, "2.1", leads=["ID"]), cycle, "accepted", secretariat
    )
    reopened.transition(ProgressReport.Action.REOPEN, by=secretariat, comment="Figures changed.")
    draft = reports["draft"]
    attach_evidence(report=draft, user=official_id, upload=SimpleUploadedFile("a.pdf", PDF))
    attach_evidence(report=draft, user=official_id, upload=SimpleUploadedFile("b.png", PNG))
    meeting = Consultation.objects.filter(series=Consultation.Series.SOMTC_JAPAN).first()
    cycle.consultations.add(meeting)
    for file_format in ("docx", "xlsx"):
        issue_document(
            consultation=meeting,
            cycle=cycle,
            level="technical",
            file_format=file_format,
            user=secretariat,
        )
    ApiToken.issue(user=official_id, name="dashboard")
    session = SessionStore()
    session["note"] = "kept"
    session.create()


def canonical(row):
    """A row as text; datetimes in UTC, whichever tzinfo object the driver gave them."""
    return repr(
        tuple(
            v.astimezone(datetime.UTC).isoformat() if isinstance(v, datetime.datetime) else v
            for v in row
        )
    )


def table_rows():
    """Every row of every table, as the database driver returns it."""
    with connection.cursor() as cursor:
        return {
            table: sorted(map(canonical, cursor.execute(f'SELECT * FROM "{table}"').fetchall()))
            for table in connection.introspection.table_names(cursor)
        }


def restored_rows(target):
    if connection.vendor == "sqlite":
        # Django's SQLite converters are registered process-wide; read the file with them.
        database = sqlite3.connect(
            target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        )
        tables = [
            name
            for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        rows = {
            t: sorted(map(canonical, database.execute(f'SELECT * FROM "{t}"').fetchall()))
            for t in tables
            if t != "sqlite_sequence"
        }
        database.close()
        return rows
    import psycopg

    with psycopg.connect(target) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            t: sorted(map(canonical, database.execute(f'SELECT * FROM "{t}"').fetchall()))
            for t in tables
        }


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the same engine, and its DATABASE_URL."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    import psycopg

    name = f"{settings.DATABASES['default']['NAME']}_restored"
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"
    yield url, url
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(file, database_url, media_root, *options, **extra_env):
    env = {
        **os.environ,
        "AMMTC_ENV": "test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(file), *options],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def make_backup(tmp_path):
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    [file] = (tmp_path / "backups").glob("ammtc-*.tar")
    return file


def test_a_backup_restores_every_row_and_every_file(populated, tmp_path, empty_database):
    before = table_rows()
    stored = [*EvidenceFile.objects.all(), *IssuedDocument.objects.all()]
    checksums = {row.file.name: row.sha256 for row in stored}
    file = make_backup(tmp_path)
    database_url, target = empty_database

    result = restore(file, database_url, tmp_path / "restored-media")

    assert result.returncode == 0, result.stderr
    assert "files (" in result.stdout and "match" in result.stdout
    after = restored_rows(target)
    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert after[table] == rows, table
    assert len(before["reports_historicalprogressreport"]) > 10
    assert sorted(before["reports_progressreport"]) and len(before["reports_reporttransition"]) >= 9
    assert len(checksums) == 4  # two evidence files, two issued documents
    for name, sha256 in checksums.items():
        content = (tmp_path / "restored-media" / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == sha256
        assert content == (Path(settings.MEDIA_ROOT) / name).read_bytes()


def redis_is_up():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.ConnectionError:
        return False


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
def test_a_restore_makes_the_shared_cache_forget_tokens_and_answers(
    populated, tmp_path, empty_database
):
    """The app servers' cache may hold tokens and status answers made from the database used
    before the restore: the restore renews the generations they were made under."""
    file = make_backup(tmp_path)
    database_url, _target = empty_database
    server = redis.Redis.from_url(REDIS_URL)
    generations = [":1:generation:api-tokens", ":1:generation:figures"]
    server.mset(dict.fromkeys(generations, "before the restore"))
    try:
        result = restore(file, database_url, tmp_path / "media", REDIS_URL=REDIS_URL)
        assert result.returncode == 0, result.stderr
        assert all(server.get(key) not in (None, b"before the restore") for key in generations)
    finally:
        server.flushdb()


def test_restore_refuses_a_database_that_is_not_empty(populated, tmp_path, empty_database):
    file = make_backup(tmp_path)
    database_url, _target = empty_database
    assert restore(file, database_url, tmp_path / "media-1").returncode == 0

    again = restore(file, database_url, tmp_path / "media-2")

    assert again.returncode == 1
    assert "restore into an empty database" in again.stderr
    assert not (tmp_path / "media-2").exists()


def test_a_damaged_backup_is_refused_before_anything_is_changed(
    populated, tmp_path, empty_database
):
    file = make_backup(tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(file) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.endswith(".pdf"):
                content = content[:100] + b"X" + content[101:]
            copy.addfile(member, io.BytesIO(content))
    database_url, target = empty_database

    result = restore(damaged, database_url, tmp_path / "media")

    assert result.returncode == 1
    assert ".pdf does not match its checksum: the backup is damaged." in result.stderr
    assert restored_rows(target) == {}
