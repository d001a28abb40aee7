from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from bianzhi.models import User

from .models import Campaign, CampaignTarget


def campaign_list_for_user(*, user: User) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.annotate(target_count=Count("targets"))
    if user.sees_everything:
        return campaigns
    if user.role == User.Role.LIAISON:
        return campaigns.filter(targets__unit_id=user.unit_id)
    return campaigns.none()


def campaign_get_for_user(*, user: User, pk: int) -> Campaign:
    return get_object_or_404(campaign_list_for_user(user=user), pk=pk)


def target_list_for_user(*, user: User) -> QuerySet[CampaignTarget]:
    targets = CampaignTarget.objects.select_related("campaign", "unit")
    if user.sees_everything:
        return targets
    if user.role == User.Role.LIAISON:
        return targets.filter(unit_id=user.unit_id)
    return targets.none()


def target_get_for_user(*, user: User, pk: int) -> CampaignTarget:
    return get_object_or_404(target_list_for_user(user=user), pk=pk)
