from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianzhi.backup import backup_create
from bianzhi.exceptions import ApplicationError


class Command(BaseCommand):
    help = "备份：数据库快照和私有文件写入一个带日期的归档（.tar.gz），并写出其 SHA-256 校验文件"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=None, help="写入的目录（默认 BACKUP_DIR）")

    def handle(self, *args, out=None, **options):
        try:
            archive = backup_create(out_dir=out)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(archive))
