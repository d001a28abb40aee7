"""The units of each campaign, offered to the accounts pages (bianzhi.accounts.scopes) as a group whose
liaison accounts are created in one step."""

from django.utils.translation import gettext as _

from bianzhi.accounts.scopes import UnitScope
from bianzhi.models import Unit

from .models import Campaign

RECENT_CAMPAIGNS = 50


def campaign_unit_scopes():
    for campaign in Campaign.objects.order_by("-year", "-pk")[:RECENT_CAMPAIGNS]:
        yield UnitScope(
            f"campaign:{campaign.pk}",
            _("评估活动：%(year)s %(name)s") % {"year": campaign.year, "name": campaign.name},
            lambda pk=campaign.pk: Unit.objects.filter(campaign_targets__campaign_id=pk),
        )
