from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from evaluations.models import Campaign
from evaluations.selectors import campaign_list_for_user, target_list_for_user
from scoring.selectors import target_scores

from .serializers import CampaignSerializer, TargetScoreSerializer


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Campaign.objects.none()
        return campaign_list_for_user(user=self.request.user)

    @extend_schema(responses=TargetScoreSerializer(many=True))
    @action(detail=True)
    def scores(self, request, pk=None):
        """Provisional scores of the units the user may see (a liaison: their own unit only)."""
        campaign = self.get_object()
        targets = target_list_for_user(user=request.user).filter(campaign=campaign)
        return Response(TargetScoreSerializer(target_scores(campaign=campaign, targets=targets), many=True).data)
