"""Every change to an indicator tree, its experts, judgements and weights: validated, in a transaction, audited.

Once a tree's weights are frozen (or its campaign is closed) every service here refuses to change it.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.models import Campaign

from . import ahp, judging, rules
from .models import Expert, IndicatorTree, Judgement, TreeDimension, TreeIndicator, WeightFreeze
from .selectors import freeze_preview, tree_nodes
from .tree_defaults import build_default_tree

INDICATOR_FIELDS = ("name", "guideline", "kind", "source", "direction", "full_marks", "rule", "params", "exempt_reason")
TREE_SETTINGS = ("execution_dimensions", "min_coverage", "min_sample", "long_vacancy_months", "cr_threshold")


def _locked_tree(tree_id: int, what: str = "tree") -> IndicatorTree:
    """Re-read the tree under a lock and refuse if it may no longer change."""
    tree = IndicatorTree.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=tree_id)
    if tree.campaign:
        campaign_writable(tree.campaign, what)
    if WeightFreeze.objects.filter(tree=tree).exists():
        raise ApplicationError(_("指标权重已冻结，指标体系、专家判断和权重都不能再修改"))
    return tree


def _copy(source: IndicatorTree, **fields) -> IndicatorTree:
    tree = IndicatorTree.objects.create(source=source, **{f: getattr(source, f) for f in TREE_SETTINGS}, **fields)
    for dimension in source.dimensions.prefetch_related("indicators"):
        copy = TreeDimension.objects.create(tree=tree, code=dimension.code, name=dimension.name, position=dimension.position)
        TreeIndicator.objects.bulk_create(
            TreeIndicator(tree=tree, dimension=copy, code=i.code, position=i.position,
                          **{f: getattr(i, f) for f in INDICATOR_FIELDS})
            for i in dimension.indicators.all()
        )
    return tree


@transaction.atomic
def default_template_ensure() -> IndicatorTree:
    """The default template (shipped by a data migration); recreated if it was deleted."""
    return build_default_tree(IndicatorTree, TreeDimension, TreeIndicator)


@transaction.atomic
def campaign_tree_copy(*, campaign: Campaign, template: IndicatorTree, actor: User) -> IndicatorTree:
    """Give the campaign its own copy of a template; the campaign then edits and weighs the copy."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # one copy even when two click at once
    campaign_writable(campaign, "tree")
    if IndicatorTree.objects.filter(campaign=campaign).exists():
        raise ApplicationError(_("该评估活动已有指标体系"))
    if not template.is_template:
        raise ApplicationError(_("只能从指标体系模板复制"))
    tree = _copy(template, name=f"{campaign.year} {campaign.name}", campaign=campaign, created_by=actor)
    events.event_tree_copied(campaign=campaign, actor=actor, template=template.name)
    return tree


