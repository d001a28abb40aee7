from django import forms
from django.utils.translation import gettext_lazy as _

from bianzhi.widgets import DateTimeField, RoundTripMixin


class ScheduleForm(RoundTripMixin, forms.Form):
    opens_at = DateTimeField(label=_("开始时间"))
    closes_at = DateTimeField(label=_("截止时间"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            raise forms.ValidationError(_("截止时间必须晚于开始时间"))
        return data


class SampleTargetsForm(RoundTripMixin, forms.Form):
    """The form's target sample per unit and each unit's own (empty: the form's; the form's empty: the minimum)."""

    default = forms.IntegerField(label=_("每个单位的目标样本量"), required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, targets, minimum: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        self.fields["default"].help_text = _("留空则取满意率最少样本数（%(n)s 份，评分设置中修改）") % {"n": minimum}
        for t in self.targets:
            self.fields[f"unit_{t.pk}"] = forms.IntegerField(
                label=t.unit.name, required=False, min_value=1, max_value=100_000,
                widget=forms.NumberInput(attrs={"placeholder": _("同表册"), "style": "width:8rem"}))

    def values(self) -> dict:
        return {"default": self.cleaned_data["default"],
                "per_unit": {t.pk: self.cleaned_data[f"unit_{t.pk}"] for t in self.targets}}
