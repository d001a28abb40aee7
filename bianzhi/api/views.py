from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from bianzhi.forms import UnitFilterForm
from bianzhi.models import Unit
from bianzhi.selectors import region_choices, unit_filter, unit_history, unit_list_for_user

from .serializers import UnitDetailSerializer, UnitSerializer, UnitVersionSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The registry's units, filtered like the list page (q, level, kind, region, status, overstaffed,
    has_vacancy). A liaison sees only their own unit; another unit is a 404."""

    def get_serializer_class(self):
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema without a user
            return Unit.objects.none()
        units = unit_list_for_user(user=self.request.user).select_related("supervisor")
        if self.action == "list":
            form = UnitFilterForm(self.request.query_params or None, regions=region_choices())
            if form.is_bound and not form.is_valid():
                raise serializers.ValidationError(form.errors)
            return unit_filter(units, **form.filters())
        if self.action == "retrieve":
            return units.prefetch_related("functions", "internal_bodies", "leadership_posts")
        return units

    @extend_schema(responses=UnitVersionSerializer(many=True))
    @action(detail=True)
    def history(self, request, pk=None, **kwargs):  # kwargs: the router's format suffix (.json)
        """The unit's dated versions, newest first."""
        versions = unit_history(unit=self.get_object())
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(UnitVersionSerializer(page, many=True).data)
