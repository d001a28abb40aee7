from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Unit
from .widgets import RoundTripMixin


class UnitFilterForm(RoundTripMixin, forms.Form):
    """The registry's search and filters, shared by the list page, its export and the API."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("名称、简称、单位代码或统一社会信用代码")}))
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级"))] + Unit.Level.choices)
    kind = forms.ChoiceField(label=_("单位类别"), required=False, choices=[("", _("全部类别"))] + Unit.Kind.choices)
    region = forms.ChoiceField(label=_("所属地区"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + Unit.Status.choices)
    overstaffed = forms.BooleanField(label=_("只看超编单位"), required=False)
    has_vacancy = forms.BooleanField(label=_("只看有空编的单位"), required=False)

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部地区"))] + [(r, r) for r in regions]

    def filters(self) -> dict:
        """Keyword arguments for selectors.unit_filter; invalid values filter nothing rather than everything."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return self.cleaned_data


class RegistryUploadForm(RoundTripMixin, forms.Form):
    file = forms.FileField(label=_("编制台账工作簿（.xlsx）"))
