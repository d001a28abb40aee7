from rest_framework import serializers

from scoring import judging
from scoring.models import TreeIndicator


class IndicatorSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    kind = serializers.CharField(help_text="objective | subjective | evaluator")  # plain: "kind" enums collide

    class Meta:
        model = TreeIndicator
        fields = ["id", "code", "dimension", "name", "guideline", "kind", "source", "direction", "full_marks"]


class TreeRowSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    local = serializers.FloatField(allow_null=True)
    global_weight = serializers.FloatField(source="global", allow_null=True)


class IndicatorUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    guideline = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.CharField(required=False, help_text="objective | subjective | evaluator")  # the service checks
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    direction = serializers.ChoiceField(TreeIndicator.Direction.choices, required=False)
    full_marks = serializers.DecimalField(max_digits=5, decimal_places=1, required=False)


class JudgementSerializer(serializers.Serializer):
    node = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    matrix = serializers.ListField(child=serializers.ListField(child=serializers.FloatField(allow_null=True)))
    cr = serializers.FloatField()
    saved_at = serializers.DateTimeField()


class ExpertJudgementsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    excluded = serializers.BooleanField()
    exclude_reason = serializers.CharField()
    judgements = JudgementSerializer(many=True, source="judgements.all")


class JudgementInputSerializer(serializers.Serializer):
    """One matrix: the upper triangle as [[i, j, answer], ...]; answer is a signed Saaty intensity
    (k: item i is k times as important as item j; -k: the reverse; 1: equal)."""

    node = serializers.SlugField()
    answers = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(), min_length=3, max_length=3))

    def validate_answers(self, value):
        return {(i, j): a for i, j, a in value}


class AggregationQuerySerializer(serializers.Serializer):
    method = serializers.ChoiceField(["aij", "aip"], default="aij")
    ri_table = serializers.ChoiceField(list(judging.RI_TABLE_LABELS), default=judging.DEFAULT_RI_TABLE)


class FreezeSerializer(serializers.Serializer):
    method = serializers.CharField()
    ri_table = serializers.CharField()
    frozen_at = serializers.DateTimeField()
    frozen_by = serializers.CharField(source="frozen_by.display_name", allow_null=True)
    experts = serializers.JSONField()
    excluded_experts = serializers.JSONField()
    local_weights = serializers.JSONField()
    consistency = serializers.JSONField()
    global_weights = serializers.JSONField()
    hierarchy_cr = serializers.FloatField(allow_null=True)


class TargetScoreSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    unit = serializers.CharField(source="target.unit.name")
    responses = serializers.IntegerField(source="satisfaction.responses")
    satisfaction_rate = serializers.FloatField(source="satisfaction.rate", allow_null=True)
    score = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_null=True)


class ResultMissingSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    why = serializers.CharField()


class ResultIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    dimension = serializers.CharField()
    rule = serializers.CharField()
    source = serializers.CharField()
    points = serializers.FloatField(allow_null=True)
    full = serializers.FloatField()
    weight = serializers.FloatField()
    evidence = serializers.CharField(allow_blank=True)


class ResultSerializer(serializers.Serializer):
    """A unit's latest result version (or the live, provisional one before 撰写报告, for the office)."""

    target = serializers.IntegerField(source="target_id")
    unit = serializers.CharField(source="target.unit.name")
    unit_kind = serializers.CharField(source="target.unit.kind")
    version = serializers.IntegerField()
    provisional = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=6, decimal_places=1, source="total_shown", allow_null=True)
    execution = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    benefit = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    grade = serializers.CharField(allow_blank=True)
    grade_label = serializers.CharField()
    complete = serializers.BooleanField()
    scored = serializers.IntegerField()
    indicator_count = serializers.IntegerField()
    weight_covered = serializers.FloatField()
    missing = ResultMissingSerializer(many=True)
    flags = serializers.ListField(child=serializers.CharField())
    rank_overall = serializers.IntegerField(allow_null=True)
    rank_kind = serializers.IntegerField(allow_null=True)
    rank_level = serializers.IntegerField(allow_null=True)
    indicators = ResultIndicatorSerializer(many=True, source="indicator_rows")
