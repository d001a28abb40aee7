from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("指标与评分")

    def ready(self):
        # The apps below read a campaign's indicators through evaluations.indicators; this app answers.
        from evaluations.indicators import provide_tree

        from .selectors import campaign_tree_read  # also registers the campaign page's score column

        provide_tree(campaign_tree_read)
