"""Backups that restore: one tar holding a database dump, every stored file and a manifest.

The dump, the list of files and the fingerprint of every table are taken from one snapshot of
the database, so the three agree: PostgreSQL exports a snapshot that ``pg_dump --snapshot`` and
this process's own reads share; SQLite is copied with its online backup API and read from the
copy. Each file is checksummed (SHA-256) as it goes in; a restore checks every checksum before it
changes anything, restores into an empty database only, then checks every table's row count and
fingerprint and every file read back from the storage. ``dumpdata``/``loaddata`` is not used: it
cut datetimes to milliseconds and took a hundred times longer here.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from ammtc_tracker.generations import GENERATIONS

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


@dataclass
class Outcome:
    """What a backup or restore did, for the command to print."""

    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    seconds: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)


# Backing up


def create_backup(directory):
    """Write ``ammtc-<UTC time>.tar`` into ``directory``; return its Outcome.

    Files the database names but the storage lacks are listed in ``Outcome.missing`` (and in the
    manifest); everything else is still backed up.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"ammtc-{timezone.now():%Y%m%d-%H%M%S}.tar"
    outcome = Outcome(path=path)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "database.dump"
        if connection.vendor == "postgresql":
            names, tables, migrations = _dump_postgresql(dump)
        elif connection.vendor == "sqlite":
            names, tables, migrations = _dump_sqlite(dump)
        else:
            raise BackupError(f"No backup method for {connection.vendor}.")
        outcome.seconds["database"] = time.monotonic() - started
        partial = path.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            entries = {"database.dump": _add_file(tar, "database.dump", dump)}
            files_started = time.monotonic()
            for name in sorted(names):
                if not default_storage.exists(name):
                    outcome.missing.append(name)
                    continue
                with default_storage.open(name, "rb") as stored:
                    entries[f"files/{name}"] = _add_stream(
                        tar, f"files/{name}", stored, default_storage.size(name)
                    )
            outcome.seconds["files"] = time.monotonic() - files_started
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "engine": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "entries": entries,
                "missing_files": outcome.missing,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        partial.rename(path)  # a backup cut short never carries the final name
    outcome.tables = len(tables)
    outcome.rows = sum(table["rows"] for table in tables.values())
    outcome.files = len(entries) - 1
    outcome.bytes = path.stat().st_size
    outcome.seconds["total"] = time.monotonic() - started
    return outcome


def _dump_postgresql(target):
    if connection.in_atomic_block:
        raise BackupError("A backup must start its own transaction (its snapshot).")
    with transaction.atomic(), connection.cursor() as cursor:
        # Must be the transaction's first statement; the snapshot lives until it ends.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        names = stored_file_names()
        tables = fingerprints(cursor, connection.introspection.table_names(cursor))
        migrations = _applied_migrations(cursor, tables)
    return names, tables, migrations


def _dump_sqlite(target):
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    with _sqlite_file(target) as cursor:
        tables = fingerprints(cursor, _sqlite_tables(cursor))
        migrations = _applied_migrations(cursor, tables)
        names = set()
        for model, file_field in _file_fields():
            cursor.execute(
                f'SELECT "{file_field.column}" FROM "{model._meta.db_table}" '
                f"WHERE \"{file_field.column}\" <> ''"
            )
            names.update(name for (name,) in cursor.fetchall())
    return names, tables, migrations


def stored_file_names():
    """Every name in storage that a row of the database refers to (evidence, documents)."""
    names = set()
    for model, file_field in _file_fields():
        values = model._default_manager.exclude(**{file_field.name: ""}).values_list(
            file_field.attname, flat=True
        )
        names.update(values)
    return names


def _file_fields():
    for model in apps.get_models():
        if hasattr(model, "instance_type"):  # django-simple-history's copies of rows
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field


def fingerprints(cursor, table_names):
    """Per table: its row count and a SHA-256 of its rows, whatever order they come in."""
    result = {}
    for table in sorted(table_names):
        cursor.execute(f'SELECT * FROM "{table}"')
        rows = sorted(hashlib.sha256(repr(row).encode()).digest() for row in cursor.fetchall())
        result[table] = {"rows": len(rows), "sha256": hashlib.sha256(b"".join(rows)).hexdigest()}
    return result


