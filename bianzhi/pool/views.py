"""Pages of the 编制周转池 (/pool/): the office posts; leaders read; a liaison sees its own unit's ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bianzhi.exceptions import ApplicationError
from bianzhi.permissions import action_required
from bianzhi.selectors import unit_get_for_user
from bianzhi.services import registry_transfer
from bianzhi.views import xlsx_response

from . import selectors, services
from .forms import LoanCloseForm, LoanForm, MovementForm, ReverseForm, TransferForm
from .models import PoolLoan, PoolMovement
from .xlsx import table_workbook

DUE_DAYS = 90


def _index_context(request, **forms):
    today = timezone.localdate()
    return {
        "balances": selectors.pool_balance_rows(), "by_field": selectors.loans_by_field(),
        "due": selectors.loans_due(today=today, days=DUE_DAYS), "today": today, "due_days": DUE_DAYS,
        "loans": selectors.loan_list(status=PoolLoan.Status.OUTSTANDING),
        "units": selectors.units_in_ledger(), "errors": selectors.ledger_invariant_errors(),
        "movement_form": forms.get("movement_form") or MovementForm(prefix="m"),
        "loan_form": forms.get("loan_form") or LoanForm(prefix="l"),
    }


@action_required("pool.view")
def index(request):
    return render(request, "pool/index.html", _index_context(request))


@action_required("pool.post")
@require_POST
def movement_create(request):
    """存入 or 支取 (the button pressed says which)."""
    form = MovementForm(request.POST, prefix="m")
    if form.is_valid():
        data = form.cleaned_data
        post = services.pool_withdraw if request.POST.get("action") == "withdraw" else services.pool_deposit
        try:
            post(unit=data["unit"], pool=data["pool"], quota_kind=data["quota_kind"], amount=data["amount"],
                 posted_on=data["posted_on"], document=data["document"], reason=data["reason"], actor=request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记账"))
            return redirect("pool:index")
    return render(request, "pool/index.html", _index_context(request, movement_form=form), status=400)


@action_required("pool.post")
@require_POST
def loan_create(request):
    form = LoanForm(request.POST, prefix="l")
    if form.is_valid():
        try:
            services.pool_loan(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("借用编制已出借"))
            return redirect("pool:index")
    return render(request, "pool/index.html", _index_context(request, loan_form=form), status=400)


@action_required("pool.post")
def loan_close(request, pk: int):
    loan = get_object_or_404(PoolLoan.objects.select_related("borrower"), pk=pk)
    form = LoanCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_loan_close(loan=loan, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已归还"))
            return redirect("pool:index")
    return render(request, "pool/loan_close.html", {"loan": loan, "form": form})


@action_required("pool.post")
def transfer(request):
    """划转, in two steps: the form, then a confirmation showing both units' figures before and after; only the
    confirmed post moves ownership (one ledger movement and a new registry version of each unit)."""
    form = TransferForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") == "1":
            try:
                registry_transfer(from_unit=data["from_unit"], to_unit=data["to_unit"], quota_kind=data["quota_kind"],
                                  amount=data["amount"], actor=request.user, on=data["posted_on"],
                                  document=data["document"], reason=data["reason"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已划转"))
                return redirect("pool:unit_ledger", data["from_unit"].pk)
        elif not request.POST.get("back"):  # 返回修改: the form again, with what was typed
            context["kind_label"] = selectors.KIND_LABELS[data["quota_kind"]]
            context["preview"] = selectors.transfer_preview(
                from_unit=data["from_unit"], to_unit=data["to_unit"], quota_kind=data["quota_kind"], amount=data["amount"])
            return render(request, "pool/transfer.html", context)
    return render(request, "pool/transfer.html", context, status=400 if form.errors else 200)


@action_required("pool.post")
def movement_reverse(request, pk: int):
    movement = get_object_or_404(PoolMovement, pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_reverse(movement=movement, reason=form.cleaned_data["reason"], actor=request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已冲正"))
            return redirect("pool:index")
    return render(request, "pool/movement_reverse.html", {"movement": movement, "form": form,
                                                          "lines": movement.lines.select_related("account__unit")})


@login_required
def unit_ledger(request, pk: int):
    unit = unit_get_for_user(user=request.user, pk=pk)
    return render(request, "pool/unit_ledger.html", {
        "unit": unit, "rows": selectors.unit_effective_rows(unit=unit), "lines": selectors.unit_ledger_lines(unit=unit),
        "loans": unit.pool_loans.order_by("-start_on"),
    })


def _line_row(line):
    m = line.movement
    return [m.posted_on, m.get_type_display(), str(line.account), line.amount, m.document, m.reason,
            str(m.actor or "")]


LINE_HEADERS = [gettext_lazy("记账日期"), gettext_lazy("业务"), gettext_lazy("科目"), gettext_lazy("发生额"),
                gettext_lazy("文号"), gettext_lazy("事由"), gettext_lazy("经办人")]


@login_required
def unit_ledger_export(request, pk: int):
    unit = unit_get_for_user(user=request.user, pk=pk)
    rows = [[r["label"], r["owned"], r["deposited"], r["borrowed"], r["usable"], r["actual"], r["vacancy"],
             r["overstaffing"]] for r in selectors.unit_effective_rows(unit=unit)]
    data = table_workbook([
        (_("编制占有与使用"), [_("编制类别"), _("占有（核定）"), _("存入周转池"), _("借用"), _("可用"), _("实有"),
                          _("空编"), _("超编")], rows),
        (_("台账明细"), LINE_HEADERS, [_line_row(line) for line in selectors.unit_ledger_lines(unit=unit)]),
    ])
    return xlsx_response(data, _("周转池台账-%(code)s.xlsx") % {"code": unit.code})


@action_required("pool.view")
def export(request):
    today = timezone.localdate()
    loan_rows = [[loan.borrower.name, loan.get_pool_display(), loan.get_quota_kind_display(), loan.amount,
                  loan.get_field_display(), loan.start_on, loan.due_on, loan.get_status_display(), loan.document]
                 for loan in selectors.loan_list()]
    due_rows = [[loan.borrower.name, loan.get_quota_kind_display(), loan.amount, loan.due_on,
                 _("逾期") if loan.due_on < today else ""] for loan in selectors.loans_due(today=today, days=DUE_DAYS)]
    data = table_workbook([
        (_("周转池余额"), [_("周转池"), _("编制类别"), _("存入"), _("借出"), _("可贷余额")],
         [[r["pool_label"], r["kind_label"], r["deposits"], r["lent"], r["available"]] for r in selectors.pool_balance_rows()]),
        (_("按领域借用"), [_("领域"), _("编制类别"), _("借用中")], [[r["field_label"], r["kind_label"], r["total"]] for r in selectors.loans_by_field()]),
        (_("借用明细"), [_("借用单位"), _("周转池"), _("编制类别"), _("数量"), _("领域"), _("起始日期"), _("到期日期"),
                     _("状态"), _("文号")], loan_rows),
        (_("%(n)s天内到期") % {"n": DUE_DAYS}, [_("借用单位"), _("编制类别"), _("数量"), _("到期日期"), _("逾期")], due_rows),
    ])
    return xlsx_response(data, _("编制周转池-%(date)s.xlsx") % {"date": f"{today:%Y%m%d}"})