@transaction.atomic
def tree_template_save(*, tree: IndicatorTree, name: str, actor: User) -> IndicatorTree:
    """Save a campaign's tree (weights excluded) as a template for next year."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("请填写模板名称"))
    if IndicatorTree.objects.filter(campaign__isnull=True, name=name).exists():
        raise ApplicationError(_("已有同名的指标体系模板"))
    try:
        with transaction.atomic():
            template = _copy(tree, name=name, campaign=None, created_by=actor)
    except IntegrityError as exc:  # a concurrent save won the race
        raise ApplicationError(_("已有同名的指标体系模板")) from exc
    events.event_tree_saved_as_template(campaign=tree.campaign, actor=actor, template=name)
    return template


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("名称不能为空"))
    return name


@transaction.atomic
def dimension_add(*, tree: IndicatorTree, name: str, actor: User) -> TreeDimension:
    tree = _locked_tree(tree.pk)
    name = _clean_name(name)
    codes = set(tree.dimensions.values_list("code", flat=True))
    number = len(codes) + 1
    while f"D{number}" in codes:
        number += 1
    position = (tree.dimensions.aggregate(m=Max("position"))["m"] or 0) + 1
    dimension = TreeDimension.objects.create(tree=tree, code=f"D{number}", name=name, position=position)
    events.event_dimension_added(campaign=tree.campaign, actor=actor, code=dimension.code, name=name)
    return dimension


@transaction.atomic
def dimension_rename(*, dimension: TreeDimension, name: str, actor: User) -> TreeDimension:
    tree = _locked_tree(dimension.tree_id)
    name, before = _clean_name(name), dimension.name
    if name == before:  # saved unchanged: nothing to record
        return dimension
    TreeDimension.objects.filter(pk=dimension.pk).update(name=name)
    dimension.name = name
    events.event_dimension_renamed(campaign=tree.campaign, actor=actor, code=dimension.code, before=before, after=name)
    return dimension


@transaction.atomic
def dimension_remove(*, dimension: TreeDimension, actor: User) -> None:
    tree = _locked_tree(dimension.tree_id)
    if tree.dimensions.count() <= 2:
        raise ApplicationError(_("指标体系至少需要两个维度"))
    names = list(dimension.indicators.values_list("code", flat=True))
    dimension.delete()
    events.event_dimension_removed(campaign=tree.campaign, actor=actor, code=dimension.code, name=dimension.name,
                                   indicators=names)


def _next_indicator_code(tree: IndicatorTree, dimension: TreeDimension) -> str:
    codes = set(tree.indicators.values_list("code", flat=True))
    number = dimension.indicators.count() + 1
    while f"{dimension.code}_{number:02d}" in codes:
        number += 1
    return f"{dimension.code}_{number:02d}"


def _indicator_values(values: Mapping) -> dict:
    out = {f: values[f] for f in INDICATOR_FIELDS if f in values}
    if "name" in out:
        out["name"] = _clean_name(out["name"])
    if "kind" in out and out["kind"] not in TreeIndicator.Kind.values:
        raise ApplicationError(_("未知的指标类型"))
    if "direction" in out and out["direction"] not in TreeIndicator.Direction.values:
        raise ApplicationError(_("未知的指标方向"))
    if "full_marks" in out and not Decimal(str(out["full_marks"])) > 0:
        raise ApplicationError(_("满分必须大于 0"))
    if "rule" in out and out["rule"] not in rules.RULES:
        raise ApplicationError(_("未知的计分规则"))
    if "params" in out:
        params = out["params"] or {}
        if not isinstance(params, dict):
            raise ApplicationError(_("规则参数须为“名称: 值”的形式"))
        allowed = rules.RULES[out.get("rule", "sheet")][1] if "rule" in out else None
        if allowed is not None and set(params) - set(allowed):
            raise ApplicationError(_("该计分规则没有这些参数：%(p)s") % {"p": _("、").join(sorted(set(params) - set(allowed)))})
        for name, value in params.items():
            if isinstance(allowed, dict) and isinstance(allowed.get(name), (int, float)):
                try:
                    if float(value) < 0:
                        raise ValueError
                except (TypeError, ValueError):
                    raise ApplicationError(_("参数 %(p)s 须为不小于 0 的数") % {"p": name}) from None
        out["params"] = params
    if "exempt_reason" in out:
        out["exempt_reason"] = (out["exempt_reason"] or "").strip()
    return out


@transaction.atomic
def indicator_add(*, dimension: TreeDimension, actor: User, **values) -> TreeIndicator:
    tree = _locked_tree(dimension.tree_id)
    values = _indicator_values({"name": "", **values})
    position = (dimension.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator = TreeIndicator.objects.create(
        tree=tree, dimension=dimension, code=_next_indicator_code(tree, dimension), position=position, **values
    )
    events.event_indicator_added(campaign=tree.campaign, actor=actor, code=indicator.code, dimension=dimension.code,
                                 name=indicator.name)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: TreeIndicator, actor: User, dimension: TreeDimension | None = None,
                     **values) -> TreeIndicator:
    """Rename or re-describe an indicator; with `dimension`, move it there (it goes last)."""
    tree = _locked_tree(indicator.tree_id)
    values = _indicator_values(values)
    stored = TreeIndicator.objects.select_related("dimension").get(pk=indicator.pk)  # a ModelForm has set `indicator`
    before = {f: str(getattr(stored, f)) for f in values}
    moved = dimension is not None and dimension.pk != stored.dimension_id
    if not moved and before == {f: str(v) for f, v in values.items()}:  # saved unchanged: nothing to record
        return stored
    for field, value in values.items():
        setattr(indicator, field, value)
    if moved:
        if dimension.tree_id != tree.pk:
            raise ApplicationError(_("只能移动到本指标体系的维度"))
        before["dimension"] = stored.dimension.code
        values["dimension"] = dimension.code
        indicator.dimension = dimension
        indicator.position = (dimension.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator.full_clean(exclude=["tree", "dimension"])
    indicator.save()
    events.event_indicator_changed(campaign=tree.campaign, actor=actor, code=indicator.code, before=before,
                                   after={f: str(v) for f, v in values.items()})
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: TreeIndicator, actor: User) -> None:
    tree = _locked_tree(indicator.tree_id)
    indicator.delete()
    events.event_indicator_removed(campaign=tree.campaign, actor=actor, code=indicator.code, name=indicator.name)


# ---------------------------------------------------------------- experts and judgements

@transaction.atomic
def expert_invite(*, tree: IndicatorTree, name: str, affiliation: str = "", actor: User) -> Expert:
    tree = _locked_tree(tree.pk, "weights")
    if tree.is_template:
        raise ApplicationError(_("模板不能邀请专家，请先为评估活动复制指标体系"))
    expert = Expert.objects.create(tree=tree, name=_clean_name(name), affiliation=affiliation.strip(), invited_by=actor)
    events.event_expert_invited(campaign=tree.campaign, actor=actor, expert_id=expert.pk, name=expert.name)
    return expert


@transaction.atomic
def expert_update(*, expert: Expert, weight: Decimal, excluded: bool, exclude_reason: str, actor: User) -> Expert:
    """Set an expert's weight in the group, or exclude them from it (always with a reason)."""
    tree = _locked_tree(expert.tree_id, "weights")
    exclude_reason = exclude_reason.strip() if excluded else ""
    if excluded and not exclude_reason:
        raise ApplicationError(_("排除专家时必须填写理由"))
    if not weight or weight <= 0:
        raise ApplicationError(_("专家权重必须大于 0"))
    before = {"weight": str(expert.weight), "excluded": expert.excluded, "reason": expert.exclude_reason}
    if before == {"weight": str(weight), "excluded": excluded, "reason": exclude_reason}:
        return expert  # saved unchanged: nothing to record
    expert.weight, expert.excluded, expert.exclude_reason = weight, excluded, exclude_reason
    expert.save(update_fields=["weight", "excluded", "exclude_reason", "updated_at"])
    events.event_expert_changed(campaign=tree.campaign, actor=actor, expert_id=expert.pk, name=expert.name, before=before,
                                after={"weight": str(weight), "excluded": excluded, "reason": exclude_reason})
    return expert


