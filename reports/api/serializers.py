from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class DashboardQuerySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(required=False, min_value=1, help_text=_("评估活动（默认最近一次）"))
    compare = serializers.IntegerField(required=False, min_value=0, help_text=_("对比的评估活动；0 为不对比，默认上一年度"))


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    short = serializers.CharField()
    unit_id = serializers.IntegerField()
    target_id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    rank_kind = serializers.IntegerField(allow_null=True)
    rank_level = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_blank=True)
    grade_label = serializers.CharField()
    provisional = serializers.BooleanField()
    scored = serializers.IntegerField(help_text=_("已计量的指标数"))
    indicator_count = serializers.IntegerField()
    basis = serializers.CharField(allow_blank=True, help_text=_("暂定得分的依据（已计量的指标数），结果生成后为空"))
    dimensions = serializers.ListField(child=serializers.FloatField(allow_null=True))
    previous_score = serializers.FloatField(allow_null=True)
    previous_grade = serializers.CharField(allow_blank=True)
    previous_grade_label = serializers.CharField(allow_blank=True)
    change = serializers.FloatField(allow_null=True)


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    """The dashboard's data, as the page draws it (figures marked `provisional` are 暂定)."""

    campaign = serializers.DictField()
    provisional = serializers.BooleanField()
    compare = CampaignRefSerializer(allow_null=True)
    dimensions = serializers.ListField(child=serializers.DictField())
    headline = serializers.DictField()
    ranking = RankingRowSerializer(many=True)
    grades = serializers.DictField()
    radar = serializers.DictField()
    satisfaction = serializers.DictField()
    rectification = serializers.DictField(allow_null=True)
    appeals = serializers.DictField(allow_null=True)
    closest = serializers.ListField(child=serializers.DictField())
    yoy = serializers.DictField(allow_null=True)
