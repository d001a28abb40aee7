"""`manage.py worker_health [--name celery@host]`: exit 0 when the worker(s) answer a ping, 1 otherwise.

For a worker machine's health check (systemd watchdog, container HEALTHCHECK, the monitoring's probe).
"""

from django.core.management.base import BaseCommand, CommandError

from bianzhi.health import broker_ok, workers_answering


class Command(BaseCommand):
    help = "检查 Celery 工作进程是否在线（用于工作机的健康检查）"

    def add_arguments(self, parser):
        parser.add_argument("--name", action="append", help="工作进程名，如 celery@worker1；可重复；不填则检查任一")
        parser.add_argument("--timeout", type=float, default=5.0)

    def handle(self, *args, name=None, timeout=5.0, **options):
        ok, detail = broker_ok()
        if not ok:
            raise CommandError(f"无法连接消息队列（{detail}）")
        answering = workers_answering(destination=name, timeout=timeout)
        missing = sorted(set(name or []) - set(answering))
        if not answering or missing:
            raise CommandError(f"工作进程未响应：{', '.join(missing) or '没有任何工作进程'}")
        self.stdout.write("在线：" + ", ".join(answering))
