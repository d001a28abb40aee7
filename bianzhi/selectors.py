"""Registry reads, scoped to who may see what: a unit outside a user's view is a 404."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .access import restrict
from .figures import (
    StaffingFigures,
    UnitFigures,
    effective_lines,
    figures_by_kind,
    group_overstaffing,
    group_vacancy,
    is_long_vacancy,
    organ_on_institutional_quota,
    posts_over,
    total_figures,
    totals_by,
)
from .importers import QUOTA_KINDS, RANKS, UnitRecord, canonical_lines
from .models import (
    CalendarDay,
    InternalBody,
    LeadershipPost,
    Quota,
    RegistryImport,
    Unit,
    UnitFunction,
    UnitVersion,
    User,
)


def calendar_exceptions(*, start: date, days: int) -> dict[date, bool]:
    """The holiday notice's days (is it a working day?) from `start` over any window of `days` working days:
    at most 2 × days + 31 calendar days (a week of holidays per fortnight, and 春节's long week, included)."""
    until = start + timedelta(days=2 * days + 31)
    return dict(CalendarDay.objects.filter(day__gt=start, day__lte=until).values_list("day", "is_working_day"))


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    units = Unit.objects.select_related("parent").prefetch_related("quotas")
    return restrict(units, user, "unit.view")


def unit_get_for_user(*, user: User, pk: int) -> Unit:
    units = unit_list_for_user(user=user).select_related("supervisor").prefetch_related(
        "functions", "internal_bodies", "leadership_posts"
    )
    return get_object_or_404(units, pk=pk)


def unit_filter(
    units: QuerySet[Unit], *, q: str = "", level: str = "", kind: str = "", region: str = "", status: str = "",
    overstaffed: bool = False, has_vacancy: bool = False,
) -> QuerySet[Unit]:
    """The list page's and the API's search and filters; 超编 and 空编 are judged kind by kind."""
    if q:
        units = units.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q) | Q(credit_code__iexact=q)
        )
    for name, value in (("level", level), ("kind", kind), ("region", region), ("status", status)):
        if value:
            units = units.filter(**{name: value})
    if overstaffed:
        units = units.filter(Exists(Quota.objects.filter(unit=OuterRef("pk"), actual__gt=F("approved"))))
    if has_vacancy:
        units = units.filter(Exists(Quota.objects.filter(unit=OuterRef("pk"), approved__gt=F("actual"))))
    return units


def unit_rows(units) -> list[dict]:
    """List rows: each unit with its totals, and its vacancy and 超编 counted kind by kind (quotas prefetched),
    against what it may use (the 编制周转池's deposits and loans applied)."""
    from .pool.selectors import pool_adjustments

    units = list(units)
    adjustments = pool_adjustments(unit_ids=[u.pk for u in units])
    rows = []
    for unit in units:
        lines = _lines(unit)
        by_kind = figures_by_kind(effective_lines(lines, adjustments.get(unit.pk, {}))).values()
        rows.append({
            "unit": unit, "total": total_figures(lines),
            "vacancy": sum(f.vacancy for f in by_kind), "overstaffing": sum(f.overstaffing for f in by_kind),
        })
    return rows


def region_choices() -> list[str]:
    return list(Unit.objects.order_by("region").values_list("region", flat=True).distinct())


def _lines(unit: Unit) -> list[tuple[str, int, int]]:
    return [(q.kind, q.approved, q.actual) for q in unit.quotas.all()]


def unit_staffing(*, unit: Unit) -> tuple[StaffingFigures, bool]:
    """The unit's current total figures and whether it is an organ staffed on institutional quotas.

    Reads `unit.quotas.all()`, so prefetch quotas when calling it for many units.
    """
    lines = _lines(unit)
    return total_figures(lines), organ_on_institutional_quota(unit.kind, lines)


def unit_staffing_as_of(*, unit: Unit, day: date) -> tuple[StaffingFigures, bool] | None:
    """Like unit_staffing, but from the registry version valid on `day` (None if the unit had none yet).

    A campaign pins the version each unit had when the campaign was created (CampaignTarget.registry_version,
    see `version_ids_as_of`), so later imports do not change what it evaluated.
    """
    return staffing_as_of_by_unit(unit_ids=[unit.pk], day=day).get(unit.pk)