@transaction.atomic
def judgement_save(*, expert: Expert, node: str, answers: Mapping[tuple[int, int], int | None]) -> Judgement:
    """Save an expert's answers for one matrix. An inconsistent matrix is saved too (the CR says so); answers
    that cannot give weights (too few, not connected, off the scale) are refused with the reason."""
    tree = _locked_tree(expert.tree_id, "weights")
    nodes = tree_nodes(tree=tree)
    items, names = nodes.get(node, (None, None))
    if items is None or len(items) < 2:
        raise ApplicationError(_("没有这个判断矩阵"))
    node_name = dict(zip(*nodes["root"], strict=True)).get(node, node) if "root" in nodes else node
    if any(a is not None and a not in judging.ANSWERS for a in answers.values()):
        raise ApplicationError(_("判断只能取 1～9 标度"))
    matrix = judging.matrix_from_answers(len(items), {p: answers.get(p) for p in judging.pairs(len(items))})
    try:
        result = judging.feedback(matrix, names)
    except ValueError as exc:
        raise ApplicationError(str(exc)) from None
    judgement, _created = Judgement.objects.update_or_create(
        expert=expert, node=node, defaults={"items": items, "matrix": matrix, "cr": result.cr, "saved_at": timezone.now()},
    )
    events.event_judgement_saved(campaign=tree.campaign, expert_id=expert.pk, expert_name=expert.name, node=node,
                                 node_name=node_name, cr=round(result.cr, 4))
    return judgement


