"""Backups (issue 17, 数据备份恢复): the demo city backed up, restored into a fresh PostgreSQL database and a
fresh storage folder, and compared table by table and file by file — nothing lost."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


def _conninfo(name: str) -> str:
    db = connection.settings_dict
    parts = [f"dbname={name}"] + [f"{k}={db[K]}" for k, K in (("host", "HOST"), ("port", "PORT"), ("user", "USER"),
                                                                  ("password", "PASSWORD")) if db.get(K)]
    return " ".join(parts)


def _database_url(name: str) -> str:
    db = connection.settings_dict
    if not db["HOST"]:
        return f"postgres:///{name}"
    return f"postgres://{db['USER'] or ''}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def table_fingerprints(cursor) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and a digest of all its rows (order-free)."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) '
                       f'FROM "{table}" t')
        result[table] = tuple(cursor.fetchone())
    return result


def file_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def fresh_database(postgres):
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_demo_city_survives_a_backup_and_a_restore(transactional_db, postgres, fresh_database, tmp_path):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    default_storage.save("reports/2026/第一份报告.pdf", ContentFile(b"%PDF-1.4 demo report\n" * 100))
    default_storage.save("uploads/照片.png", ContentFile(bytes(range(256)) * 40))
    media = Path(settings.PRIVATE_MEDIA_ROOT)
    source_files = file_digests(media)
    assert len(source_files) >= 3
    with connection.cursor() as cursor:
        source_tables = table_fingerprints(cursor)
    assert source_tables["bianzhi_unit"][0] == 42 and source_tables["accounts_securityevent"][0] >= 0
    assert sum(count for count, _ in source_tables.values()) > 500

    call_command("backup", out=tmp_path / "backups", stdout=open(os.devnull, "w"))
    archive = next((tmp_path / "backups").glob("bianzhi-backup-*.tar.gz"))
    checksum = archive.with_name(archive.name + ".sha256").read_text().split()
    assert checksum == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]

    restored_media = tmp_path / "restored-files"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bianzhi.settings", "SECRET_KEY": "test-restore",
           "DATABASE_URL": _database_url(fresh_database), "PRIVATE_MEDIA_ROOT": str(restored_media)}
    result = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "已恢复" in result.stdout

    with psycopg.connect(_conninfo(fresh_database)) as restored:
        restored_tables = table_fingerprints(restored.cursor())
    assert restored_tables == source_tables  # every table, every row
    assert file_digests(restored_media) == source_files  # every file, byte for byte

    # restoring again over the restored data is refused: restore writes only into an empty database
    again = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "不是空的" in again.stderr


def test_a_damaged_archive_is_refused_before_anything_is_written(transactional_db, postgres, tmp_path):
    call_command("backup", out=tmp_path, stdout=open(os.devnull, "w"))
    archive = next(tmp_path.glob("bianzhi-backup-*.tar.gz"))
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(archive))


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    """The embedded default: SQLite's online backup API, restored into a new file."""
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "bianzhi.settings", "SECRET_KEY": "test-sqlite"}
    base.pop("REDIS_URL", None)

    def manage(*args, db: Path, media: Path):
        env = {**base, "DATABASE_URL": f"sqlite:///{db}", "PRIVATE_MEDIA_ROOT": str(media)}
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    media = tmp_path / "files"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    manage("migrate", "--noinput", db=source, media=media)
    manage("shell", "-c", "from bianzhi.models import Unit; Unit.objects.create(code='S1', name='单位一', kind="
           "'party_government', level='municipal', region='市本级')", db=source, media=media)
    archive = Path(manage("backup", "--out", str(tmp_path / "b"), db=source, media=media).strip())
    manage("restore", str(archive), db=target, media=tmp_path / "restored")

    import sqlite3

    def dump(path):
        with sqlite3.connect(path) as db:
            return sorted(db.iterdump())

    assert dump(target) == dump(source)
    assert (tmp_path / "restored" / "uploads" / "a.pdf").read_bytes() == b"%PDF-1.4 a"
