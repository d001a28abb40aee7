from django.shortcuts import get_object_or_404

from bianzhi.models import User
from evaluations.hooks import campaign_column
from evaluations.models import Campaign
from evaluations.selectors import target_list_for_user

from .models import Report


@campaign_column("report")
def _campaign_reports(campaign: Campaign) -> dict[int, Report]:
    return reports_by_target(campaign=campaign)


def reports_by_target(*, campaign: Campaign) -> dict[int, Report]:
    return {r.target_id: r for r in Report.objects.filter(target__campaign=campaign, kind=Report.Kind.UNIT)}


def report_get_for_user(*, user: User, pk: int) -> Report:
    """A report is visible to whoever may see its unit in the campaign: the office, leaders, the unit's liaison."""
    return get_object_or_404(
        Report.objects.select_related("target__unit", "target__campaign").filter(
            target__in=target_list_for_user(user=user)
        ),
        pk=pk,
    )