def _versions_valid_on(*, unit_ids, day: date) -> QuerySet[UnitVersion]:
    """Each unit's version valid on `day`: the latest with valid_from <= day (units without one left out)."""
    valid = UnitVersion.objects.filter(valid_from__lte=day)
    latest = valid.filter(unit_id=OuterRef("unit_id")).order_by("-valid_from", "-id").values("id")[:1]
    return valid.filter(unit_id__in=unit_ids, id=Subquery(latest))


def snapshot_staffing(data: dict) -> tuple[StaffingFigures, bool]:
    """(figures, organ on institutional quota) from a version's data."""
    lines = [tuple(line) for line in data["quotas"]]
    return total_figures(lines), organ_on_institutional_quota(data["kind"], lines)


def staffing_as_of_by_unit(*, unit_ids, day: date) -> dict[int, tuple[StaffingFigures, bool]]:
    """{unit id: (figures, organ on institutional quota)} from each unit's version valid on `day`, in one query.

    Units without a version on or before `day` are left out.
    """
    rows = _versions_valid_on(unit_ids=unit_ids, day=day).values_list("unit_id", "data")
    return {unit_id: snapshot_staffing(data) for unit_id, data in rows}


def version_ids_as_of(*, unit_ids, day: date) -> dict[int, int]:
    """{unit id: id of its version valid on `day`}: what a campaign pins when it starts."""
    return dict(_versions_valid_on(unit_ids=unit_ids, day=day).values_list("unit_id", "id"))


def latest_snapshots(*, unit_ids: list[int]) -> dict[int, dict]:
    """The most recently written version's data for each unit (what the current record should equal)."""
    last_ids = UnitVersion.objects.filter(unit_id__in=unit_ids).values("unit_id").annotate(last=Max("id")).values("last")
    return dict(UnitVersion.objects.filter(id__in=last_ids).values_list("unit_id", "data"))


def unit_history(*, unit: Unit) -> QuerySet[UnitVersion]:
    return unit.versions.select_related("actor").order_by("-valid_from", "-id")


def unit_version_get(*, unit: Unit, pk: int) -> UnitVersion:
    return get_object_or_404(unit.versions.select_related("actor"), pk=pk)


def unit_campaigns(*, unit: Unit):
    return unit.campaign_targets.select_related("campaign").order_by("-campaign__year", "-campaign__created_at")


def unit_records(*, units: QuerySet[Unit]) -> list[UnitRecord]:
    """The units as importer records (the export's rows), in a fixed number of queries."""
    ids = units.values("pk")
    quotas, posts, functions, bodies = (defaultdict(list) for _i in range(4))
    for unit_id, *line in Quota.objects.filter(unit_id__in=ids).values_list("unit_id", "kind", "approved", "actual"):
        quotas[unit_id].append(line)
    for unit_id, *line in LeadershipPost.objects.filter(unit_id__in=ids).values_list("unit_id", "rank", "approved", "actual"):
        posts[unit_id].append(line)
    for unit_id, text in UnitFunction.objects.filter(unit_id__in=ids).order_by("position").values_list("unit_id", "text"):
        functions[unit_id].append(text)
    for unit_id, *body in InternalBody.objects.filter(unit_id__in=ids).order_by("position").values_list(
        "unit_id", "name", "duties"
    ):
        bodies[unit_id].append(tuple(body))
    fields = [name for name in UnitRecord.UNIT_FIELDS if name not in ("parent_code", "supervisor_code")]
    records = []
    for pk, parent, supervisor, *values in units.values_list("pk", "parent__code", "supervisor__code", *fields):
        records.append(
            UnitRecord(
                **dict(zip(fields, values)), parent_code=parent or "", supervisor_code=supervisor or "",
                quotas=canonical_lines(quotas[pk], QUOTA_KINDS), posts=canonical_lines(posts[pk], RANKS),
                functions=tuple(functions[pk]), bodies=tuple(bodies[pk]),
            )
        )
    return records


def unit_record(*, unit: Unit) -> UnitRecord:
    return unit_records(units=Unit.objects.filter(pk=unit.pk))[0]


