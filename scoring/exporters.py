"""The tree with its weights as rows (the page and the report use the same table) and as an xlsx file."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from bianzhi import spreadsheets

from .models import ROOT_NODE, IndicatorTree, WeightFreeze
from .rules import round1


def tree_rows(*, tree: IndicatorTree, freeze: WeightFreeze | None = None, local: dict | None = None,
              global_weights: dict | None = None) -> list[dict]:
    """One row per dimension followed by its indicators. Weights come from the freeze, or from `local`
    ({node: {code: weight}}) and `global_weights` ({code: weight}) when given; else they are None."""
    if freeze is not None:
        local, global_weights = freeze.local_weights, freeze.global_weights
    local, global_weights = local or {}, global_weights or {}
    rows = []
    for dimension in tree.dimensions.all():
        weight = local.get(ROOT_NODE, {}).get(dimension.code)
        rows.append({"level": 1, "obj": dimension, "code": dimension.code, "name": dimension.name,
                     "local": weight, "global": weight})
        for indicator in dimension.indicators.all():
            rows.append({"level": 2, "obj": indicator, "code": indicator.code, "name": indicator.name,
                         "local": local.get(dimension.code, {}).get(indicator.code),
                         "global": global_weights.get(indicator.code)})
    return rows


HEADERS = [gettext_lazy("编码"), gettext_lazy("维度"), gettext_lazy("指标"), gettext_lazy("指标类型"), gettext_lazy("方向"),
           gettext_lazy("满分"), gettext_lazy("数据来源"), gettext_lazy("评分标准"), gettext_lazy("局部权重"),
           gettext_lazy("全局权重")]


@spreadsheets.exporter
def tree_xlsx(*, tree: IndicatorTree, freeze: WeightFreeze | None) -> bytes:
    """The table a report needs: the tree, its local and global weights (unrounded; shown with 4 decimals)."""
    wb = spreadsheets.workbook()
    ws = wb.active
    ws.title = _("指标权重")
    ws.append([_("%(name)s 指标体系及权重") % {"name": tree.name}])
    ws["A1"].font = Font(bold=True, size=14)
    if freeze is not None:
        frozen_at = timezone.localtime(freeze.frozen_at)
        ws.append([_("权重冻结于 %(at)s，集结方法：%(method)s，RI 表：%(ri)s，专家：%(experts)s") % {
            "at": f"{frozen_at:%Y-%m-%d %H:%M}", "method": freeze.get_method_display(), "ri": freeze.ri_table_label,
            "experts": _("、").join(e["name"] for e in freeze.experts)}])
    else:
        ws.append([_("权重尚未冻结")])
    ws.append([str(h) for h in HEADERS])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
    dimension_name = ""
    for row in tree_rows(tree=tree, freeze=freeze):
        obj = row["obj"]
        if row["level"] == 1:
            dimension_name = row["name"]
            ws.append([row["code"], dimension_name, None, None, None, None, None, None, row["local"], row["global"]])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        else:
            ws.append([row["code"], dimension_name, row["name"], obj.get_kind_display(), obj.get_direction_display(),
                       float(obj.full_marks), obj.source, obj.guideline, row["local"], row["global"]])
        for col in ("I", "J"):
            ws[f"{col}{ws.max_row}"].number_format = "0.0000"
        ws[f"H{ws.max_row}"].alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHIJ", (9, 12, 30, 18, 8, 8, 28, 50, 11, 11)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if freeze is not None:
        _consistency_sheet(wb.create_sheet(_("一致性检验")), tree, freeze)
    spreadsheets.neutralise(wb)  # names, guidelines and sources are typed by users
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _consistency_sheet(ws, tree: IndicatorTree, freeze: WeightFreeze) -> None:
    """Each group matrix's consistency (AIJ: of the aggregated matrix; AIP: the largest CR among the experts)."""
    names = {ROOT_NODE: _("评估维度"), **{d.code: d.name for d in tree.dimensions.all()}}
    ws.append([_("判断矩阵"), _("阶数"), "λmax", "CI", "CR", _("参与专家数")])
    for node, name in names.items():  # the tree's order: PostgreSQL's jsonb does not keep the keys' order
        c = freeze.consistency[node]
        ws.append([name, len(freeze.local_weights[node]), c["lambda_max"], c["ci"], c["cr"], c["experts"]])
    if freeze.hierarchy_cr is not None:
        ws.append([_("总体一致性比率 CR"), None, None, None, freeze.hierarchy_cr])
    ws.column_dimensions["A"].width = 20


# ---------------------------------------------------------------- the campaign's results

@spreadsheets.exporter
def results_xlsx(*, campaign, results) -> bytes:
    """One row per unit, one column per indicator (points on its full marks); a second sheet with each score's
    source and evidence. Read from the stored versions (or the live ones, marked 暂定).

    Written row by row (a write-only workbook, each value made safe as it is appended): a province's 10,000
    units × 41 indicators are 410,000 rows of sources that a normal workbook would hold in memory as cells."""
    wb = spreadsheets.workbook(write_only=True)
    ws = wb.create_sheet(_("评估结果"))
    sources = wb.create_sheet(_("得分来源"))
    ws.freeze_panes = "B2"
    codes = list(results[0].indicators) if results else []
    names = {c: results[0].indicators[c]["name"] for c in codes}
    head = [_("单位"), _("单位类别"), _("层级"), _("版本"), _("总分"), _("执行情况"), _("使用效益"), _("等次"), _("总排名"),
            _("同类别排名"), _("同层级排名"), _("已得分指标"), _("缺失指标")] + [f"{c} {names[c]}" for c in codes]
    spreadsheets.append(ws, _bold(ws, head))
    spreadsheets.append(sources, _bold(sources, [_("单位"), _("编码"), _("指标"), _("得分"), _("满分"), _("全局权重"),
                                                 _("来源"), _("依据"), _("缺失原因")]))
    for r in results:
        unit = r.target.unit
        spreadsheets.append(ws, [
            unit.name, unit.get_kind_display(), unit.get_level_display(),
            _("暂定") if r.provisional else f"v{r.version}",
            _shown(r.total), _shown(r.execution), _shown(r.benefit),
            r.grade_label, r.rank_overall, r.rank_kind, r.rank_level, r.coverage,
            _("、").join(m["name"] for m in r.missing),
        ] + [r.indicators.get(c, {}).get("points") for c in codes])
        for code, row in r.indicators.items():
            spreadsheets.append(sources, [
                unit.name, code, row["name"], row["points"], row["full"], row["weight"], row["source"], row["evidence"],
                row.get("why", ""),
            ])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _bold(ws, values: list) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _shown(value) -> float | None:
    return None if value is None else float(round1(value))
