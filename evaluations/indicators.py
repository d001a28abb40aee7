"""The campaign's indicators, as every page and service below the scoring app sees them.

The campaign's indicator tree is edited and weighted in `scoring/`, an app above this one. The
self-assessment, the field visit, the forms and the reports read it through the functions here, and the
scoring app answers them: at start-up it registers its reader with `provide_tree` (a hook: the lower app asks,
the upper one answers, so no import runs upwards). The static list in `scoring.indicators` only seeds the
default template that a campaign's tree is copied from.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

# 执行情况 (is the 三定 carried out: functions, bodies, quotas, routine management) vs
# 使用效益 (what the quotas yield: mechanisms, cooperation, duties, efficiency). A dimension the office adds
# to a campaign's tree counts as 执行情况 unless the tree says otherwise.
EXECUTION, BENEFIT = "execution", "benefit"
BLOCK_DIMENSIONS = {
    EXECUTION: ("D1", "D2", "D3", "D8"),
    BENEFIT: ("D4", "D5", "D6", "D7"),
}


def default_block(dimension_code: str) -> str:
    return BENEFIT if dimension_code in BLOCK_DIMENSIONS[BENEFIT] else EXECUTION


@dataclass(frozen=True)
class CampaignIndicator:
    code: str
    name: str
    dimension_code: str
    guideline: str = ""
    kind: str = ""
    source: str = ""
    full_marks: Decimal = Decimal("10")
    negative: bool = False


@dataclass(frozen=True)
class CampaignDimension:
    code: str
    name: str
    block: str
    indicators: tuple[CampaignIndicator, ...] = field(default_factory=tuple)


TreeReader = Callable[[object], list[CampaignDimension]]
_tree_reader: TreeReader | None = None


def provide_tree(reader: TreeReader) -> None:
    """Called once by the scoring app: `reader(campaign)` gives the campaign's dimensions in order."""
    global _tree_reader
    _tree_reader = reader


def campaign_tree_dimensions(campaign) -> list[CampaignDimension]:
    """The campaign's dimensions and indicators in the order of its tree (read once per campaign object)."""
    if _tree_reader is None:
        raise ImproperlyConfigured("No indicator tree reader: is the scoring app installed?")
    cached = campaign.__dict__.get("_tree_dimensions")
    if cached is None:
        cached = campaign.__dict__["_tree_dimensions"] = _tree_reader(campaign)
    return cached


def tree_changed(campaign) -> None:
    """Forget what was read of the campaign's tree on this object (after an edit of the tree)."""
    campaign.__dict__.pop("_tree_dimensions", None)


def campaign_dimensions(campaign) -> list[tuple[str, list[CampaignDimension]]]:
    """[(block, its dimensions)] for the campaign's kind, in the order of the tree."""
    dimensions = campaign_tree_dimensions(campaign)
    return [(block, [d for d in dimensions if d.block == block]) for block in campaign.blocks]


def campaign_indicators(campaign) -> dict[str, CampaignIndicator]:
    """The indicators the campaign evaluates, by code, in the order of the tree."""
    return {i.code: i for _block, dims in campaign_dimensions(campaign) for d in dims for i in d.indicators}


def campaign_indicator_codes(campaign) -> list[str]:
    return list(campaign_indicators(campaign))


def campaign_dimension_names(campaign) -> dict[str, str]:
    return {d.code: d.name for d in campaign_tree_dimensions(campaign)}


def block_subscores(campaign, scores: dict[str, float | None]) -> dict[str, float | None]:
    """The mean self-score of each block over its scored indicators (None when none is scored)."""
    block_of = {i.code: d.block for d in campaign_tree_dimensions(campaign) for i in d.indicators}
    result = {}
    for block in (EXECUTION, BENEFIT):
        values = [v for code, v in scores.items() if block_of.get(code) == block and v is not None]
        result[block] = sum(values) / len(values) if values else None
    return result


@dataclass(frozen=True)
class Scale:
    """What one row of the self-assessment and of the evaluation sheet takes: the same for both sheets.

    A scored indicator takes 0 to its full marks in the campaign's tree (one decimal); a negative indicator
    (重大失误度) takes the number of incidents, which the tree's rule turns into a deduction."""

    low: Decimal
    high: Decimal
    decimals: int
    unit: str  # 分 or 起

    @property
    def counts(self) -> bool:
        return self.unit == COUNT_UNIT

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.counts:
            return _("填写起数：%(low)s–%(high)s 的整数") % {"low": plain_decimal(self.low), "high": plain_decimal(self.high)}
        return _("%(low)s–%(high)s 分，最多 %(d)s 位小数") % {"low": plain_decimal(self.low), "high": plain_decimal(self.high), "d": self.decimals}

    def error(self, value: Decimal) -> str:
        """Why `value` does not fit the scale ("" when it does): refused, never clamped."""
        from django.utils.translation import gettext as _

        if not value.is_finite():
            return _("请输入数字")
        if -value.as_tuple().exponent > self.decimals:
            return _("最多保留 %(n)s 位小数") % {"n": self.decimals} if self.decimals else _("请输入整数")
        if not self.low <= value <= self.high:
            return _("须在 %(low)s 至 %(high)s 之间") % {"low": plain_decimal(self.low), "high": plain_decimal(self.high)}
        return ""


COUNT_UNIT, POINTS_UNIT = "起", "分"
MAX_INCIDENTS = Decimal(10)


def plain_decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def indicator_scale(indicator) -> Scale:
    """The scale of a CampaignIndicator (or of the static seed's indicator, which has no full marks: 10)."""
    if indicator.negative:
        return Scale(Decimal(0), MAX_INCIDENTS, 0, COUNT_UNIT)
    return Scale(Decimal(0), Decimal(getattr(indicator, "full_marks", 10)), 1, POINTS_UNIT)