@transaction.atomic
def weights_freeze(*, tree: IndicatorTree, method: str, ri_table: str, actor: User, priority_method: str = "eigenvector",
                   override_reason: str = "", include: frozenset[int] = frozenset()) -> WeightFreeze:
    """Aggregate the experts taken into account and freeze the weights: who, when, how, with which experts.

    The consistency gate: experts with blank matrices or a CR at or above the tree's threshold are left out
    (with the reason, in the freeze record) unless listed in `include`; if the group's CR at some node is still
    not below the threshold, the freeze needs a written `override_reason`, recorded with it.
    """
    tree = _locked_tree(tree.pk, "weights")
    if tree.is_template:
        raise ApplicationError(_("模板没有权重可冻结"))
    if method not in WeightFreeze.Method.values:
        raise ApplicationError(_("未知的集结方法"))
    if ri_table not in ahp.RI_TABLES:
        raise ApplicationError(_("未知的 RI 表"))
    if priority_method not in ahp.METHODS:
        raise ApplicationError(_("未知的权重计算方法"))
    preview = freeze_preview(tree=tree, method=method, ri_table=ri_table, priority_method=priority_method, include=include)
    inputs, result = preview.inputs, preview.group
    if not inputs.included and not inputs.gated:
        raise ApplicationError(_("还没有专家参与集结"))
    if preview.error:
        raise ApplicationError(preview.error)
    override_reason = (override_reason or "").strip()
    if preview.inconsistent and not override_reason:
        raise ApplicationError(
            _("以下判断矩阵的群组一致性比率未低于 %(t)s，不能冻结：%(nodes)s。请修改判断，或写明仍要冻结的理由。")
            % {"t": f"{tree.cr_threshold:.2f}", "nodes": _("、").join(_("%(node)s（CR %(cr)s）") % {"node": n, "cr": f"{cr:.2f}"}
                                                            for n, cr in preview.inconsistent)}
        )
    excluded = [{"id": e.pk, "name": e.name, "reason": e.exclude_reason} for e in inputs.excluded]
    excluded += [{"id": e.pk, "name": e.name, "reason": _("；").join(issues), "gate": True} for e, issues in inputs.gated]
    freeze = WeightFreeze.objects.create(
        tree=tree, frozen_by=actor, method=method, ri_table=ri_table, priority_method=priority_method,
        cr_threshold=tree.cr_threshold, override_reason=override_reason if preview.inconsistent else "",
        experts=[{"id": e.pk, "name": e.name, "weight": str(e.weight)} for e in inputs.included],
        excluded_experts=excluded,
        local_weights={key: node.weights for key, node in result.local.items()},
        consistency={key: {"cr": node.cr, "ci": node.ci, "lambda_max": node.lambda_max, "experts": node.experts}
                     for key, node in result.local.items()},
        global_weights=result.global_weights,
        hierarchy_cr=result.hierarchy_cr,
    )
    events.event_weights_frozen(
        campaign=tree.campaign, actor=actor, method=method, ri_table=ri_table, priority_method=priority_method,
        experts=[e["name"] for e in freeze.experts], excluded=freeze.excluded_experts,
        inconsistent=[{"node": n, "cr": round(cr, 4)} for n, cr in preview.inconsistent],
        override_reason=freeze.override_reason,
        global_weights={k: round(v, 6) for k, v in result.global_weights.items()},
    )
    return freeze


@transaction.atomic
def tree_settings_update(*, tree: IndicatorTree, actor: User, **values) -> IndicatorTree:
    """The campaign's scoring settings (sub-score split, minimum coverage, minimum sample, 长期空编 months,
    CR threshold): editable until the weights are frozen."""
    tree = _locked_tree(tree.pk)
    before = {f: str(getattr(tree, f)) for f in values if f in TREE_SETTINGS}
    for name, value in values.items():
        if name not in TREE_SETTINGS:
            raise ApplicationError(_("未知的设置项"))
        setattr(tree, name, value)
    codes = set(tree.dimensions.values_list("code", flat=True))
    if not set(tree.execution_dimensions or []) <= codes:
        raise ApplicationError(_("执行情况维度中有本指标体系没有的维度"))
    if not 0 < float(tree.cr_threshold) < 1:
        raise ApplicationError(_("一致性比率阈值须在 0 与 1 之间"))
    tree.full_clean(exclude=["campaign", "source", "created_by", "name"])
    tree.save()
    after = {f: str(getattr(tree, f)) for f in before}
    if after != before:  # saving the page unchanged records nothing
        events.event_scoring_settings_changed(campaign=tree.campaign, actor=actor, before=before, after=after)
    return tree
