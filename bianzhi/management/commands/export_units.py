from pathlib import Path

from django.core.management.base import BaseCommand

from bianzhi.exporters import registry_workbook
from bianzhi.models import Unit
from bianzhi.selectors import unit_filter, unit_records


class Command(BaseCommand):
    help = "把编制台账导出为 xlsx（导入模板格式，可原样导回）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="要写入的 xlsx 文件")
        parser.add_argument("--level", choices=Unit.Level.values, default="")
        parser.add_argument("--kind", choices=Unit.Kind.values, default="")
        parser.add_argument("--region", default="", help="所属地区，如 市本级")

    def handle(self, *args, file: Path, level: str, kind: str, region: str, **options):
        units = unit_filter(Unit.objects.all(), level=level, kind=kind, region=region)
        records = unit_records(units=units)
        file.write_bytes(registry_workbook(records))
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(records)} 个单位到 {file}"))
