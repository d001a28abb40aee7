from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("评估活动")

    def ready(self):
        from bianzhi.accounts.scopes import register

        from . import events  # noqa: F401  (fills CampaignEvent.DESCRIBERS: each event type says itself)
        from .account_scopes import campaign_unit_scopes

        register(campaign_unit_scopes)  # 账号管理: a campaign's liaison accounts in one step
