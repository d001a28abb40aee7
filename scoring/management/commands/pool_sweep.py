from django.core.management.base import BaseCommand

from scoring.register import pool_sweep


class Command(BaseCommand):
    help = "标记逾期的借用编制，提醒即将到期的规则限制（每日运行，可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="提前多少天提醒限制到期")

    def handle(self, *args, **options):
        counts = pool_sweep(within_days=options["days"])
        self.stdout.write(f"逾期借用 {counts['overdue']} 笔，即将到期的限制 {counts['expiring']} 项")
