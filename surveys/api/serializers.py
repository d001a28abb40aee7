from rest_framework import serializers

from evaluations.api.serializers import UploadSerializer
from surveys.models import Form, Question
from surveys.rules import plain


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["position", "code", "text", "type", "choices", "required", "dimension", "indicator",
                  "counts_for_satisfaction", "points", "min_score", "max_score", "decimals", "show_if_code",
                  "show_if_values"]


class FormSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Form
        fields = ["id", "campaign", "kind", "kind_label", "title", "intro", "opens_at", "closes_at", "is_open",
                  "combine", "spread_limit", "questions"]


class DistributionSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    unit = serializers.CharField(source="target.unit.name")
    links = serializers.IntegerField()
    ballots_issued = serializers.IntegerField()
    ballots_used = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    responses = serializers.IntegerField()


class ResponseSerializer(serializers.Serializer):
    """A public form's answer sheet (the staff assessment keeps none)."""

    unit = serializers.CharField(source="target.unit.code")
    submitted_on = serializers.DateField()
    flags = serializers.ListField(child=serializers.CharField())
    is_voided = serializers.BooleanField()
    void_reason = serializers.CharField()
    answers = serializers.SerializerMethodField()

    def get_answers(self, response) -> dict:
        return {a.question.code: plain(a.value) if a.question.type == Question.Type.SCORE else a.value
                for a in response.answers.all()}


class TallySerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    valid = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class UnitStatsSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk", allow_null=True)
    unit = serializers.CharField(source="target.unit.name", allow_null=True)
    responses = serializers.IntegerField()
    hidden = serializers.BooleanField()
    pending = serializers.IntegerField(help_text="测评表：已提交、待满最少份数后一并计入的测评票")
    total = TallySerializer()
    dimensions = serializers.DictField(child=TallySerializer())
    sentences = serializers.ListField(source="dimension_sentences", child=serializers.CharField())


class SheetEntrySerializer(serializers.Serializer):
    evaluator = serializers.CharField(source="evaluator.display_name")
    score = serializers.SerializerMethodField()
    reason = serializers.CharField()

    def get_score(self, entry) -> str:
        return plain(entry.score)


class SheetRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    indicator = serializers.CharField(source="question.indicator")
    text = serializers.CharField(source="question.text")
    type = serializers.CharField(source="question.type")
    entries = SheetEntrySerializer(source="all", many=True)
    combined = serializers.SerializerMethodField()
    flagged = serializers.BooleanField()
    unit_evidence = UploadSerializer(source="evidence", many=True)
    evaluator_files = UploadSerializer(source="files", many=True)

    def get_combined(self, row) -> str | None:
        return None if row["combined"] is None else plain(row["combined"])


class SheetSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    unit = serializers.CharField(source="target.unit.name")
    signed_by = serializers.CharField(source="signoff.signed_by.display_name", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(source="signoff.signed_at", allow_null=True, default=None)
    rows = SheetRowSerializer(many=True)


class SheetInputSerializer(serializers.Serializer):
    """Scores by question code, and reasons as `<code>_reason`, as the sheet's page posts them."""

    scores = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=2000))


class SheetFileInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=32, help_text="题目编码（打分题或附件题）")
    file = serializers.FileField()
    replaces = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="替换自己上传的哪个附件（新版本；旧版本保留）")
