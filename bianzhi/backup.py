"""Backups (等保 2.0 数据备份恢复): one dated archive with the database and the private files, and its restore.

The archive `bianzhi-backup-YYYYmmdd-HHMMSS.tar.gz` holds
- `manifest.json`: when, which database engine, every private file with its size and SHA-256;
- `database.pgdump` (pg_dump's custom format: one consistent snapshot, taken in a single transaction) or
  `database.sqlite3` (SQLite's online backup API: consistent while the app writes);
- `files/…`: the private files (uploads, reports, exports).
Beside it `<archive>.sha256` (sha256sum's format) lets anyone check the archive before restoring it.

Consistency between the two halves: the database is dumped first, the files copied after. Files are never
overwritten (a replacement is a new file), so every file the dump refers to exists when the files are copied;
a file added meanwhile is an extra, referred to by nothing.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .exceptions import ApplicationError

MANIFEST = "manifest.json"
FORMAT = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ApplicationError(f"{command[0]} 失败：{result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), db["NAME"]],
             _pg_env(db))
        return target.name
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target.name
    raise ApplicationError(f"不支持备份该数据库：{connection.vendor}")


def _private_files(root: Path) -> list[dict]:
    if not root.exists():
        return []
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        found.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
                      "sha256": sha256_file(path)})
    return found


def backup_create(*, out_dir: Path | None = None) -> Path:
    """Write the archive and its .sha256 into out_dir (BACKUP_DIR); return the archive's path."""
    out_dir = Path(out_dir or settings.BACKUP_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    media = Path(settings.PRIVATE_MEDIA_ROOT)
    now = timezone.localtime()
    name = f"bianzhi-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="bianzhi-backup-") as tmp:
        folder = Path(tmp)
        database_file = _dump_database(folder)  # first: see the module's note on consistency
        files = _private_files(media)
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "engine": connection.vendor,
                    "database_file": database_file, "database_sha256": sha256_file(folder / database_file),
                    "files": files}
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = out_dir / (name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(folder / database_file, arcname=database_file)
            for f in files:
                tar.add(media / f["path"], arcname=f"files/{f['path']}")
        archive = out_dir / name
        partial.rename(archive)  # a crash leaves a .part, never a truncated archive under the real name
    (out_dir / (name + ".sha256")).write_text(f"{sha256_file(archive)}  {name}\n", encoding="utf-8")
    return archive


@dataclass(frozen=True)
class RestoreSummary:
    engine: str
    files: int
    created_at: str


def archive_verify(archive: Path) -> None:
    """The archive's SHA-256 against the .sha256 beside it (refuses a damaged or unverifiable archive)."""
    sidecar = archive.with_name(archive.name + ".sha256")
    if not sidecar.exists():
        raise ApplicationError(f"找不到校验文件 {sidecar.name}，无法确认备份完整")
    expected = sidecar.read_text(encoding="utf-8").split()[0]
    if sha256_file(archive) != expected:
        raise ApplicationError("备份文件的 SHA-256 与校验文件不符：文件已损坏或被改动，不能恢复")


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def backup_restore(*, archive: Path) -> RestoreSummary:
    """Put an archive back into an empty database and an empty private-files folder."""
    archive = Path(archive)
    archive_verify(archive)
    media = Path(settings.PRIVATE_MEDIA_ROOT)
    if not _database_is_empty():
        raise ApplicationError("目标数据库不是空的：恢复只写入新建的空数据库（不会覆盖现有数据）")
    if media.exists() and any(media.iterdir()):
        raise ApplicationError(f"文件目录 {media} 不是空的：恢复只写入空目录")
    with tempfile.TemporaryDirectory(prefix="bianzhi-restore-") as tmp:
        folder = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")  # refuses absolute paths, .. and links out of the folder
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ApplicationError("无法识别的备份格式")
        if manifest["engine"] != connection.vendor:
            raise ApplicationError(f"备份来自 {manifest['engine']}，目标数据库是 {connection.vendor}")
        database_file = folder / manifest["database_file"]
        if sha256_file(database_file) != manifest["database_sha256"]:
            raise ApplicationError("数据库文件的 SHA-256 不符")
        for f in manifest["files"]:
            if sha256_file(folder / "files" / f["path"]) != f["sha256"]:
                raise ApplicationError(f"文件 {f['path']} 的 SHA-256 不符")
        _load_database(database_file)
        media.mkdir(parents=True, exist_ok=True)
        if (folder / "files").exists():
            shutil.copytree(folder / "files", media, dirs_exist_ok=True)
    return RestoreSummary(engine=manifest["engine"], files=len(manifest["files"]), created_at=manifest["created_at"])


def _load_database(database_file: Path) -> None:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              "--dbname", db["NAME"], str(database_file)], _pg_env(db))
        return
    connection.close()
    source = sqlite3.connect(database_file)
    target = sqlite3.connect(db["NAME"])
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
