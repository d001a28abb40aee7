"""Retention of the security audit: rows older than SECURITY_AUDIT_RETENTION_DAYS move to an archive file.

Never dropped silently: the rows are written (JSON lines, gzip, with a .sha256 beside) and the file synced to
disk before they are deleted, in one transaction; PostgreSQL's trigger lets this delete only rows past the
retention and only with the session setting made here.
"""

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import SecurityEvent


@dataclass(frozen=True)
class ArchiveResult:
    count: int
    path: Path | None


def security_audit_archive(*, retention_days: int | None = None, out_dir: Path | None = None) -> ArchiveResult:
    days = settings.SECURITY_AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = timezone.now() - timedelta(days=days)
    out_dir = Path(out_dir or settings.SECURITY_AUDIT_ARCHIVE_DIR)
    with transaction.atomic():
        old = SecurityEvent.objects.select_for_update().filter(created_at__lt=cutoff).order_by("created_at", "id")
        rows = list(old.values())
        if not rows:
            return ArchiveResult(0, None)
        out_dir.mkdir(parents=True, exist_ok=True)
        first, last = rows[0]["created_at"], rows[-1]["created_at"]
        name = f"security-audit-{timezone.localtime(first):%Y%m%d}-{timezone.localtime(last):%Y%m%d}-" \
               f"{timezone.localtime():%Y%m%d%H%M%S}.jsonl.gz"
        path = out_dir / name
        with gzip.open(path, "wt", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
        with open(path, "rb") as f:
            os.fsync(f.fileno())
            digest = hashlib.sha256(f.read()).hexdigest()
        (out_dir / (name + ".sha256")).write_text(f"{digest}  {name}\n", encoding="utf-8")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('bianzhi.audit_archive', 'on', true), "
                               "set_config('bianzhi.audit_retention_days', %s, true)", [str(days)])
            cursor.execute(f"DELETE FROM {SecurityEvent._meta.db_table} WHERE id = ANY(%s)"
                           if connection.vendor == "postgresql" else
                           f"DELETE FROM {SecurityEvent._meta.db_table} WHERE created_at < %s",
                           [[r["id"] for r in rows]] if connection.vendor == "postgresql" else [cutoff])
    return ArchiveResult(len(rows), path)
