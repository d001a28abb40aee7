"""The dashboard's data for other clients (a big screen, a mobile app): the same selector as the page."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.api.renderers import OrjsonRenderer
from bianzhi.permissions import May
from reports.dashboard.selectors import dashboard_data
from reports.dashboard.views import pick_campaigns

from .serializers import DashboardQuerySerializer, DashboardSerializer


class CanViewDashboard(May):
    read_action = "dashboard.view"


class DashboardApi(APIView):
    """One campaign's dashboard (the latest by default), compared with another (the previous year by default)."""

    permission_classes = [CanViewDashboard]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]  # 1,000 units: orjson writes them in a tenth of the time

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
        # the selector's data is plain already (numbers, strings, lists): DashboardSerializer documents it (the
        # schema) rather than converting 1,000 rows field by field; the tests check that it would not change it
        return Response(dashboard_data(campaign=campaign, compare=compare))
