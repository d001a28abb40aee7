from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from bianzhi.models import Unit, User
from bianzhi.widgets import DateField, RoundTripMixin

from .models import SecurityEvent

OUTPUTS = [("print", _("打印")), ("xlsx", _("导出 Excel"))]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.code} {unit.name}"


class AccountForm(RoundTripMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               help_text=_("字母、数字和 _ . @ + -；登录时不区分大小写"))
    name = forms.CharField(label=_("姓名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=User.Role.choices)
    unit = UnitChoiceField(label=_("所属单位"), required=False,
                           queryset=Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("code"),
                           help_text=_("仅部门填报员填写"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        if editing:
            del self.fields["username"]

    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("unit")
        if role == User.Role.LIAISON and unit is None:
            self.add_error("unit", _("部门填报员必须选择所属单位"))
        if role and role != User.Role.LIAISON and unit is not None:
            self.add_error("unit", _("只有部门填报员属于单位，请留空"))
        return data


class OutputForm(RoundTripMixin, forms.Form):
    output = forms.ChoiceField(choices=OUTPUTS, initial="print", widget=forms.RadioSelect, label=_("登录码"))


class AccountImportForm(RoundTripMixin, forms.Form):
    file = forms.FileField(label=_("账号工作簿（.xlsx）"))


class CodeLoginForm(RoundTripMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}))
    code = forms.CharField(label=_("一次性登录码"), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}))


class PasswordSetForm(RoundTripMixin, forms.Form):
    """New password twice; the current one too unless the new one is required (first sign-in, expiry)."""

    old_password = forms.CharField(label=_("当前密码"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("新密码"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label=_("再次输入新密码"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user, forced: bool, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.user = user
        if forced:
            del self.fields["old_password"]

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class AuditFilterForm(RoundTripMixin, forms.Form):
    kind = forms.ChoiceField(label=_("事件"), required=False, choices=[("", _("全部"))] + SecurityEvent.Kind.choices)
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    ip_address = forms.GenericIPAddressField(label=_("地址"), required=False)
    since = DateField(label=_("起始日期"), required=False)
    until = DateField(label=_("截止日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
