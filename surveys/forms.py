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
