"""Pages of the indicator tree and of the AHP weighting: thin, every write through scoring.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bianzhi.access import may, require, restrict
from bianzhi.exceptions import ApplicationError
from evaluations.selectors import campaign_get_for_user

from . import ahp, exporters, judging, services
from .forms import AggregationForm, ExpertInviteForm, ExpertUpdateForm, FreezeForm, IndicatorForm, TreeSettingsForm
from .models import ROOT_NODE, IndicatorTree
from .selectors import (
    campaign_results,
    campaign_tree,
    dimension_get,
    expert_get,
    expert_get_by_token,
    expert_list,
    freeze_preview,
    indicator_get,
    judgement_is_current,
    node_label,
    result_history,
    results_sensitivity,
    target_result,
    template_list,
    tree_frozen,
    tree_judgement_inputs,
    tree_nodes,
)


def _campaign_for(request, campaign_pk: int, action: str):
    """The campaign (404 if the user may not see it), if the user may do `action` on it (else 403)."""
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    require(request.user, action, campaign)
    return campaign


def _tree_or_404(request, campaign_pk: int, action: str):
    campaign = _campaign_for(request, campaign_pk, action)
    tree = campaign_tree(campaign=campaign)
    if tree is None:
        raise Http404(_("该评估活动还没有指标体系"))
    return campaign, tree


def _to_tree(campaign_pk: int):
    return redirect("scoring:tree", campaign_pk=campaign_pk)


def _run(request, call, success: str) -> bool:
    """Call a service; show its refusal as an error message. True when it went through."""
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


# ---------------------------------------------------------------- the tree

@login_required
def tree_detail(request, campaign_pk: int):
    campaign = _campaign_for(request, campaign_pk, "tree.view")
    tree = campaign_tree(campaign=campaign)
    context = {"campaign": campaign, "tree": tree, "templates": template_list()}
    if tree is not None:
        freeze = tree_frozen(tree)
        context.update(
            freeze=freeze, rows=exporters.tree_rows(tree=tree, freeze=freeze),
            editable=may(request.user, "tree.edit", campaign) and freeze is None and not campaign.is_closed,
            indicator_form=IndicatorForm(tree=tree),
        )
    return render(request, "scoring/tree.html", context)


@login_required
@require_POST
def tree_copy_view(request, campaign_pk: int):
    campaign = _campaign_for(request, campaign_pk, "tree.edit")
    template = get_object_or_404(template_list(), pk=request.POST.get("template"))
    _run(request, lambda: services.campaign_tree_copy(campaign=campaign, template=template, actor=request.user),
         _("已复制指标体系，可在冻结权重前调整"))
    return _to_tree(campaign_pk)


def _tree_action(service, success: str, part=None):
    """A POST that calls one service on the campaign's tree, or on one part of it (`part(tree, pk)`), and
    returns to the tree page. `service(obj, name, actor)`; `name` is the posted name, when there is one."""

    @login_required
    @require_POST
    def view(request, campaign_pk: int, pk: int | None = None):
        _campaign, tree = _tree_or_404(request, campaign_pk, "tree.edit")
        obj = part(tree, pk) if part else tree
        _run(request, lambda: service(obj, request.POST.get("name", ""), request.user), success)
        return _to_tree(campaign_pk)

    return view


def _dimension(tree, pk):
    return dimension_get(tree=tree, pk=pk)


template_save_view = _tree_action(
    lambda tree, name, actor: services.tree_template_save(tree=tree, name=name, actor=actor), gettext_lazy("已另存为指标体系模板"))
dimension_add_view = _tree_action(
    lambda tree, name, actor: services.dimension_add(tree=tree, name=name, actor=actor), gettext_lazy("已添加维度"))
dimension_rename_view = _tree_action(
    lambda dimension, name, actor: services.dimension_rename(dimension=dimension, name=name, actor=actor),
    gettext_lazy("已重命名维度"), part=_dimension)
dimension_remove_view = _tree_action(
    lambda dimension, _name, actor: services.dimension_remove(dimension=dimension, actor=actor),
    gettext_lazy("已删除维度"), part=_dimension)
indicator_remove_view = _tree_action(
    lambda indicator, _name, actor: services.indicator_remove(indicator=indicator, actor=actor),
    gettext_lazy("已删除指标"), part=lambda tree, pk: indicator_get(tree=tree, pk=pk))


@login_required
def indicator_form_view(request, campaign_pk: int, pk: int | None = None):
    """Add an indicator (pk None) or edit one: rename, re-describe, move to another dimension."""
    campaign, tree = _tree_or_404(request, campaign_pk, "tree.edit")
    indicator = indicator_get(tree=tree, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator, tree=tree)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.INDICATOR_FIELDS}
        dimension = form.cleaned_data["dimension"]
        try:
            if indicator is None:
                services.indicator_add(dimension=dimension, actor=request.user, **values)
            else:
                services.indicator_update(indicator=indicator, dimension=dimension, actor=request.user, **values)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext_lazy("指标已保存"))
            return _to_tree(campaign_pk)
    return render(request, "scoring/indicator_form.html",
                  {"campaign": campaign, "tree": tree, "indicator": indicator, "form": form},
                  status=400 if form.errors else 200)


@login_required
def tree_xlsx(request, campaign_pk: int):
    campaign, tree = _tree_or_404(request, campaign_pk, "tree.view")
    response = HttpResponse(
        exporters.tree_xlsx(tree=tree, freeze=tree_frozen(tree)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicator-weights-{campaign.pk}.xlsx"'
    return response


# ---------------------------------------------------------------- the evaluator's aggregation page

def _matrix_cell(judgement, label: str, nodes, ri_table: str) -> dict:
    """One expert's matrix as the evaluator reads it: the judgements as written (7, 1/7) and its CR under the
    RI table chosen on the page."""
    if judgement is None:
        return {"judgement": None, "label": label}
    if not judgement_is_current(judgement, nodes):
        return {"judgement": judgement, "stale": True, "label": label}
    names = nodes[judgement.node][1]
    rows = [(names[i], [judging.scale_label(v) if v is not None else "—" for v in row])
            for i, row in enumerate(judgement.matrix)]
    return {"judgement": judgement, "label": label, "names": names, "rows": rows,
            "cr": ahp.priorities(judgement.matrix, ri_table=ri_table).cr}


@login_required
def ahp_overview(request, campaign_pk: int):
    """Every expert's matrices and CRs, the group weights by the chosen method, and the freeze."""
    campaign = _campaign_for(request, campaign_pk, "ahp.view")
    tree = campaign_tree(campaign=campaign)
    if tree is None:
        messages.info(request, _("请先为评估活动复制指标体系，再邀请专家判断"))
        return _to_tree(campaign_pk)
    return _ahp_page(request, campaign, tree)


