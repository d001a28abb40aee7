from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bianzhi.exporters import mark_issues
from bianzhi.services import RegistryImportError, registry_import


class Command(BaseCommand):
    help = "从编制台账工作簿（.xlsx，导入模板格式）导入单位、三定、编制和实有人数；按单位代码更新，全部成功才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="xlsx 文件")
        parser.add_argument("--errors-to", type=Path, help="出错时，把标出错误单元格的工作簿写到这个文件")

    def handle(self, *args, file: Path, errors_to: Path | None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from exc
        try:
            summary = registry_import(data=data, actor=None)
        except RegistryImportError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            if exc.total > len(exc.issues):
                self.stderr.write(f"……共 {exc.total} 处错误，以上仅列出前 {len(exc.issues)} 处")
            if errors_to and any(issue.row for issue in exc.issues):
                errors_to.write_bytes(mark_issues(data, exc.issues))
                self.stderr.write(f"已将标出错误的工作簿写入 {errors_to}")
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"导入完成：{summary}"))
