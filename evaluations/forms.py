from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi import access
from bianzhi.models import Unit, User
from bianzhi.widgets import DateField, RoundTripMixin

from .indicators import indicator_scale, plain_decimal
from .models import Campaign, FieldVisit, Upload

DEADLINE_STEPS = [s for s in Campaign.Status if s not in {Campaign.Status.PLAN, Campaign.Status.CLOSED}]


class CampaignCreateForm(RoundTripMixin, forms.Form):
    """Name, year, kind, and the units in scope: picked by level, kind and region, and/or one by one."""

    name = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    # Optional in a POST (API clients and older forms): both blocks unless said otherwise.
    kind = forms.TypedChoiceField(label=_("评估类型"), choices=Campaign.Kind.choices, initial=Campaign.Kind.BOTH,
                                  required=False, empty_value=Campaign.Kind.BOTH)
    levels = forms.MultipleChoiceField(label=_("按层级"), choices=Unit.Level.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    kinds = forms.MultipleChoiceField(label=_("按单位类别"), choices=Unit.Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_("按县区"), choices=(), required=False, widget=forms.CheckboxSelectMultiple)
    units = forms.ModelMultipleChoiceField(
        label=_("逐个选择单位"), queryset=Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("-level", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Unit.objects.order_by("region").values_list("region", flat=True).distinct()
        self.fields["regions"].choices = [(r, r) for r in regions]

    def clean(self):
        data = super().clean()
        filters = Q()
        if data.get("levels"):
            filters &= Q(level__in=data["levels"])
        if data.get("kinds"):
            filters &= Q(kind__in=data["kinds"])
        if data.get("regions"):
            filters &= Q(region__in=data["regions"])
        picked = list(data.get("units") or [])
        active = Unit.objects.filter(status=Unit.Status.ACTIVE)  # an abolished (撤销) unit is never in scope
        matched = list(active.filter(filters).order_by("-level", "code")) if filters else []
        data["units"] = list(dict.fromkeys(matched + picked))
        if not data["units"]:
            raise forms.ValidationError(_("请至少选择一个被评估单位（按层级、类别、县区筛选，或逐个勾选）"))
        return data

    def scope_fields(self):
        """The 评估范围 checkboxes, by name (a substring test on names once let the 评估类型 select in too)."""
        return [self[name] for name in ("levels", "kinds", "regions", "units")]

    def service_kwargs(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "year", "kind", "units")}


class CampaignSettingsForm(RoundTripMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "kind", "excellent_min", "good_min", "fair_min", "plan_text", "notice_text"]
        widgets = {"plan_text": forms.Textarea(attrs={"rows": 8}), "notice_text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {d.step: d.due_on for d in self.instance.deadlines.all()}
        for step in DEADLINE_STEPS:
            self.fields[f"deadline_{step}"] = DateField(
                label=_("“%(s)s”截止日期") % {"s": step.label}, required=False, initial=current.get(step.value),
            )

    def _post_clean(self):  # the service validates and saves; the form only parses
        pass

    def settings_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}

    def deadlines_data(self) -> dict:
        return {step.value: self.cleaned_data[f"deadline_{step}"] for step in DEADLINE_STEPS}

    def deadline_fields(self):
        return [self[f"deadline_{step}"] for step in DEADLINE_STEPS]


class TeamForm(RoundTripMixin, forms.Form):
    name = forms.CharField(label=_("评估组名称"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        label=_("组员"), queryset=User.objects.filter(access.holders("team.member"), is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    targets = forms.ModelMultipleChoiceField(label=_("负责的单位"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = campaign.targets.select_related("unit")
        self.fields["targets"].label_from_instance = lambda t: t.unit.name


class ReturnForm(RoundTripMixin, forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UploadForm(RoundTripMixin, forms.Form):
    file = forms.FileField(label=_("文件"), error_messages={"required": _("请选择要上传的文件")})
    purpose = forms.ChoiceField(choices=Upload.Purpose.choices)
    indicator_code = forms.CharField(required=False, max_length=16)


class ReplaceForm(RoundTripMixin, forms.Form):
    file = forms.FileField(label=_("新版本文件"), error_messages={"required": _("请选择要上传的文件")})


class SheetImportForm(RoundTripMixin, forms.Form):
    """A filled long sheet (自评表 / 评估表) in Excel, uploaded back."""

    file = forms.FileField(label=_("填好的 Excel 文件"), error_messages={"required": _("请选择要上传的 Excel 文件")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


NULL_BOOL = [("", _("未查看")), ("true", _("相符")), ("false", _("不符"))]


class FieldVisitForm(RoundTripMixin, forms.Form):
    visit_date = DateField(label=_("评估日期"), required=False)
    people_met = forms.CharField(label=_("座谈对象"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    listen_notes = forms.CharField(label=_("面上听：单位汇报要点"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    signs_match = forms.TypedChoiceField(label=_("门牌与内设机构一致"), choices=NULL_BOOL, required=False,
                                         coerce=lambda v: v == "true", empty_value=None)
    posts_match = forms.TypedChoiceField(label=_("在用领导职数与核定一致"), choices=NULL_BOOL, required=False,
                                         coerce=lambda v: v == "true", empty_value=None)
    people_in_place = forms.TypedChoiceField(label=_("人员在岗"), choices=NULL_BOOL, required=False,
                                             coerce=lambda v: v == "true", empty_value=None)
    look_notes = forms.CharField(label=_("现场情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    ballots_handed_out = forms.IntegerField(label=_("发放测评票数"), required=False, min_value=0)
    ballots_returned = forms.IntegerField(label=_("收回测评票数"), required=False, min_value=0)
    interviewee = forms.CharField(label=_("访谈对象（新增一条）"), required=False, max_length=100)
    interview_notes = forms.CharField(label=_("访谈记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    judgement = forms.CharField(label=_("综合评：总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    extra_problems = forms.CharField(label=_("其他问题（每行一条，完成时列入问题清单）"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, codes: list[str], visit: FieldVisit, **kwargs):
        initial = {f: getattr(visit, f) for f in ("visit_date", "people_met", "listen_notes", "look_notes",
                                                   "ballots_handed_out", "ballots_returned", "judgement",
                                                   "extra_problems")}
        for f in ("signs_match", "posts_match", "people_in_place"):
            value = getattr(visit, f)
            initial[f] = "" if value is None else ("true" if value else "false")
        checks = {c.indicator_code: c for c in visit.checks.all()}
        for code in codes:
            if code in checks:
                initial[f"finding_{code}"] = checks[code].finding
                initial[f"problem_{code}"] = checks[code].is_problem
        super().__init__(*args, initial=initial, **kwargs)
        self.codes = codes
        for code in codes:
            self.fields[f"finding_{code}"] = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 1}))
            self.fields[f"problem_{code}"] = forms.BooleanField(required=False, label=_("列为问题"))

    def visit_fields(self) -> dict:
        names = ("visit_date", "people_met", "listen_notes", "signs_match", "posts_match", "people_in_place",
                 "look_notes", "ballots_handed_out", "ballots_returned", "judgement", "extra_problems")
        return {n: self.cleaned_data[n] for n in names}

    def checks(self) -> dict:
        return {c: (self.cleaned_data[f"finding_{c}"].strip(), self.cleaned_data[f"problem_{c}"]) for c in self.codes}


class SelfAssessmentForm(RoundTripMixin, forms.Form):
    """One self-score and a narrative per indicator of the campaign, on the indicator's scale (the tree's full
    marks; a negative indicator: the number of incidents), the same scale as the evaluation sheet's."""

    def __init__(self, *args, items, indicators, **kwargs):
        initial = {}
        for item in items:
            initial[f"score_{item.indicator_code}"] = None if item.score is None else plain_decimal(item.score)
            initial[f"narrative_{item.indicator_code}"] = item.narrative
        super().__init__(*args, initial=initial, **kwargs)
        self.codes = list(indicators)  # the campaign's tree decides the rows, not the items saved so far
        for code, indicator in indicators.items():
            scale = indicator_scale(indicator)
            message = _("自评分须在 %(low)s 至 %(high)s 之间") % {"low": plain_decimal(scale.low), "high": plain_decimal(scale.high)}
            self.fields[f"score_{code}"] = forms.DecimalField(
                required=False, min_value=scale.low, max_value=scale.high, max_digits=6, decimal_places=scale.decimals,
                error_messages={"min_value": message, "max_value": message, "invalid": _("请输入数字"),
                                "max_decimal_places": _("最多保留 %(max)s 位小数") if scale.decimals else _("请输入整数")},
                widget=forms.NumberInput(attrs={
                    "step": "1" if scale.decimals == 0 else "0.1", "min": plain_decimal(scale.low), "max": plain_decimal(scale.high),
                    "inputmode": "decimal", "aria-label": f"{indicator.name} {_('自评分')}"}),
            )
            self.fields[f"narrative_{code}"] = forms.CharField(
                required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "aria-label": f"{indicator.name} {_('情况说明')}"}),
            )

    def items_data(self) -> dict:
        return {c: (self.cleaned_data[f"score_{c}"], self.cleaned_data[f"narrative_{c}"].strip()) for c in self.codes}