def _ahp_page(request, campaign, tree, *, invite_form=None, bound_expert_form=None, error: str | None = None):
    """The aggregation page; after a refused POST it shows the posted form again with what was typed."""
    freeze = tree_frozen(tree)
    nodes = tree_nodes(tree=tree)
    dimension_names = dict(zip(*nodes[ROOT_NODE]))
    matrix_nodes = [(key, node_label(key, dimension_names)) for key, (codes, _n) in nodes.items() if len(codes) > 1]
    form = AggregationForm(request.GET or None)
    method, ri_table = (form.cleaned_data["method"], form.cleaned_data["ri_table"]) if form.is_valid() else ("aij", "saaty1980")
    experts = []
    for expert in expert_list(tree=tree):
        by_node = {j.node: j for j in expert.judgements.all()}
        cells = [_matrix_cell(by_node.get(key), label, nodes, ri_table) for key, label in matrix_nodes]
        expert_form = ExpertUpdateForm(prefix=f"e{expert.pk}", initial={
            "weight": expert.weight, "excluded": expert.excluded, "exclude_reason": expert.exclude_reason})
        if bound_expert_form is not None and bound_expert_form.prefix == expert_form.prefix:
            expert_form = bound_expert_form
        experts.append({"expert": expert, "cells": cells, "form": expert_form,
                        "url": request.build_absolute_uri(reverse("scoring:judge_index", args=[expert.token]))})
    group, group_error = None, None
    if freeze is None:
        inputs = tree_judgement_inputs(tree=tree)
        try:
            group = judging.group_result(inputs.nodes, ROOT_NODE, inputs.judgements, method, ri_table, inputs.names)
        except ValueError as exc:
            group_error = str(exc)
    return render(request, "scoring/ahp.html", {
        "campaign": campaign, "tree": tree, "freeze": freeze, "matrix_nodes": matrix_nodes, "experts": experts,
        "aggregation_form": form if form.is_bound else AggregationForm(), "method": method, "ri_table": ri_table,
        "group": group, "group_error": group_error,
        "group_rows": exporters.tree_rows(
            tree=tree, local={k: n.weights for k, n in group.local.items()}, global_weights=group.global_weights,
        ) if group else None,
        "invite_form": invite_form or ExpertInviteForm(), "error": error,
        "editable": may(request.user, "ahp.judge", campaign) and freeze is None and not campaign.is_closed,
    }, status=400 if error else 200)


def _to_ahp(campaign_pk: int):
    return redirect("scoring:ahp", campaign_pk=campaign_pk)