def _applied_migrations(cursor, tables):
    """The latest applied migration of each app, to tell which code the backup belongs to."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return dict(cursor.fetchall())


# Restoring


def verify_backup(path):
    """Check every member of the backup against its manifest checksum; return the manifest."""
    with tarfile.open(path) as tar:
        manifest = _read_manifest(tar)
        for name, entry in manifest["entries"].items():
            digest = hashlib.sha256()
            member = _member(tar, name)
            with tar.extractfile(member) as content:
                while chunk := content.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
                raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def restore_backup(path):
    """Restore ``path`` into the configured database (which must be empty) and storage."""
    path = Path(path)
    outcome = Outcome(path=path)
    started = time.monotonic()
    manifest = verify_backup(path)
    outcome.seconds["verify"] = time.monotonic() - started
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; the configured database is "
            f"{connection.vendor}."
        )
    _check_database_is_empty()
    with tarfile.open(path) as tar, tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "database.dump"
        with tar.extractfile(_member(tar, "database.dump")) as content, dump.open("wb") as out:
            while chunk := content.read(CHUNK):
                out.write(chunk)
        database_started = time.monotonic()
        if connection.vendor == "postgresql":
            connection.close()
            options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-acl"]
            _run(["pg_restore", f"--dbname={connection.settings_dict['NAME']}", *options, dump])
        else:
            _restore_sqlite(dump)
        outcome.seconds["database"] = time.monotonic() - database_started
        files_started = time.monotonic()
        for name, entry in manifest["entries"].items():
            if name.startswith("files/"):
                _restore_file(tar, name, entry)
                outcome.files += 1
                outcome.bytes += entry["size"]
        outcome.seconds["files"] = time.monotonic() - files_started
    _check_tables(manifest["tables"])
    # The shared cache may hold tokens and answers made from the database used before.
    for generation in GENERATIONS:
        generation.renew()
    outcome.tables = len(manifest["tables"])
    outcome.rows = sum(table["rows"] for table in manifest["tables"].values())
    outcome.missing = manifest["missing_files"]
    outcome.seconds["total"] = time.monotonic() - started
    return outcome


def _check_database_is_empty():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already has {len(tables)} tables; "
            "restore into an empty database (e.g. createdb a new one and point DATABASE_URL at "
            "it)."
        )


def _restore_sqlite(dump):
    connection.close()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_file(tar, member_name, entry):
    """Write one file to the storage under its old name and read it back to check it."""
    name = member_name.removeprefix("files/")
    if not default_storage.exists(name):
        with tar.extractfile(_member(tar, member_name)) as content:
            saved = default_storage.save(name, content)
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}.")
    with default_storage.open(name, "rb") as stored:
        digest = hashlib.sha256()
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{name} in the storage differs from the backup's copy.")


def _check_tables(expected):
    if connection.vendor == "sqlite":
        # Read the file as the backup read its copy: without Django's type conversions.
        connection.close()
        with _sqlite_file(connection.settings_dict["NAME"]) as cursor:
            restored = fingerprints(cursor, _sqlite_tables(cursor))
    else:
        with connection.cursor() as cursor:
            restored = fingerprints(cursor, connection.introspection.table_names(cursor))
    different = sorted(
        table
        for table in set(expected) | set(restored)
        if expected.get(table) != restored.get(table)
    )
    if different:
        raise BackupError(f"Restored tables differ from the backup: {', '.join(different)}.")


# Helpers


def _run(command):
    """Run a PostgreSQL client program against the configured database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": database["HOST"] or "",
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": database["USER"] or "",
        "PGPASSWORD": database["PASSWORD"] or "",
        "PGDATABASE": database["NAME"],
    }
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


class _sqlite_file:
    """A cursor on an SQLite file, without Django's type conversions."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.connection = sqlite3.connect(self.path)
        return self.connection.cursor()

    def __exit__(self, *exc):
        self.connection.close()


def _sqlite_tables(cursor):
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [name for (name,) in cursor.fetchall()]


def _read_manifest(tar):
    with tar.extractfile(_member(tar, MANIFEST)) as content:
        manifest = json.load(content)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _member(tar, name):
    try:
        return tar.getmember(name)
    except KeyError:
        raise BackupError(f"The backup has no {name}: it is incomplete.") from None


def _add_file(tar, name, path):
    with open(path, "rb") as content:
        return _add_stream(tar, name, content, path.stat().st_size)


def _add_bytes(tar, name, data):
    return _add_stream(tar, name, io.BytesIO(data), len(data))


def _add_stream(tar, name, content, size):
    """Add ``size`` bytes of ``content`` as ``name``; return its size and SHA-256."""
    reader = _HashingReader(content)
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, reader)
    return {"size": size, "sha256": reader.digest.hexdigest()}


class _HashingReader:
    def __init__(self, content):
        self.content = content
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.content.read(size)
        self.digest.update(chunk)
        return chunk
