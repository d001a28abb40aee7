from django.urls import reverse
from rest_framework import serializers

from evaluations.models import Campaign, CampaignEvent, CampaignTarget, Upload


class CampaignSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "year", "kind", "kind_label", "status", "status_label", "excellent_min", "good_min",
                  "fair_min", "notice_text"]


class PackageSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    liaison = serializers.CharField(source="liaison.display_name", allow_null=True, default=None)
    team = serializers.CharField(source="team.name", allow_null=True, default=None)

    class Meta:
        model = CampaignTarget
        fields = ["id", "campaign", "unit", "status", "status_label", "liaison", "team", "notice_seen_at"]


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["submit", "return", "accept", "complete_visit"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class UploadSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = ["id", "purpose", "indicator_code", "question_code", "original_name", "content_type", "size", "sha256", "version",
                  "replaces", "created_at", "download_url"]

    def get_download_url(self, upload) -> str:
        return reverse("evaluations:upload_download", args=[upload.pk])


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    purpose = serializers.ChoiceField(choices=Upload.Purpose.choices)
    indicator_code = serializers.CharField(required=False, allow_blank=True, default="")


class UploadReplaceInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="who", read_only=True, help_text="操作人姓名（无账号时为专家姓名或“系统”）")
    type = serializers.CharField(read_only=True)
    type_label = serializers.CharField(read_only=True)
    sentence = serializers.CharField(read_only=True, help_text="这条记录的中文描述")

    class Meta:
        model = CampaignEvent
        fields = ["id", "created_at", "actor", "target", "type", "type_label", "sentence", "data"]
