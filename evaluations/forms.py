from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import Unit


class CampaignCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    units = forms.ModelMultipleChoiceField(
        label=_("被评估单位"),
        queryset=Unit.objects.order_by("level", "code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个被评估单位")},
    )
