from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bianzhi.widgets import RoundTripMixin

from . import ahp
from .judging import RI_TABLE_LABELS
from .models import IndicatorTree, TreeIndicator, WeightFreeze


class IndicatorForm(RoundTripMixin, forms.ModelForm):
    """Add or edit an indicator; `dimension` moves it."""

    class Meta:
        model = TreeIndicator
        fields = ["dimension", "name", "kind", "direction", "full_marks", "source", "guideline", "rule", "params",
                  "exempt_reason"]
        widgets = {"guideline": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = tree.dimensions.all()
        self.fields["dimension"].empty_label = None
        self.fields["rule"].required = False  # left out: the indicator keeps its rule (a new one: the sheet)

    def clean_rule(self):
        return self.cleaned_data.get("rule") or (self.instance.rule if self.instance.pk else "sheet")

    def clean_params(self):
        params = self.cleaned_data.get("params")
        if params in (None, ""):
            return self.instance.params if self.instance.pk and "params" not in self.data else {}
        return params


class ExpertInviteForm(RoundTripMixin, forms.Form):
    name = forms.CharField(label=_("专家姓名"), max_length=50)
    affiliation = forms.CharField(label=_("单位及职务"), max_length=100, required=False)


class ExpertUpdateForm(RoundTripMixin, forms.Form):
    """Plain form: the rule "excluding needs a reason" is the service's, with its own message."""

    weight = forms.DecimalField(label=_("专家权重"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2)
    excluded = forms.BooleanField(label=_("不参与集结"), required=False)
    exclude_reason = forms.CharField(label=_("排除理由"), max_length=200, required=False)


class AggregationForm(RoundTripMixin, forms.Form):
    method = forms.ChoiceField(label=_("集结方法"), choices=WeightFreeze.Method.choices, initial=WeightFreeze.Method.AIJ)
    ri_table = forms.ChoiceField(
        label=_("RI 表"), choices=[(k, RI_TABLE_LABELS[k]) for k in ahp.RI_TABLES], initial="saaty1980"
    )


class FreezeForm(AggregationForm):
    """The freeze's choices and its confirmation; `include` keeps experts the consistency gate would leave out."""

    priority_method = forms.ChoiceField(
        label=_("权重计算方法"), initial="eigenvector",
        choices=[("eigenvector", _("特征向量法")), ("geometric_mean", _("方根法")), ("arithmetic_mean", _("和积法"))],
    )
    include = forms.TypedMultipleChoiceField(label=_("仍纳入集结的专家"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    override_reason = forms.CharField(label=_("一致性未达标仍冻结的理由"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("我已核对以上权重，确认冻结（冻结后不能再修改）"), required=False)

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["include"].choices = [(e.pk, e.name) for e in tree.experts.filter(excluded=False)]


class TreeSettingsForm(RoundTripMixin, forms.ModelForm):
    """The campaign's scoring settings, kept on its tree."""

    execution_dimensions = forms.CharField(label=_("执行情况维度（编码，以逗号分隔）"), required=False)

    class Meta:
        model = IndicatorTree
        fields = ["execution_dimensions", "min_coverage", "min_sample", "long_vacancy_months", "cr_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["execution_dimensions"] = ",".join(self.instance.execution_dimensions or [])

    def clean_execution_dimensions(self):
        text = self.cleaned_data.get("execution_dimensions") or ""
        return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