@login_required
@require_POST
def expert_invite_view(request, campaign_pk: int):
    campaign, tree = _tree_or_404(request, campaign_pk, "ahp.judge")
    form = ExpertInviteForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("请填写专家姓名"))
        services.expert_invite(tree=tree, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _ahp_page(request, campaign, tree, invite_form=form, error=exc.message)
    messages.success(request, _("已邀请专家：请把专属链接发给他（她）"))
    return _to_ahp(campaign_pk)


@login_required
@require_POST
def expert_update_view(request, campaign_pk: int, pk: int):
    campaign, tree = _tree_or_404(request, campaign_pk, "ahp.judge")
    expert = expert_get(tree=tree, pk=pk)
    form = ExpertUpdateForm(request.POST, prefix=f"e{pk}")
    try:
        if not form.is_valid():
            raise ApplicationError(_("专家权重必须是大于 0 的数"))
        services.expert_update(expert=expert, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _ahp_page(request, campaign, tree, bound_expert_form=form, error=exc.message)
    messages.success(request, _("已更新专家“%(name)s”") % {"name": expert.name})
    return _to_ahp(campaign_pk)



@login_required
def weights_freeze_view(request, campaign_pk: int):
    """GET: what the freeze will do (who is in, who is left out and why, the weights, the group CRs) and a
    confirmation; POST with the confirmation: freeze."""
    campaign, tree = _tree_or_404(request, campaign_pk, "ahp.freeze")
    if tree_frozen(tree):
        return _to_tree(campaign_pk)
    data = request.POST if request.method == "POST" else request.GET.copy()
    if request.method != "POST":
        for name, value in (("method", "aij"), ("ri_table", "saaty1980"), ("priority_method", "eigenvector")):
            data.setdefault(name, value)
    form = FreezeForm(data, tree=tree)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        preview = freeze_preview(tree=tree, method=data["method"], ri_table=data["ri_table"],
                                 priority_method=data["priority_method"], include=frozenset(data["include"]))
        if request.method == "POST":
            if not data["confirm"]:
                form.add_error("confirm", _("请勾选确认后再冻结"))
            else:
                try:
                    services.weights_freeze(
                        tree=tree, actor=request.user, method=data["method"], ri_table=data["ri_table"],
                        priority_method=data["priority_method"], override_reason=data["override_reason"],
                        include=frozenset(data["include"]))
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("权重已冻结：此后指标体系和权重不能再修改"))
                    return _to_tree(campaign_pk)
    rows = exporters.tree_rows(tree=tree, local={k: n.weights for k, n in preview.group.local.items()},
                               global_weights=preview.group.global_weights) if preview and preview.group else None
    return render(request, "scoring/freeze_confirm.html", {
        "campaign": campaign, "tree": tree, "form": form, "preview": preview, "rows": rows,
        "method_labels": judging.PRIORITY_METHOD_LABELS,
    }, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- the expert's pages (public, by token)

def _expert_node(token: str, node: str):
    expert = expert_get_by_token(token=token)
    nodes = tree_nodes(tree=expert.tree)
    if node not in nodes or len(nodes[node][0]) < 2:
        raise Http404
    return expert, nodes


def judge_index(request, token: str):
    expert = expert_get_by_token(token=token)
    nodes = tree_nodes(tree=expert.tree)
    dimension_names = dict(zip(*nodes[ROOT_NODE]))
    saved = {j.node: j for j in expert.judgements.all()}
    matrices = [
        {"node": key, "label": node_label(key, dimension_names), "size": len(codes),
         "judgement": saved.get(key) if saved.get(key) and judgement_is_current(saved[key], nodes) else None}
        for key, (codes, _names) in nodes.items() if len(codes) > 1
    ]
    return render(request, "scoring/judge_index.html",
                  {"expert": expert, "matrices": matrices, "frozen": tree_frozen(expert.tree) is not None})


def _answers_from_post(post, n: int) -> dict[tuple[int, int], int | None]:
    answers = {}
    for i, j in judging.pairs(n):
        raw = post.get(f"p{i}_{j}", "")
        try:
            answers[(i, j)] = int(raw) if raw else None
        except ValueError:
            answers[(i, j)] = 0  # not on the scale: the service says so
    return answers


def _pair_rows(names: list[str], answers: dict) -> list[dict]:
    rows = []
    for i, j in judging.pairs(len(names)):
        a, b = names[i], names[j]
        # the first item's side from "extremely" down to "equal", then the second item's side back up
        options = [(str(answer), judging.answer_label(answer, (a, b))) for answer in judging.ANSWERS]
        current = answers.get((i, j))
        rows.append({"name": f"p{i}_{j}", "a": a, "b": b, "options": options,
                     "value": "" if current is None else str(current)})
    return rows


def _feedback_context(matrix, names) -> dict:
    try:
        result = judging.feedback(matrix, names)
    except ValueError as exc:
        return {"error": str(exc)}
    return {"result": result, "weights": sorted(zip(names, result.weights), key=lambda x: -x[1])}


def judge_node(request, token: str, node: str):
    """One comparison matrix: only the upper triangle is asked. Works without JS; with JS the feedback is live."""
    expert, nodes = _expert_node(token, node)
    codes, names = nodes[node]
    frozen = tree_frozen(expert.tree) is not None
    keys = [key for key, (c, _n) in nodes.items() if len(c) > 1]
    next_node = keys[keys.index(node) + 1] if keys.index(node) + 1 < len(keys) else None
    status, error = 200, None
    if request.method == "POST":
        answers = _answers_from_post(request.POST, len(codes))
        try:
            services.judgement_save(expert=expert, node=node, answers=answers)
        except ApplicationError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("判断已保存"))
            return redirect("scoring:judge_node", token=token, node=node)
    else:
        saved = expert.judgements.filter(node=node).first()
        answers = judging.answers_from_matrix(saved.matrix) if saved and saved.items == codes else {}
    has_answers = any(a is not None for a in answers.values())
    feedback = _feedback_context(judging.matrix_from_answers(len(codes), answers), names) if has_answers else {}
    return render(request, "scoring/judge.html", {
        "expert": expert, "node": node, "label": node_label(node, dict(zip(*nodes[ROOT_NODE]))),
        "rows": _pair_rows(names, answers), "feedback": feedback, "error": error, "frozen": frozen,
        "next_node": next_node,
    }, status=status)


@transaction.non_atomic_requests  # reads only; no write lock per keystroke (SQLite's IMMEDIATE transactions)
@require_POST
def judge_preview(request, token: str, node: str):
    """Live feedback while judging: the engine's weights, CR and revision hints as an HTML fragment."""
    expert, nodes = _expert_node(token, node)
    codes, names = nodes[node]
    answers = _answers_from_post(request.POST, len(codes))
    if any(a is not None and a not in judging.ANSWERS for a in answers.values()):
        return JsonResponse({"error": _("判断只能取 1～9 标度")}, status=400)
    context = _feedback_context(judging.matrix_from_answers(len(codes), answers), names)
    result = context.get("result")
    return JsonResponse({
        "html": render_to_string("scoring/_feedback.html", {"feedback": context}, request=request),
        "cr": result.cr if result else None, "consistent": result.consistent if result else None,
        "weights": dict(zip(codes, result.weights)) if result else None, "error": context.get("error"),
    })


# ---------------------------------------------------------------- results

@login_required
@require_safe
def results_page(request, campaign_pk: int):
    """Every unit's result (stored, or live and marked 暂定 before 撰写报告), coverage, ranks, sensitivity."""
    campaign = _campaign_for(request, campaign_pk, "results.view_all")
    results = campaign_results(campaign=campaign)
    tree = campaign_tree(campaign=campaign)
    editable = tree and may(request.user, "tree.edit", campaign) and not tree_frozen(tree)
    settings_form = TreeSettingsForm(instance=tree) if editable else None
    return render(request, "scoring/results.html", {
        "campaign": campaign, "results": results, "tree": tree, "settings_form": settings_form,
        "provisional": any(r.provisional for r in results),
        "incomplete": sum(1 for r in results if not r.complete),
        "sensitivity": results_sensitivity(campaign=campaign, results=results),
    })


@login_required
@require_safe
def result_detail(request, campaign_pk: int, target_pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=campaign_pk)
    target = get_object_or_404(restrict(campaign.targets.select_related("unit"), request.user, "package.view"),
                               pk=target_pk)  # another unit's: 404
    require(request.user, "results.view_all", campaign)
    return render(request, "scoring/result_detail.html", {
        "campaign": campaign, "target": target, "result": target_result(target=target),
        "history": result_history(target=target),
    })


@login_required
@require_safe
def results_xlsx(request, campaign_pk: int):
    campaign = _campaign_for(request, campaign_pk, "results.view_all")
    response = HttpResponse(
        exporters.results_xlsx(campaign=campaign, results=campaign_results(campaign=campaign)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="results-{campaign.pk}.xlsx"'
    return response


@login_required
@require_POST
def tree_settings_view(request, campaign_pk: int):
    campaign, tree = _tree_or_404(request, campaign_pk, "tree.edit")
    form = TreeSettingsForm(request.POST, instance=IndicatorTree.objects.get(pk=tree.pk))
    if form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.TREE_SETTINGS}
        if _run(request, lambda: services.tree_settings_update(tree=tree, actor=request.user, **values),
                _("评分设置已保存")):
            return redirect("scoring:results", campaign_pk=campaign_pk)
    else:
        messages.error(request, _("；").join(_("%(label)s：%(errors)s") % {"label": form.fields[f].label, "errors": " ".join(e)}
                                         if f in form.fields else " ".join(e)
                                         for f, e in form.errors.items()))
    return redirect("scoring:results", campaign_pk=campaign_pk)
