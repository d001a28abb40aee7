from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bianzhi.accounts"
    label = "accounts"
    verbose_name = _("账号与安全审计")

    def ready(self):
        from . import signals  # noqa: F401  (sign-in, sign-out, failure and lockout become audit records)
