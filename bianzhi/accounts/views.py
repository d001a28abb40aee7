"""The office's account pages (administrators only), the one-time-code sign-in and the password page. Thin."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from bianzhi.permissions import action_required

from . import exporters, selectors, services
from .forms import AccountForm, AccountImportForm, AuditFilterForm, CodeLoginForm, OutputForm, PasswordSetForm
from .importers import template_workbook
from .models import SecurityEvent
from .scopes import unit_scope_get, unit_scopes
from .sessions import MUST_CHANGE

admin_required = action_required("accounts.manage")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_PER_PAGE = 100


def _download(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    return HttpResponse(data, content_type=content_type,
                        headers={"Content-Disposition": content_disposition_header(True, filename),
                                 "Cache-Control": "no-store"})


def _codes_response(request, issued, output: str, *, title: str, skipped=()):
    """The codes are shown once and stored nowhere: print this page, or take the workbook."""
    if output == "xlsx" and issued:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _download(exporters.rows_xlsx(exporters.CODE_HEADERS, exporters.code_rows(issued), title=_("登录码")),
                         _("一次性登录码-%(stamp)s.xlsx") % {"stamp": stamp})
    response = render(request, "accounts/codes.html", {"issued": issued, "title": title, "skipped": skipped,
                                                       "valid_days": settings.SIGNIN_CODE_VALID_DAYS})
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------------------
# Administrators: accounts
# ---------------------------------------------------------------------------------------------------------
@admin_required
def account_list(request):
    role, active, q = request.GET.get("role", ""), request.GET.get("active", ""), request.GET.get("q", "").strip()
    page = Paginator(selectors.account_list(role=role, active=active, q=q), 100).get_page(request.GET.get("page"))
    return render(request, "accounts/list.html", {
        "page": page, "roles": User.Role.choices, "role": role, "active": active, "q": q,
        "lockouts": selectors.lockouts(), "scopes": unit_scopes(),
        "output_form": OutputForm(), "bulk_output_form": OutputForm(auto_id="bulk_%s"),
    })


@admin_required
def account_create(request):
    form = AccountForm(request.POST or None)
    output = OutputForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and output.is_valid():
        d = form.cleaned_data
        try:
            issued = services.account_create(actor=request.user, username=d["username"], name=d["name"],
                                             role=d["role"], unit=d["unit"], request=request)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _codes_response(request, [issued], output.cleaned_data["output"], title=_("新账号的一次性登录码"))
    return render(request, "accounts/form.html", {"form": form, "output_form": output, "creating": True})


@admin_required
def account_edit(request, pk: int):
    user = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    initial = {"name": user.first_name, "role": user.role, "unit": user.unit}
    form = AccountForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.account_update(actor=request.user, user=user, name=d["name"], role=d["role"], unit=d["unit"],
                                    request=request)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存账号 %(u)s") % {"u": user.username})
            return redirect("accounts:list")
    events = SecurityEvent.objects.filter(user=user).select_related("actor")[:20]
    return render(request, "accounts/form.html", {
        "form": form, "account": user, "output_form": OutputForm(), "events": events,
        "sentence": selectors.security_event_sentence,
    })


@admin_required
@require_POST
def account_deactivate(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.account_deactivate(actor=request.user, user=user, reason=request.POST.get("reason", ""),
                                    request=request)
        messages.success(request, _("已停用账号 %(u)s；其操作记录仍保留其姓名。") % {"u": user.username})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:edit", pk=pk)


@admin_required
@require_POST
def account_reactivate(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.account_reactivate(actor=request.user, user=user, request=request)
        messages.success(request, _("已启用账号 %(u)s") % {"u": user.username})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:edit", pk=pk)


@admin_required
@require_POST
def account_codes(request):
    """New one-time codes for the chosen accounts (a forgotten password, or codes lost before first use)."""
    output = OutputForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("user") if v.isdigit()]
    users = list(User.objects.filter(pk__in=ids).select_related("unit").order_by("username"))
    if not users or not output.is_valid():
        messages.error(request, _("请先选择账号"))
        return redirect("accounts:list")
    try:
        issued = services.signin_codes_issue(actor=request.user, users=users, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:list")
    return _codes_response(request, issued, output.cleaned_data["output"], title=_("一次性登录码"))


@admin_required
@require_POST
def scope_liaisons(request):
    """One step: a liaison account for every unit of the chosen group (a campaign's units, the registry)
    that has none, with their codes."""
    scope = unit_scope_get(request.POST.get("scope", ""))
    output = OutputForm(request.POST)
    if scope is None or not output.is_valid():
        messages.error(request, _("请选择单位范围"))
        return redirect("accounts:list")
    units = list(scope.units().order_by("code"))
    issued, skipped = services.liaisons_create(actor=request.user, units=units, request=request)
    if not issued:
        messages.info(request, _("“%(s)s”的 %(n)d 个单位都已有填报员账号，未新建账号。") % {"s": scope.label, "n": len(units)})
        return redirect("accounts:list")
    return _codes_response(request, issued, output.cleaned_data["output"], skipped=skipped,
                           title=_("%(s)s：各单位填报员的一次性登录码") % {"s": scope.label})


@admin_required
def accounts_import_view(request):
    form = AccountImportForm(request.POST or None, request.FILES or None)
    output = OutputForm(request.POST or None)
    issues = []
    if request.method == "POST" and form.is_valid() and output.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.REGISTRY_IMPORT_MAX_BYTES:
            form.add_error("file", _("文件过大：上限为 %(n)d MB") % {"n": settings.REGISTRY_IMPORT_MAX_BYTES // 1048576})
        else:
            try:
                issued = services.accounts_import(actor=request.user, data=upload.read(), request=request)
            except ApplicationError as exc:
                issues = getattr(exc, "issues", [])
                form.add_error(None, exc.message)
            else:
                return _codes_response(request, issued, output.cleaned_data["output"], title=_("导入账号的一次性登录码"))
    return render(request, "accounts/import.html", {"form": form, "output_form": output, "issues": issues})


@admin_required
def accounts_import_template(request):
    return _download(template_workbook(), _("账号导入模板.xlsx"))


@admin_required
@require_POST
def lockout_unlock(request):
    try:
        count = services.lockout_reset(actor=request.user, username=request.POST.get("username", ""),
                                       ip_address=request.POST.get("ip_address", ""), request=request)
        messages.success(request, _("已解除锁定（清除 %(n)d 条失败记录）") % {"n": count})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:list")


@admin_required
def audit(request):
    form = AuditFilterForm(request.GET or None)
    events = selectors.security_event_list(**form.filters())
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        rows = exporters.audit_rows(events)
        if fmt == "csv":
            return _download(exporters.rows_csv(exporters.AUDIT_HEADERS, rows), _("安全审计-%(stamp)s.csv") % {"stamp": stamp},
                             "text/csv; charset=utf-8")
        return _download(exporters.rows_xlsx(exporters.AUDIT_HEADERS, rows, title=_("安全审计")),
                         _("安全审计-%(stamp)s.xlsx") % {"stamp": stamp})
    page = Paginator(events, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "accounts/audit.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "rows": [(e, selectors.security_event_sentence(e)) for e in page],
        "retention_days": settings.SECURITY_AUDIT_RETENTION_DAYS,
    })


# ---------------------------------------------------------------------------------------------------------
# Everyone: signing in with a one-time code, and setting a password
# ---------------------------------------------------------------------------------------------------------
def code_login(request):
    """Public. A wrong code counts as a failed sign-in for the lockout (django-axes) and the audit."""
    from axes.handlers.proxy import AxesProxyHandler

    form = CodeLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": form.cleaned_data["username"]}
        if AxesProxyHandler.is_locked(request, credentials):
            return render(request, "accounts/locked_out.html", {
                "failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_timedelta": settings.AXES_COOLOFF_TIME,
                "username": credentials["username"],
            }, status=429)
        user = services.signin_code_redeem(username=credentials["username"], code=form.cleaned_data["code"])
        if user is None:
            request.signin_refusal = "bad_code"
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked_out.html", {
                    "failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_timedelta": settings.AXES_COOLOFF_TIME,
                    "username": credentials["username"]}, status=429)
            form.add_error(None, _("用户名或登录码不正确，或登录码已使用、已过期。请向系统管理员索取新的登录码。"))
        else:
            request.signin_kind = SecurityEvent.Kind.LOGIN_CODE
            login(request, user, backend="bianzhi.accounts.security.AccountBackend")
            request.session[MUST_CHANGE] = "code"
            return redirect("accounts:password")
    return render(request, "accounts/code_login.html", {"form": form})


@login_required
def password_view(request):
    reason = request.session.get(MUST_CHANGE, "")
    form = PasswordSetForm(request.POST or None, user=request.user, forced=bool(reason))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(user=request.user, password=form.cleaned_data["new_password1"], request=request)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            request.session.pop(MUST_CHANGE, None)
            messages.success(request, _("密码已设置。其他设备上的登录已全部退出。"))
            return redirect("home")
    return render(request, "accounts/password.html", {"form": form, "reason": reason,
                                                      "max_age_days": settings.PASSWORD_MAX_AGE_DAYS})
