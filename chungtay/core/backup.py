"""Backup and restore of everything that matters: the database and the uploaded files.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`. SQLite: the online backup API
(safe while the server runs). Uploaded files: a tar.gz of MEDIA_ROOT. A manifest records, for
every table, its row count and a checksum of its rows in primary-key order, so a restore can be
checked table by table against what was backed up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"

# Checks that apps above core add from their AppConfig.ready() (funds: the ledger's hash chain and
# balances), run by `manage.py restore` after the tables match; core imports none of them (layers:
# docs/architecture.md). Each returns what is wrong, in one sentence, or None.
AFTER_RESTORE: list[Callable[[], str | None]] = []


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [
        "-h",
        str(db.get("HOST") or "localhost"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or ""),
    ]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def table_checksums() -> dict[str, dict[str, Any]]:
    """Row count and sha256 of every table's rows, ordered by the first column (the primary key)."""
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - table names from introspection
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(str(value) for value in row)).encode("utf-8"))
                count += 1
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def backup(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    db = settings.DATABASES["default"]
    if vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--file",
                str(target / "db.dump"),
                str(db["NAME"]),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=3600,
        )
    elif vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / "db.sqlite3")
        with destination:
            connection.connection.backup(destination)
        destination.close()
    else:
        raise RuntimeError(f"Backup is not supported for {vendor}")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": vendor,
        "tables": table_checksums(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        if member.name.startswith("/") or ".." in Path(member.name).parts or member.issym() or member.islnk():
            raise RuntimeError(f"Unsafe path in media archive: {member.name}")
        members.append(member)
    return members


def restore(source: Path) -> dict[str, Any]:
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise RuntimeError(f"The backup is from {manifest['vendor']}, this database is {vendor}")
    db = settings.DATABASES["default"]
    if vendor == "postgresql":
        connections.close_all()
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                str(db["NAME"]),
                str(source / "db.dump"),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=3600,
        )
    else:
        connection.ensure_connection()
        backup_db = sqlite3.connect(source / "db.sqlite3")
        with backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
    media = Path(settings.MEDIA_ROOT)
    staging = media.with_name(media.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as archive:
        archive.extractall(staging, members=_safe_members(archive))  # noqa: S202 - members checked above
    if (staging / "media").exists():
        shutil.rmtree(media, ignore_errors=True)
        (staging / "media").rename(media)
    shutil.rmtree(staging, ignore_errors=True)
    return manifest


def compare(manifest: dict[str, Any]) -> list[str]:
    """Tables whose rows differ from the manifest (an empty list means identical)."""
    now = table_checksums()
    problems = []
    for table, expected in manifest["tables"].items():
        actual = now.get(table)
        if actual != expected:
            problems.append(f"{table}: {expected} ≠ {actual}")
    return problems
