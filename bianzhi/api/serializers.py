from rest_framework import serializers

from bianzhi.models import InternalBody, LeadershipPost, Quota, Unit, UnitFunction, UnitVersion


class FiguresMixin(serializers.Serializer):
    vacancy = serializers.IntegerField(source="figures.vacancy", read_only=True)
    overstaffing = serializers.IntegerField(source="figures.overstaffing", read_only=True)


class QuotaSerializer(FiguresMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Quota
        fields = ["kind", "kind_label", "approved", "actual", "vacancy", "overstaffing"]


class LeadershipPostSerializer(FiguresMixin, serializers.ModelSerializer):
    rank_label = serializers.CharField(source="get_rank_display", read_only=True)

    class Meta:
        model = LeadershipPost
        fields = ["rank", "rank_label", "approved", "actual", "vacancy", "overstaffing"]


class UnitSerializer(serializers.ModelSerializer):
    quotas = QuotaSerializer(many=True, read_only=True)
    parent_code = serializers.CharField(source="parent.code", default="", read_only=True)
    supervisor_code = serializers.CharField(source="supervisor.code", default="", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id", "code", "name", "short_name", "credit_code", "kind", "institution_class", "level", "region", "rank",
            "parent", "parent_code", "supervisor", "supervisor_code", "status", "abolished_on", "staff_as_of", "quotas",
        ]


class UnitFunctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitFunction
        fields = ["position", "text"]


class InternalBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = InternalBody
        fields = ["position", "name", "duties"]


class UnitDetailSerializer(UnitSerializer):
    """A unit with its 三定: functions, internal bodies, leadership posts and the approving document."""

    functions = UnitFunctionSerializer(many=True, read_only=True)
    internal_bodies = InternalBodySerializer(many=True, read_only=True)
    leadership_posts = LeadershipPostSerializer(many=True, read_only=True)

    class Meta(UnitSerializer.Meta):
        fields = UnitSerializer.Meta.fields + [
            "approval_number", "approval_date", "functions", "internal_bodies", "leadership_posts",
        ]


class UnitVersionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)

    class Meta:
        model = UnitVersion
        fields = ["id", "valid_from", "source", "actor", "created_at", "data"]
