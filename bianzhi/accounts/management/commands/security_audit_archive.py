from pathlib import Path

from django.core.management.base import BaseCommand

from bianzhi.accounts.archive import security_audit_archive


class Command(BaseCommand):
    help = "把超过保留期（SECURITY_AUDIT_RETENTION_DAYS）的安全审计记录归档到文件，再从数据库移出"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保留天数（默认取设置）")
        parser.add_argument("--out", type=Path, default=None, help="归档目录（默认 SECURITY_AUDIT_ARCHIVE_DIR）")

    def handle(self, *args, days=None, out=None, **options):
        result = security_audit_archive(retention_days=days, out_dir=out)
        if result.path is None:
            self.stdout.write("没有超过保留期的记录")
        else:
            self.stdout.write(f"已归档 {result.count} 条记录到 {result.path}")
