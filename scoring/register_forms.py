from django import forms
from django.utils.translation import gettext_lazy as _

from bianzhi.access import may
from bianzhi.models import Pool, Unit
from bianzhi.pool.forms import DATE
from bianzhi.widgets import RoundTripMixin

from .register_models import ReclaimProposal, RuleSettings, StaffingRequest


class RequestForm(RoundTripMixin, forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("code"))
    attachment = forms.FileField(label=_("附件"), required=False, help_text=_("PDF、DOCX、XLSX、JPG、PNG"))

    class Meta:
        model = StaffingRequest
        fields = ["unit", "kind", "quota_kind", "rank", "amount", "body_name", "hiring_basis", "retiring", "reason",
                  "document", "filed_on"]
        widgets = {"filed_on": DATE, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False
        self.fields["retiring"].required = False
        if not may(user, "request.handle"):  # a liaison files for its own unit only
            self.fields["unit"].queryset = Unit.objects.filter(pk=user.unit_id)
            self.fields["unit"].initial = user.unit_id
            self.fields["unit"].disabled = True

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("unit"), data.pop("attachment")
        data["amount"] = data.get("amount") or 0
        data["retiring"] = data.get("retiring") or 0
        return data


class ActionForm(RoundTripMixin, forms.Form):
    note = forms.CharField(label=_("办理意见 / 理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    document = forms.CharField(label=_("批复文号"), max_length=100, required=False)


class RequestFilterForm(RoundTripMixin, forms.Form):
    q = forms.CharField(label=_("单位或文号"), required=False)
    kind = forms.ChoiceField(label=_("事项类别"), choices=[("", _("全部"))] + StaffingRequest.Kind.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + StaffingRequest.Status.choices, required=False)
    priority = forms.BooleanField(label=_("只看优先/倾斜"), required=False)
    blocked = forms.BooleanField(label=_("只看被规则限制"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class RuleSettingsForm(RoundTripMixin, forms.ModelForm):
    class Meta:
        model = RuleSettings
        exclude = ["updated_by"]  # noqa: DJ006 (every rule parameter, present and future, is on the form)


class ReclaimDecideForm(RoundTripMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审核"), choices=[("approve", _("批准")), ("reject", _("不予收回"))])
    disposition = forms.ChoiceField(label=_("处理方式"), choices=ReclaimProposal.Disposition.choices, required=False)
    pool = forms.ChoiceField(label=_("周转池"), choices=Pool.choices, required=False)
    amount = forms.IntegerField(label=_("收回数量"), min_value=1, required=False)
    document = forms.CharField(label=_("批复文号"), max_length=100, required=False)
    note = forms.CharField(label=_("审核意见"), required=False)
