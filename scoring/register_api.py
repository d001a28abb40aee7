"""API of the requests register: may a unit file a request of a kind today; a campaign's appraisal rows."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bianzhi.access import require
from bianzhi.selectors import unit_get_for_user
from evaluations.selectors import campaign_get_for_user

from . import register as reg
from .register_models import StaffingRequest


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()
    until = serializers.DateField(allow_null=True)
    hard = serializers.BooleanField()


class MayFileSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    kind = serializers.CharField()
    allowed = serializers.BooleanField()
    until = serializers.DateField(allow_null=True)
    priority = serializers.BooleanField()
    reasons = FindingSerializer(many=True)
    campaign = serializers.CharField(allow_null=True)
    grade = serializers.CharField(allow_null=True)
    feedback_on = serializers.DateField(allow_null=True)


class MayFileApi(APIView):
    """May unit X file a request of kind K today, and if not, why and until when (the office, leaders, its liaison)."""

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=StaffingRequest.Kind.values)],
                   responses=MayFileSerializer)
    def get(self, request, pk: int):
        unit = unit_get_for_user(user=request.user, pk=pk)
        kind = request.query_params.get("kind", "")
        if kind not in StaffingRequest.Kind.values:
            raise ValidationError({"kind": _("事项类别须为 %(kinds)s 之一") % {"kinds": ", ".join(StaffingRequest.Kind.values)}})
        decision, result = reg.unit_may_file(unit=unit, kind=kind)
        return Response(MayFileSerializer({
            "unit": unit.pk, "kind": kind, "allowed": decision.allowed, "until": decision.until,
            "priority": decision.priority,
            "reasons": [{"rule": f.rule, "name": f.name, "reason": f.reason, "until": f.until, "hard": f.hard}
                        for f in decision.blocks],
            "campaign": result.campaign_name if result else None, "grade": result.grade_label if result else None,
            "feedback_on": result.feedback_on if result else None,
        }).data)


class AppraisalRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    score = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_null=True)
    grade_label = serializers.CharField()


class AppraisalApi(APIView):
    """绩效考评: each unit's final score, grade and rank in the campaign."""

    @extend_schema(responses=AppraisalRowSerializer(many=True))
    def get(self, request, campaign_pk: int):
        campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
        require(request.user, "rules.view", campaign)
        return Response(AppraisalRowSerializer(reg.appraisal_rows(campaign=campaign), many=True).data)
