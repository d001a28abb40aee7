"""What the apps above add to a campaign: columns and facts of its page, and work on entering a stage.

The campaign page lives here, in the app that owns campaigns, yet shows what apps above it know: each
unit's public link (surveys), its provisional score (scoring) and its report (reports). Those apps register a
column at start-up; the page asks for every column in one call per column, whatever the number of units, and
no import runs upwards.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

ColumnReader = Callable[[Any], Mapping[int, Any]]  # campaign → {target id: value}
FactReader = Callable[[Any], Any]  # campaign → value
_columns: dict[str, ColumnReader] = {}
_facts: dict[str, FactReader] = {}


def campaign_fact(name: str) -> Callable[[FactReader], FactReader]:
    """Register `reader(campaign)` as the fact `name` shown on the campaign's page (e.g. its satisfaction form)."""

    def register(reader: FactReader) -> FactReader:
        _facts[name] = reader
        return reader

    return register


def campaign_facts(campaign, *names: str) -> dict[str, Any]:
    """Every registered fact of the campaign, or only those `names` (each costs its reader's queries)."""
    return {name: reader(campaign) for name, reader in _facts.items() if not names or name in names}


_settings: dict[str, FactReader] = {}


def campaign_setting(name: str) -> Callable[[FactReader], FactReader]:
    """Register `reader(campaign)` as the campaign's setting `name` kept by an app above (e.g. the scoring
    settings' minimum sample, which the forms use as the default target sample). Not shown on the page."""

    def register(reader: FactReader) -> FactReader:
        _settings[name] = reader
        return reader

    return register


def campaign_setting_value(campaign, name: str, default: Any = None) -> Any:
    reader = _settings.get(name)
    value = reader(campaign) if reader else None
    return default if value is None else value


def campaign_column(name: str) -> Callable[[ColumnReader], ColumnReader]:
    """Register `reader(campaign)` as the column `name` of the campaign's unit table."""

    def register(reader: ColumnReader) -> ColumnReader:
        _columns[name] = reader
        return reader

    return register


def campaign_rows(campaign, targets: Iterable) -> list[dict[str, Any]]:
    """One row per target: {"target": target, <column>: its value or None, …}."""
    columns = {name: reader(campaign) for name, reader in _columns.items()}
    return [{"target": t, **{name: values.get(t.pk) for name, values in columns.items()}} for t in targets]


StageHandler = Callable[[Any, Any], None]  # (campaign, actor)
_on_stage: dict[str, list[StageHandler]] = {}


def on_stage_entered(status: str) -> Callable[[StageHandler], StageHandler]:
    """Register `handler(campaign, actor)` to run, in the advance's transaction, when a campaign enters
    `status` (e.g. scoring stores each unit's result on entering 撰写报告). A refusal it raises stops the move."""

    def register(handler: StageHandler) -> StageHandler:
        _on_stage.setdefault(status, []).append(handler)
        return handler

    return register


def stage_entered(campaign, status: str, actor) -> None:
    for handler in _on_stage.get(status, []):
        handler(campaign, actor)


ResultHandler = Callable[[Any, Any, str], None]  # (target, actor, reason)
_on_result_revised: list[ResultHandler] = []


def on_result_revised(handler: ResultHandler) -> ResultHandler:
    """Register `handler(target, actor, reason)` to run, in the revising transaction, when a unit's stored
    result gets a new version (a 复核 decision): the report app drafts a new report version from it."""
    _on_result_revised.append(handler)
    return handler


def result_revised(target, actor, reason: str) -> None:
    for handler in _on_result_revised:
        handler(target, actor, reason)


TargetReader = Callable[[list], Mapping[int, Any]]  # targets → {target id: value}
_target_facts: dict[str, TargetReader] = {}


def target_fact(name: str) -> Callable[[TargetReader], TargetReader]:
    """Register `reader(targets)` as the per-unit fact `name` that lower apps ask for without importing the
    app that knows it: "rectification_history" (the unit's 整改 items of its previous campaign, for scoring's
    on-time rule)."""

    def register(reader: TargetReader) -> TargetReader:
        _target_facts[name] = reader
        return reader

    return register


def target_facts(name: str, targets) -> Mapping[int, Any] | None:
    """{target id: value} from the reader registered as `name`; None when no app registered one."""
    reader = _target_facts.get(name)
    return None if reader is None else reader(list(targets))


TargetExpression = Callable[[], Any]  # () → an expression over a CampaignTarget row (the row: OuterRef("pk"))
_target_expressions: dict[str, TargetExpression] = {}


def target_expression(name: str) -> Callable[[TargetExpression], TargetExpression]:
    """Register `make()` as the per-unit fact `name` in SQL, which lower apps annotate their CampaignTarget
    queries with, so a city's (or a province's) units cost no query of their own: "feedback_on" (the day the
    unit's result was fed back, reports.followup)."""

    def register(make: TargetExpression) -> TargetExpression:
        _target_expressions[name] = make
        return make

    return register


def target_expression_of(name: str):
    """The expression registered as `name` (a fresh one), or None when no app registered one."""
    make = _target_expressions.get(name)
    return None if make is None else make()


BoardReader = Callable[[Any], list]  # campaign → [BoardStep, …] (evaluations.board)
_board_steps: list[BoardReader] = []


def board_steps(reader: BoardReader) -> BoardReader:
    """Register `reader(campaign)` giving after-stage steps of the progress board (报告, 反馈, 复核, 整改),
    each with its per-unit cells and counts (evaluations.board.BoardStep)."""
    _board_steps.append(reader)
    return reader


def campaign_board_steps(campaign) -> list:
    return [step for reader in _board_steps for step in reader(campaign)]
