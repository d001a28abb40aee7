from rest_framework import serializers

from bianzhi.models import Quota, Unit


class QuotaSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Quota
        fields = ["kind", "kind_label", "approved", "actual"]


class UnitSerializer(serializers.ModelSerializer):
    quotas = QuotaSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "level", "parent", "quotas"]
