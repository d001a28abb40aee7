"""整改 progress through the API: the campaign's items the user may see (a liaison: their unit's), and counts."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations.selectors import campaign_get_for_user

from ..selectors import rectification_list_for_user


class RectificationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="target.unit.name")
    source = serializers.CharField(source="get_source_display")
    title = serializers.CharField()
    responsible = serializers.CharField()
    measures = serializers.CharField()
    deadline = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    closed_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class RectificationProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    closed = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    items = RectificationItemSerializer(many=True)


class RectificationsApi(APIView):
    @extend_schema(responses=RectificationProgressSerializer)
    def get(self, request, campaign_pk: int):
        from django.utils import timezone

        campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
        today = timezone.localdate()
        items = list(rectification_list_for_user(user=request.user).filter(target__campaign=campaign)
                     .order_by("target__unit__code", "deadline", "pk"))
        for item in items:
            item.overdue = item.is_overdue(today)
        closed = sum(1 for i in items if i.is_closed)
        return Response(RectificationProgressSerializer({
            "total": len(items), "closed": closed, "open": len(items) - closed,
            "overdue": sum(1 for i in items if i.overdue), "items": items}).data)
