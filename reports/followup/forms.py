from django import forms
from django.utils.translation import gettext_lazy as _

from bianzhi.widgets import RoundTripMixin

from .models import AppealItem, FollowupSettings


class FollowupSettingsForm(RoundTripMixin, forms.ModelForm):
    class Meta:
        model = FollowupSettings
        fields = ["appeal_days", "rectify_below", "rectify_days"]


class DecideForm(RoundTripMixin, forms.Form):
    decision = forms.ChoiceField(label=_("复核决定"), choices=AppealItem.Decision.choices, widget=forms.RadioSelect)
    points = forms.DecimalField(label=_("调整后得分"), required=False, max_digits=7, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class VerifyForm(RoundTripMixin, forms.Form):
    verdict = forms.ChoiceField(label=_("核实结果"), choices=[("accept", _("核实通过，办结")), ("return", _("退回"))],
                                widget=forms.RadioSelect)
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class ReportForm(RoundTripMixin, forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    done = forms.BooleanField(label=_("已整改完成，申请核实办结"), required=False, initial=True)
