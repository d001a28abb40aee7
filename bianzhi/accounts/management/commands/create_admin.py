from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bianzhi.accounts.services import account_create
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User


class Command(BaseCommand):
    help = "新建系统管理员账号（新装系统的第一个账号），打印其一次性登录码；首次登录时设置密码"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="系统管理员")

    def handle(self, *args, username: str, name: str, **options):
        try:
            issued = account_create(actor=None, username=username, name=name, role=User.Role.ADMIN, unit=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"用户名 {issued.user.username}  一次性登录码 {issued.code}  "
                          f"有效期至 {timezone.localtime(issued.expires_at):%Y-%m-%d %H:%M}")
