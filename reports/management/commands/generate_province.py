"""`manage.py generate_province [--scale 0.01]`: a province of test data for benchmarks (PostgreSQL only).

At scale 1: 15 cities, 10,000 units, 1,000,000 satisfaction answer sheets, 200,000 staff ballots and a
signed evaluation sheet per unit. Adds a new campaign each run; use a database of its own.
"""

import json as json_lib
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from reports.province import province_generate


class Command(BaseCommand):
    help = "生成全省规模的测试数据（仅用于性能测试，需 PostgreSQL）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数：1 为全省（1 万个单位、100 万份答卷）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出统计")

    def handle(self, *args, scale: float, json: bool = False, **options):
        if not 0 < scale <= 10:
            raise CommandError("规模系数须大于 0 且不超过 10")
        try:
            summary = province_generate(scale=scale, log=lambda m: self.stderr.write(m) if options["verbosity"] > 1 else None)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(json_lib.dumps(asdict(summary), ensure_ascii=False))
        else:
            self.stdout.write(
                f"已生成：{summary.units} 个单位，满意度答卷 {summary.satisfaction_responses} 份"
                f"（答案 {summary.satisfaction_answers} 条），测评票 {summary.staff_ballots} 张，"
                f"评估表签署 {summary.signoffs} 份；评估活动 #{summary.campaign_id}"
            )
