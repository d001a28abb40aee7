"""Each chart of the dashboard as a table: (title, headers, rows). One source for the table view under each
chart, its xlsx export and the coverage export — so the figures downloaded are the figures shown."""

from __future__ import annotations

from django.utils.translation import gettext as _

CHARTS = ("ranking", "grades", "heatmap", "radar", "satisfaction", "rectification", "closest", "yoy")


def _v(value):
    return "—" if value is None else value


def dashboard_tables(data: dict, *, rows_of_per_unit: bool = True) -> dict[str, tuple[str, list[str], list[list]]]:
    """Every chart's table. The page asks without the rows of the two tables of one row per unit (ranking, heat
    map): dashboard.js builds those from the page's data; the xlsx exports have every row."""
    units = data["ranking"] if rows_of_per_unit else []
    dims = [d["name"] for d in data["dimensions"]]
    mark = _("（暂定）") if data["provisional"] else ""
    compare = data["compare"]
    tables = {}
    tables["ranking"] = (
        _("排名") + mark,
        [_("名次"), _("单位"), _("类别"), _("层级"), _("得分"), _("等次"),
         _("上次得分"), _("较上次")] if compare else [_("名次"), _("单位"), _("类别"), _("层级"), _("得分"), _("等次")],
        [[_v(r["rank"]), r["unit"], r["kind_label"], r["level_label"], _v(r["score"]), r["grade_label"],
          *([_v(r["previous_score"]), _v(r["change"])] if compare else [])] for r in units],
    )
    grade_heads = [g["label"] for g in data["headline"]["grades"]]
    grade_keys = [g["grade"] for g in data["headline"]["grades"]]
    overall = {g["grade"]: g["count"] for g in data["headline"]["grades"]}
    tables["grades"] = (
        _("等次分布") + mark, [_("范围"), *grade_heads],
        [[_("全部单位"), *[overall[k] for k in grade_keys]]]
        + [[row["label"], *[row[k] for k in grade_keys]] for row in data["grades"]["by_kind"] + data["grades"]["by_level"]],
    )
    tables["heatmap"] = (
        _("各单位八个维度得分") + mark, [_("单位"), *dims],
        [[r["unit"], *[_v(v) for v in r["dimensions"]]] for r in units],
    )
    tables["radar"] = (
        _("全市各维度平均得分") + mark, [_("维度"), _("全市平均")],
        [[name, _v(v)] for name, v in zip(dims, data["radar"]["city"])],
    )
    tables["satisfaction"] = (
        _("各维度满意率（干部职工测评）"), [_("维度"), _("满意率（%）")],
        [[name, _v(v)] for name, v in zip(dims, data["satisfaction"]["staff"])]
        + [[_("服务对象满意度"), _v(data["satisfaction"]["public"])]],
    )
    rect = data["rectification"]
    tables["rectification"] = (
        _("整改进度"), [_("单位"), _("整改事项"), _("已完成"), _("逾期")],
        [[r["unit"], r["total"], r["closed"], r["overdue"]] for r in rect["by_unit"]] if rect else [],
    )
    tables["closest"] = (
        _("最接近等次分数线的单位") + mark, [_("单位"), _("得分"), _("等次"), _("分数线"), _("距分数线")],
        [[r["unit"], r["score"], r["grade_label"], r["boundary_label"], r["distance"]] for r in data["closest"]],
    )
    yoy = data["yoy"]
    if yoy:
        tables["yoy"] = (
            _("%(a)s 年与 %(b)s 年对比") % {"a": compare["year"], "b": data["campaign"]["year"]},
            [_("维度"), str(compare["year"]), str(data["campaign"]["year"]), _("变化")],
            [[d["name"], _v(d["before"]), _v(d["now"]), _v(d["change"])] for d in yoy["dimensions"]],
        )
    else:
        tables["yoy"] = (_("年度对比"), [_("维度")], [])
    return tables


def coverage_table(rows: list[dict], years: int) -> tuple[str, list[str], list[list]]:
    return (
        _("评估覆盖情况"),
        [_("单位"), _("类别"), _("层级"), _("所属地区"), _("评估年度"), _("最近一次"), _("状态")],
        [[r["unit"].name, r["unit"].get_kind_display(), r["unit"].get_level_display(), r["unit"].region,
          _("、").join(str(y) for y in r["years"]) or "—", _v(r["last"]),
          _("从未评估") if r["never"] else (_("近 %(y)s 年未评估") % {"y": years} if r["due"] else _("已覆盖"))]
         for r in rows],
    )