def registry_totals(*, units: QuerySet[Unit]) -> dict:
    """Totals of the listed units: overall, and by level, kind and county (所属地区)."""
    lines: dict[int, list] = defaultdict(list)
    groups: dict[int, tuple[str, str, str]] = {}
    rows = Quota.objects.filter(unit_id__in=units.values("pk")).values_list(
        "unit_id", "unit__level", "unit__kind", "unit__region", "kind", "approved", "actual"
    )
    for unit_id, level, kind, region, *line in rows:
        groups[unit_id] = (level, kind, region)
        lines[unit_id].append(tuple(line))
    figures = [UnitFigures(*groups[pk], tuple(lines[pk])) for pk in groups]
    overall = totals_by(figures, lambda u: "all").get("all", StaffingFigures(0, 0))
    return {
        "overall": overall,
        "vacancy": group_vacancy(figures),
        "overstaffing": group_overstaffing(figures),
        "by_level": _labelled(totals_by(figures, lambda u: u.level), Unit.Level),
        "by_kind": _labelled(totals_by(figures, lambda u: u.kind), Unit.Kind),
        "by_region": sorted(totals_by(figures, lambda u: u.region).items()),
    }


def _labelled(totals: dict, choices) -> list[tuple[str, StaffingFigures]]:
    return [(label, totals[value]) for value, label in choices.choices if value in totals]


def record_display(data: dict, *, long_vacancy: frozenset[str] = frozenset()) -> dict:
    """A snapshot (current record or an old version) with labels and derived figures, for one template."""
    lines = [tuple(line) for line in data["quotas"]]
    posts = [tuple(line) for line in data["posts"]]
    by_kind, total = figures_by_kind(lines), total_figures(lines)
    quota_labels, rank_labels = dict(Quota.Kind.choices), dict(Unit.Rank.choices)
    choice_labels = {
        "kind": dict(Unit.Kind.choices), "institution_class": dict(Unit.InstitutionClass.choices),
        "level": dict(Unit.Level.choices), "rank": rank_labels, "status": dict(Unit.Status.choices),
    }
    return {
        **data,
        **{f"{name}_label": labels.get(data[name], "") for name, labels in choice_labels.items()},
        "quota_rows": [
            {"label": quota_labels[kind], "figures": StaffingFigures(approved, actual), "long_vacancy": kind in long_vacancy}
            for kind, approved, actual in lines
        ],
        "total": total,
        # kind by kind, like 超编: a vacancy in one kind does not hide another kind's excess
        "vacancy": sum(f.vacancy for f in by_kind.values()),
        "vacancy_rate": sum(f.vacancy for f in by_kind.values()) / total.approved if total.approved else 0.0,
        "overstaffing": sum(f.overstaffing for f in by_kind.values()),
        "post_rows": [{"label": rank_labels[rank], "figures": StaffingFigures(a, b)} for rank, a, b in posts],
        "posts_over": sum(posts_over(posts).values()),
        "organ_on_institutional_quota": organ_on_institutional_quota(data["kind"], lines),
    }


def long_vacancy_kinds(*, unit: Unit, today: date | None = None) -> frozenset[str]:
    """Quota kinds vacant without a break for REGISTRY_LONG_VACANCY_MONTHS months, from the unit's versions."""
    today = today or timezone.localdate()
    history = defaultdict(list)
    for valid_from, data in unit.versions.values_list("valid_from", "data"):
        present = {kind: (approved, actual) for kind, approved, actual in data["quotas"]}
        for kind in QUOTA_KINDS:
            history[kind].append((valid_from, *present.get(kind, (0, 0))))
    months = settings.REGISTRY_LONG_VACANCY_MONTHS
    return frozenset(kind for kind, rows in history.items() if is_long_vacancy(rows, as_of=today, months=months))


def unit_display(*, unit: Unit, today: date | None = None) -> dict:
    """The unit page's record: its current 三定, quotas vs staff with the derived figures, long vacancies."""
    return record_display(unit_record(unit=unit).snapshot(), long_vacancy=long_vacancy_kinds(unit=unit, today=today))


def registry_import_get_for_user(*, user: User, pk: int) -> RegistryImport:
    """An import is its uploader's: the workbook and its problems are nobody else's business."""
    return get_object_or_404(RegistryImport, pk=pk, requested_by=user)


def registry_imports_for_user(*, user: User, limit: int = 5) -> QuerySet[RegistryImport]:
    return RegistryImport.objects.filter(requested_by=user).order_by("-created_at")[:limit]
