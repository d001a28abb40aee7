from rest_framework import serializers

from evaluations.models import Campaign


class CampaignSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "year", "status", "status_label", "excellent_min", "good_min", "fair_min"]


class TargetScoreSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    unit = serializers.CharField(source="target.unit.name")
    responses = serializers.IntegerField(source="satisfaction.responses")
    satisfaction_rate = serializers.FloatField(source="satisfaction.rate", allow_null=True)
    score = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_null=True)
