from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("评估活动")

    def ready(self):
        from . import events  # noqa: F401  (fills CampaignEvent.DESCRIBERS: each event type says itself)

