from django import forms
from django.utils.translation import gettext_lazy as _

from bianzhi.widgets import RoundTripMixin

from .models import WordTemplate

TEXTAREA = {"rows": 6}


class ReportDraftForm(RoundTripMixin, forms.Form):
    achievements = forms.CharField(label=_("主要成效"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                                   help_text=_("每段一行"))
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                               help_text=_("每段一行；实地评估的问题清单已列入报告"))
    suggestions = forms.CharField(label=_("整改意见"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                                  help_text=_("每段一行"))


class ReportSignForm(RoundTripMixin, forms.Form):
    confirm = forms.BooleanField(label=_("我已核对报告的全部内容，确认签署；签署后本版本不可再修改"), required=True,
                                 error_messages={"required": _("请勾选确认：签署后本版本报告不可再修改")})


class SummaryTextForm(RoundTripMixin, forms.Form):
    suggestions = forms.CharField(label=_("工作建议"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("写入总结报告“工作建议”一节，每段一行"))


class WordTemplateForm(RoundTripMixin, forms.Form):
    kind = forms.ChoiceField(label=_("模板类型"), choices=WordTemplate.Kind.choices)
    file = forms.FileField(label=_("Word 模板（.docx）"))
