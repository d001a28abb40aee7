from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianzhi.backup import backup_restore
from bianzhi.exceptions import ApplicationError


class Command(BaseCommand):
    help = "恢复：把 backup 写出的归档恢复到空数据库和空的私有文件目录（先校验 SHA-256）"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.exists():
            raise CommandError(f"找不到备份文件 {archive}")
        try:
            summary = backup_restore(archive=archive)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已恢复 {summary.created_at} 的备份：数据库（{summary.engine}）和 {summary.files} 个文件")
