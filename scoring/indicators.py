"""The default indicator system of the paper: 8 dimensions (维度), 41 indicators (评估内容).

Plain data, no Django: the scoring engine, the forms and the seed all read it from here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    negative: bool = False  # a negative indicator (e.g. 重大失误度): more is worse


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    indicators: tuple[Indicator, ...]


def _dimension(number: int, code: str, name: str, *names: str, negative: frozenset[str] = frozenset()) -> Dimension:
    return Dimension(
        code=code,
        name=name,
        indicators=tuple(
            Indicator(code=f"{code}_{i:02d}", name=n, negative=n in negative) for i, n in enumerate(names, start=1)
        ),
    )


DIMENSIONS: tuple[Dimension, ...] = (
    _dimension(1, "D1", "职能配置", "合法合规度", "完整清晰度", "权责统一度", "职责交叉度", "适应经济社会发展度"),
    _dimension(2, "D2", "机构设置", "内设机构设置及职能配置科学合理度", "内部机构职责边界清晰度"),
    _dimension(
        3, "D3", "编制配置",
        "编制与职责适宜度", "领导职数与管理任务适宜度", "人员配备到位度", "人员结构合理度", "人员岗位适应度",
    ),
    _dimension(4, "D4", "工作机制", "内部机构协调配合度", "工作流程合理度", "人员分工明晰度", "环境氛围满意度"),
    _dimension(
        5, "D5", "协作机制", "协作配合机制建立健全度", "牵头工作职责落实度", "协助配合职责落实度", "相关部门认可度"
    ),
    _dimension(
        6, "D6", "履职尽责",
        "划入或新增职责落实度", "转移或下放职责落实度", "取消职责落实度", "加强职责落实度", "承担责任落实度",
        "履行职责到位度", "工作创新发展度", "社会公众和服务对象满意度", "热点难点问题解决度", "履行职责重大失误度",
        negative=frozenset({"履行职责重大失误度"}),
    ),
    _dimension(7, "D7", "效能效益", "工作任务完成", "职责饱和程度", "人员作用发挥", "内部潜力挖掘", "主要社会贡献"),
    _dimension(
        8, "D8", "日常管理",
        "重点领域改革实施到位", "执行《条例》、“三定”规定和实名制管理", "及时更新机构编制统计数据",
        "督促事业单位执行登记管理", "网上名称管理", "统一社会信用代码证办理",
    ),
)

DIMENSION_NAMES: dict[str, str] = {d.code: d.name for d in DIMENSIONS}
INDICATORS: dict[str, Indicator] = {i.code: i for d in DIMENSIONS for i in d.indicators}

# Indicators the first slice can already measure (the rest come from the forms and the evaluation sheet).
STAFFING_IN_PLACE = "D3_03"  # 人员配备到位度: from the registry
QUOTA_RULES_KEPT = "D8_02"  # 执行《条例》、三定和实名制: no overstaffing, no organ on institutional quotas
RECIPIENT_SATISFACTION = "D6_08"  # 社会公众和服务对象满意度: from the satisfaction form


def equal_weights() -> dict[str, float]:
    """Global weights before AHP has been run: every dimension equal, every indicator equal within it."""
    return {
        indicator.code: 1 / len(DIMENSIONS) / len(dimension.indicators)
        for dimension in DIMENSIONS
        for indicator in dimension.indicators
    }
