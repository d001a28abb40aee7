"""Requeue background jobs left behind (broker down, worker killed); for cron where Celery beat is not run."""

from django.core.management.base import BaseCommand

from bianzhi.jobs import jobs_sweep


class Command(BaseCommand):
    help = "重新派发排队未发出或超时未完成的后台任务（报告、导出、台账导入）"

    def handle(self, *args, **options):
        counts = jobs_sweep()
        self.stdout.write(
            "重新排队 {requeued}，判定失败 {failed}，已派发 {dispatched}，仍无法派发 {undispatched}".format(**counts)
        )
