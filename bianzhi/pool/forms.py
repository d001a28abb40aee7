from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import Quota, Unit
from bianzhi.widgets import DateInput, RoundTripMixin

from .models import Pool, PoolLoan

DATE = DateInput()  # the ISO value a browser's date input reads (bianzhi.widgets)


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


def _units():
    return Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("code")


class MovementForm(RoundTripMixin, forms.Form):
    unit = _UnitChoice(label=_("单位"), queryset=_units())
    pool = forms.ChoiceField(label=_("周转池"), choices=Pool.choices)
    quota_kind = forms.ChoiceField(label=_("编制类别"), choices=Quota.Kind.choices)
    amount = forms.IntegerField(label=_("数量"), min_value=1, max_value=100000)
    posted_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    document = forms.CharField(label=_("文号"), max_length=100, required=False)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LoanForm(RoundTripMixin, forms.Form):
    borrower = _UnitChoice(label=_("借用单位"), queryset=_units())
    pool = forms.ChoiceField(label=_("周转池"), choices=Pool.choices)
    quota_kind = forms.ChoiceField(label=_("编制类别"), choices=Quota.Kind.choices)
    amount = forms.IntegerField(label=_("数量"), min_value=1, max_value=100000)
    field = forms.ChoiceField(label=_("领域"), choices=PoolLoan.Field.choices)
    start_on = forms.DateField(label=_("起始日期"), widget=DATE, initial=timezone.localdate)
    due_on = forms.DateField(label=_("到期日期"), widget=DATE)
    document = forms.CharField(label=_("文号"), max_length=100, required=False)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("due_on") and data["due_on"] < data["start_on"]:
            self.add_error("due_on", _("到期日期不能早于起始日期"))
        return data


class LoanCloseForm(RoundTripMixin, forms.Form):
    on = forms.DateField(label=_("归还日期"), widget=DATE, initial=timezone.localdate)
    document = forms.CharField(label=_("文号"), max_length=100, required=False)
    reason = forms.CharField(label=_("说明"), required=False)


class ReverseForm(RoundTripMixin, forms.Form):
    reason = forms.CharField(label=_("冲正原因"), max_length=500)


class TransferForm(RoundTripMixin, forms.Form):
    """划转: a permanent move of owned quotas (with their use) from one unit to another, after approval."""

    from_unit = _UnitChoice(label=_("划出单位"), queryset=_units())
    to_unit = _UnitChoice(label=_("划入单位"), queryset=_units())
    quota_kind = forms.ChoiceField(label=_("编制类别"), choices=Quota.Kind.choices)
    amount = forms.IntegerField(label=_("数量"), min_value=1, max_value=100000)
    posted_on = forms.DateField(label=_("划转日期"), widget=DATE, initial=timezone.localdate)
    document = forms.CharField(label=_("批准文号"), max_length=100)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("from_unit") and data.get("from_unit") == data.get("to_unit"):
            self.add_error("to_unit", _("划出和划入单位不能相同"))
        return data
