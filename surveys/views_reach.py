"""Reaching people: a printable poster per unit, target samples with progress, answers per day."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bianzhi.access import may, require
from bianzhi.exceptions import ApplicationError

from . import selectors, services
from .forms import SampleTargetsForm
from .views import public_url


@login_required
@require_safe
def poster(request, pk: int, target_pk: int):
    """An A4 poster of the unit's public link: its QR code, the unit's name, the form's title, what to do."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    target = selectors.form_target_get(form=form, pk=target_pk)
    require(request.user, "form.answers", target)  # another unit's: 404
    link = selectors.links_by_target(form=form).get(target.pk)
    if link is None:  # the 测评表 and the sheet have no unit link (the 测评表: its ballot sheets)
        raise Http404
    url = public_url(link)
    context = {"form": form, "target": target, "url": url, "today": timezone.localdate(),
               "qr": segno.make(url, error="m").svg_data_uri(scale=10, border=4)}
    import weasyprint  # heavy: loaded when a poster is printed, not by every worker at start

    pdf = weasyprint.HTML(string=render_to_string("surveys/pdf/poster.html", context)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="poster-{form.pk}-{target.unit.code}.pdf"'
    return response


@login_required
def sample_targets(request, pk: int):
    """The target sample per unit: the form's (default: the campaign's minimum sample) and units' own."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "form.inspect", form)
    if form.is_sheet:
        raise Http404
    targets = list(form.campaign.targets.select_related("unit").order_by("unit__name"))
    default = selectors.form_default_sample(form)
    minimum = selectors.campaign_min_sample(form.campaign)
    own = selectors.sample_targets(form)
    initial = {"default": form.sample_target, **{f"unit_{t.pk}": own.get(t.pk) for t in targets}}
    sizes = SampleTargetsForm(request.POST or None, targets=targets, initial=initial, minimum=minimum)
    if request.method == "POST":
        require(request.user, "forms.manage", form)
        if sizes.is_valid():
            try:
                services.form_sample_targets_set(form=form, actor=request.user, **sizes.values())
            except ApplicationError as exc:
                sizes.add_error(None, exc.message)
            else:
                messages.success(request, _("目标样本量已保存"))
                return redirect("surveys:form_detail", pk=form.pk)
    return render(request, "surveys/sample_targets.html", {
        "form": form, "sizes": sizes, "default": default, "minimum": minimum,
        "rows": [(t, sizes[f"unit_{t.pk}"]) for t in targets], "may_manage": may(request.user, "forms.manage", form),
    }, status=400 if sizes.errors else 200)


@login_required
@require_safe
def over_time(request, pk: int):
    """Valid answers per day per unit (a chart and a table). Not for the anonymous 测评表: it keeps no day."""
    form = selectors.form_get_for_user(user=request.user, pk=pk)
    require(request.user, "form.inspect", form)
    if form.is_sheet:
        raise Http404
    days, units = selectors.responses_per_day(form=form)
    chart = {"days": [f"{d:%m-%d}" for d in days],
             "series": [{"name": u["target"].unit.name, "data": u["counts"]} for u in units if u["total"]]}
    return render(request, "surveys/over_time.html", {
        "form": form, "days": days, "units": units, "chart": chart, "offered": form.answers_reviewable,
    })
