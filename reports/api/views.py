"""The dashboard's data for other clients (a big screen, a mobile app): the same selector as the page."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.permissions import May
from reports.dashboard.selectors import dashboard_data
from reports.dashboard.views import pick_campaigns

from .serializers import DashboardQuerySerializer, DashboardSerializer


class CanViewDashboard(May):
    read_action = "dashboard.view"


class DashboardApi(APIView):
    """One campaign's dashboard (the latest by default), compared with another (the previous year by default)."""

    permission_classes = [CanViewDashboard]

    @extend_schema(parameters=[OpenApiParameter("campaign", int, required=False),
                               OpenApiParameter("compare", int, required=False)],
                   responses={200: DashboardSerializer, 404: None})
    def get(self, request):
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        _campaigns, campaign, compare = pick_campaigns(request.user, query.validated_data.get("campaign"),
                                                       query.validated_data.get("compare"))
        if campaign is None:
            raise Http404
        return Response(DashboardSerializer(dashboard_data(campaign=campaign, compare=compare)).data)
