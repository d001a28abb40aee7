"""Campaigns, packages, transitions, uploads and events. Reads go through the selectors (invisible = 404);
every write is one service call, which checks who may do it."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from evaluations import services
from evaluations.models import Campaign, CampaignTarget, Upload
from evaluations.selectors import (
    campaign_events,
    campaign_list_for_user,
    target_events,
    target_list_for_user,
    upload_list_for_user,
)
from scoring.selectors import target_scores

from ..results_release import results_released

from .serializers import (
    CampaignSerializer,
    EventSerializer,
    PackageSerializer,
    TargetScoreSerializer,
    TransitionInputSerializer,
    UploadInputSerializer,
    UploadReplaceInputSerializer,
    UploadSerializer,
)


class NotLeader(permissions.BasePermission):
    """Leaders read everything and change nothing."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.role != "leader"


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer
    permission_classes = [permissions.IsAuthenticated, NotLeader]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Campaign.objects.none()
        return campaign_list_for_user(user=self.request.user)

    @extend_schema(responses=TargetScoreSerializer(many=True))
    @action(detail=True)
    def scores(self, request, pk=None, **kwargs):
        """Provisional scores of the units the user may see (a liaison: their own unit only)."""
        campaign = self.get_object()
        targets = target_list_for_user(user=request.user).filter(campaign=campaign)
        rows = TargetScoreSerializer(target_scores(campaign=campaign, targets=targets), many=True).data
        if not request.user.sees_everything and not results_released(campaign):
            for row in rows:  # a liaison sees no score before the results are fed back (反馈结果)
                row["score"] = row["grade"] = None
        return Response(rows)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None, **kwargs):
        """Move the campaign to its next stage (the office only; refused with a reason if something is missing)."""
        campaign = services.campaign_advance(campaign=self.get_object(), actor=request.user)
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True)
    def events(self, request, pk=None, **kwargs):
        campaign = self.get_object()
        if not request.user.sees_everything:  # a liaison: only their own unit's part of the trail
            events = campaign_events(campaign=campaign).filter(target__unit_id=request.user.unit_id)
        else:
            events = campaign_events(campaign=campaign)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class PackageViewSet(viewsets.ReadOnlyModelViewSet):
    """A unit's package in a campaign. A liaison sees only their own unit's; another unit is a 404."""

    serializer_class = PackageSerializer
    permission_classes = [permissions.IsAuthenticated, NotLeader]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return CampaignTarget.objects.none()
        return target_list_for_user(user=self.request.user)

    @extend_schema(request=TransitionInputSerializer, responses=PackageSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        target = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        act, reason = data.validated_data["action"], data.validated_data["reason"]
        if act == "submit":
            services.self_assessment_submit(target=target, actor=request.user)
        elif act == "return":
            services.self_assessment_return(target=target, actor=request.user, reason=reason)
        elif act == "accept":
            services.self_assessment_accept(target=target, actor=request.user)
        else:
            services.field_visit_complete(target=target, actor=request.user)
        target.refresh_from_db()
        return Response(PackageSerializer(target).data)

    @extend_schema(methods=["get"], responses=UploadSerializer(many=True))
    @extend_schema(methods=["post"], request=UploadInputSerializer, responses=UploadSerializer)
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def uploads(self, request, pk=None, **kwargs):
        target = self.get_object()
        if request.method == "GET":
            return Response(UploadSerializer(upload_list_for_user(user=request.user).filter(target=target), many=True).data)
        data = UploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = data.validated_data["file"]
        upload = services.upload_add(
            target=target, actor=request.user, purpose=data.validated_data["purpose"],
            indicator_code=data.validated_data["indicator_code"], data=file.read(), name=file.name,
        )
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True)
    def events(self, request, pk=None, **kwargs):
        page = self.paginate_queryset(target_events(target=self.get_object()))
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class UploadViewSet(viewsets.ReadOnlyModelViewSet):
    """Files of the packages the user may see (downloaded through `download_url`, which checks again)."""

    serializer_class = UploadSerializer
    permission_classes = [permissions.IsAuthenticated, NotLeader]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Upload.objects.none()
        return upload_list_for_user(user=self.request.user)

    @extend_schema(request=UploadReplaceInputSerializer, responses=UploadSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def replace(self, request, pk=None, **kwargs):
        """A new version of the file; the old one stays."""
        upload = self.get_object()  # first: another unit's file is a 404 whatever the input
        data = UploadReplaceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = data.validated_data["file"]
        upload = services.upload_replace(upload=upload, actor=request.user, data=file.read(), name=file.name)
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)
