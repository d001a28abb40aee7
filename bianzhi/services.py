"""Registry writes (编制台账): importing a workbook, and recording a dated version of every change.

All or nothing: a workbook with one bad cell imports nothing. Each unit whose record changed gets a new
UnitVersion (the audit row: who, when, the record after the change; the one before is the previous
version), so earlier states stay readable and a campaign can read the registry as of its date.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import ApplicationError
from .exporters import mark_issues
from .importers import MAX_LISTED_ISSUES, ImportIssue, KnownUnit, UnitRecord, parse_registry, registry_issues
from .jobs import job_enqueue
from .models import InternalBody, LeadershipPost, Quota, RegistryImport, Unit, UnitFunction, UnitVersion, User
from .selectors import latest_snapshots, unit_record

UNIT_FIELDS = [
    "name", "short_name", "credit_code", "kind", "institution_class", "level", "region", "rank", "status",
    "abolished_on", "approval_number", "approval_date", "staff_as_of",
]


class RegistryImportError(ApplicationError):
    """The workbook cannot be imported; `issues` says every reason, cell by cell."""

    def __init__(self, issues: list[ImportIssue], total: int | None = None):
        total = len(issues) if total is None else total
        message = _("导入失败：发现 %(n)d 处错误，未导入任何数据") % {"n": total}
        if total > len(issues):
            message += _("（仅列出前 %(k)d 处）") % {"k": len(issues)}
        super().__init__(message, {"issues": total})
        self.issues, self.total = issues, total


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return _("新增 %(c)d 个单位，更新 %(u)d 个，%(n)d 个无变化") % {
            "c": self.created, "u": self.updated, "n": self.unchanged,
        }


def registry_import(*, data: bytes, actor: User | None, progress=None) -> ImportSummary:
    """Import a registry workbook (bytes); raises RegistryImportError listing every problem.
    `progress(percent)` is told along the way (a background import, RegistryImport)."""
    progress = progress or (lambda percent: None)
    parsed = parse_registry(data, max_bytes=settings.REGISTRY_IMPORT_MAX_BYTES)
    progress(50)
    checked = registry_check(records=parsed.units)
    issues = (parsed.issues + checked)[:MAX_LISTED_ISSUES]
    if issues:
        raise RegistryImportError(issues, total=parsed.issue_total + len(checked))
    progress(70)
    return _registry_write(records=parsed.units, actor=actor, source=UnitVersion.Source.IMPORT)


def registry_check(*, records: list[UnitRecord]) -> list[ImportIssue]:
    """The checks that need the rest of the registry: parents exist, no cycle, credit codes unique."""
    if not records:
        return []
    rows = Unit.objects.values_list("code", "parent__code", "supervisor__code", "credit_code")
    known = {code: KnownUnit(parent or "", supervisor or "", credit) for code, parent, supervisor, credit in rows}
    return registry_issues(records, known)


def registry_apply(*, records: list[UnitRecord], actor: User | None, source: str) -> ImportSummary:
    """Check and write records built in code (the seed) exactly as an imported workbook's."""
    issues = registry_check(records=records)
    if issues:
        raise RegistryImportError(issues)
    return _registry_write(records=records, actor=actor, source=source)


@transaction.atomic
def _registry_write(*, records: list[UnitRecord], actor: User | None, source: str) -> ImportSummary:
    """Write checked records: create or update units by code, replace their 三定 and figures.

    Units whose record equals their latest version are left alone, so importing the same file twice
    changes nothing and adds no version.
    """
    existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in records])}
    previous = latest_snapshots(unit_ids=[u.pk for u in existing.values()])
    changed = [r for r in records if r.code not in existing or previous.get(existing[r.code].pk) != r.snapshot()]
    created = [r for r in changed if r.code not in existing]

    units = dict(existing)
    ids = _tree_ids(changed, existing)
    for layer in _parent_first_layers(created, ids):
        new_units = [Unit(code=r.code, **_unit_fields(r), **_links(r, ids)) for r in layer]
        for unit in Unit.objects.bulk_create(new_units, batch_size=500):
            units[unit.code] = ids[unit.code] = unit
    updated = [r for r in changed if r.code in existing]
    now = timezone.now()
    for r in updated:
        unit = units[r.code]
        for name, value in {**_unit_fields(r), **_links(r, ids)}.items():
            setattr(unit, name, value)
        unit.updated_at = now
    Unit.objects.bulk_update(
        [units[r.code] for r in updated], UNIT_FIELDS + ["parent", "supervisor", "updated_at"], batch_size=500
    )
    _replace_children(changed, units, existing)
    UnitVersion.objects.bulk_create(
        [UnitVersion(unit=units[r.code], valid_from=r.staff_as_of, data=r.snapshot(), source=source, actor=actor)
         for r in changed],
        batch_size=500,
    )
    # A unit abolished (撤销) takes its liaison's account with it (deactivated, never deleted).
    from .accounts.services import liaisons_deactivate_for_abolished_units

    liaisons_deactivate_for_abolished_units(unit_ids=[units[r.code].pk for r in updated], actor=actor)
    _pool_sync([units[r.code].pk for r in updated], actor)
    return ImportSummary(created=len(created), updated=len(updated), unchanged=len(records) - len(changed))


def _pool_sync(unit_ids: list[int], actor: User | None) -> None:
    """Units the 编制周转池 has opened keep owned = approved: the import's changes are posted as 核增/核减;
    a cut below what a unit has deposited refuses the whole import."""
    from .pool.services import pool_registry_sync

    problems = pool_registry_sync(unit_ids=unit_ids, posted_on=timezone.localdate(), actor=actor)
    if problems:
        raise RegistryImportError([ImportIssue("单位", None, None, "", p) for p in problems])


def _unit_fields(record: UnitRecord) -> dict:
    return {name: getattr(record, name) for name in UNIT_FIELDS}


def _tree_ids(records: list[UnitRecord], existing: dict[str, Unit]) -> dict[str, Unit]:
    """The units already in the registry that the records point at (as parent or supervisor)."""
    wanted = {code for r in records for code in (r.parent_code, r.supervisor_code) if code} - existing.keys()
    return {**existing, **{u.code: u for u in Unit.objects.filter(code__in=wanted).only("pk", "code")}}


def _links(record: UnitRecord, ids: dict[str, Unit]) -> dict:
    return {
        "parent_id": ids[record.parent_code].pk if record.parent_code else None,
        "supervisor_id": ids[record.supervisor_code].pk if record.supervisor_code else None,
    }


def _parent_first_layers(records: list[UnitRecord], ids: dict[str, Unit]):
    """New units in layers, each after the units it points at, so every row is inserted with its links set
    (the checks ruled out cycles and unknown codes). A tree is a few layers deep: a few bulk inserts."""
    pending = records
    while pending:
        known = ids.keys()
        layer = [r for r in pending if {r.parent_code, r.supervisor_code} - {""} <= known]
        if not layer:  # cannot happen after registry_check; refuse rather than loop
            raise ApplicationError(_("上下级关系无法解析"))
        yield layer
        placed = {r.code for r in layer}
        pending = [r for r in pending if r.code not in placed]


def _replace_children(records: list[UnitRecord], units: dict[str, Unit], existing: dict[str, Unit]) -> None:
    """The file's quotas, posts, functions and bodies replace the unit's (a part left out is removed)."""
    replaced = [units[r.code].pk for r in records if r.code in existing]
    for model in (Quota, LeadershipPost, UnitFunction, InternalBody):
        model.objects.filter(unit_id__in=replaced).delete()
    pairs = [(units[r.code], r) for r in records]
    Quota.objects.bulk_create(
        [Quota(unit=u, kind=k, approved=a, actual=b) for u, r in pairs for k, a, b in r.quotas], batch_size=1000
    )
    LeadershipPost.objects.bulk_create(
        [LeadershipPost(unit=u, rank=k, approved=a, actual=b) for u, r in pairs for k, a, b in r.posts], batch_size=1000
    )
    UnitFunction.objects.bulk_create(
        [UnitFunction(unit=u, position=n, text=t) for u, r in pairs for n, t in enumerate(r.functions, start=1)],
        batch_size=1000,
    )
    InternalBody.objects.bulk_create(
        [InternalBody(unit=u, position=n, name=name, duties=duties)
         for u, r in pairs for n, (name, duties) in enumerate(r.bodies, start=1)],
        batch_size=1000,
    )


def registry_errors_file_save(*, data: bytes, issues: list[ImportIssue], actor: User) -> str | None:
    """Keep the upload with its bad cells marked, privately, for its uploader to download; its storage name."""
    if not any(issue.row for issue in issues):
        return None  # nothing to mark: the file itself could not be read
    name = f"registry-imports/{actor.pk}/{uuid.uuid4().hex}.xlsx"
    return default_storage.save(name, ContentFile(mark_issues(data, issues)))


@transaction.atomic
def unit_version_record(*, unit: Unit, actor: User | None, source: str) -> UnitVersion | None:
    """After an edit outside the import (the Django admin), keep the history: a new version if anything changed."""
    record = unit_record(unit=unit)
    if record.staff_as_of is None:
        return None  # no staff count date yet: nothing dated to record
    previous = latest_snapshots(unit_ids=[unit.pk]).get(unit.pk)
    if previous == record.snapshot():
        return None
    return UnitVersion.objects.create(
        unit=unit, valid_from=record.staff_as_of, data=record.snapshot(), source=source, actor=actor
    )


# ---------------------------------------------------------------------------------------------------------
# Imports from the web run as background jobs (bianzhi.jobs): a large workbook takes longer than a request
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def registry_import_request(*, upload, actor: User) -> RegistryImport:
    """Keep the uploaded workbook privately (copied in chunks from the upload's temporary file) and queue its
    import; the import's page follows its progress."""
    job = RegistryImport(requested_by=actor, original_name=(upload.name or "")[:255])
    job.source.save(f"{uuid.uuid4().hex}-source.xlsx", upload, save=False)
    job.save()
    job_enqueue(job)
    return job


def registry_import_run(job: RegistryImport, progress) -> dict:
    """The job's work. A refused workbook: its problems (the first MAX_ISSUES and the total) and the marked
    file are kept on the job, then the refusal is raised for the runner to record as the job's failure."""
    with job.source.open("rb") as source:
        data = source.read()
    progress(10)
    try:
        summary = registry_import(data=data, actor=job.requested_by, progress=progress)
    except RegistryImportError as exc:
        shown = [
            {"sheet": i.sheet, "row": i.row, "column": i.column, "header": i.header, "message": i.message}
            for i in exc.issues[: RegistryImport.MAX_ISSUES]
        ]
        marked = registry_errors_file_save(data=data, issues=exc.issues, actor=job.requested_by) if job.requested_by else None
        RegistryImport.objects.filter(pk=job.pk).update(issues=shown, issue_count=exc.total, file=marked or "")
        raise
    return {"summary": str(summary)[:500]}


@transaction.atomic
def registry_decision(
    *, unit: Unit, actor: User | None, on, document: str = "", reason: str = "",
    quota_deltas: dict[str, int] | None = None, post_deltas: dict[str, int] | None = None,
    new_bodies: list[tuple[str, str]] | None = None, rank: str | None = None, post_to_ledger: bool = True,
) -> UnitVersion:
    """An approved decision (编制事项批复, 收回编制) applied to the registry: never an edit in place of the
    history, always a new dated version. Quota changes go through the pool ledger first (核增/核减), so the
    ledger's owned figures stay equal to the registry's approved ones."""
    from .pool.selectors import unit_positions
    from .pool.services import pool_owned_change

    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    for kind, delta in (quota_deltas or {}).items():
        quota = Quota.objects.select_for_update().filter(unit=unit, kind=kind).first() or Quota(
            unit=unit, kind=kind, approved=0, actual=0)
        if delta < 0 and post_to_ledger:  # (a transfer checks before it moves the ledger)
            position = unit_positions(unit_ids=[unit.pk]).get((unit.pk, kind))
            usable = position.usable if position else quota.approved
            if usable + delta < quota.actual:
                raise ApplicationError(_("核减后将超编：%(kind)s 可用 %(usable)d，实有 %(actual)d，不能核减 %(n)d") % {
                    "kind": quota.get_kind_display(), "usable": usable, "actual": quota.actual, "n": -delta})
        if post_to_ledger:  # a transfer (registry_transfer) posts its own movement
            pool_owned_change(unit=unit, quota_kind=kind, delta=delta, posted_on=on, document=document, reason=reason,
                              actor=actor)
        quota.approved += delta
        quota.save()
    for rank_code, delta in (post_deltas or {}).items():
        post = LeadershipPost.objects.filter(unit=unit, rank=rank_code).first() or LeadershipPost(
            unit=unit, rank=rank_code, approved=0, actual=0)
        if post.approved + delta < 0:
            raise ApplicationError(_("领导职数不能为负"))
        post.approved += delta
        post.save()
    if new_bodies:
        last = unit.internal_bodies.order_by("-position").values_list("position", flat=True).first() or 0
        InternalBody.objects.bulk_create([InternalBody(unit=unit, position=last + n, name=name, duties=duties)
                                          for n, (name, duties) in enumerate(new_bodies, start=1)])
    if rank is not None and rank != unit.rank:
        unit.rank = rank
        unit.save(update_fields=["rank", "updated_at"])
    return UnitVersion.objects.create(unit=unit, valid_from=on, data=unit_record(unit=unit).snapshot(),
                                      source=UnitVersion.Source.DECISION, actor=actor)


@transaction.atomic
def registry_transfer(*, from_unit: Unit, to_unit: Unit, quota_kind: str, amount: int, actor: User | None, on,
                      document: str = "", reason: str = "") -> tuple[UnitVersion, UnitVersion]:
    """划转: an approved permanent move of owned quotas between units (e.g. after a reclaim): one ledger
    movement, and a new dated registry version of each unit."""
    from .pool.selectors import unit_positions
    from .pool.services import pool_transfer

    if from_unit.pk == to_unit.pk:
        raise ApplicationError(_("划出和划入单位不能相同"))
    quota = Quota.objects.filter(unit=from_unit, kind=quota_kind).first()
    position = unit_positions(unit_ids=[from_unit.pk]).get((from_unit.pk, quota_kind))
    usable, actual = (position.usable if position else 0), (quota.actual if quota else 0)
    if usable - amount < actual:
        raise ApplicationError(_("划出后将超编：可用 %(usable)d，实有 %(actual)d，不能划出 %(n)d") % {
            "usable": usable, "actual": actual, "n": amount})
    pool_transfer(from_unit=from_unit, to_unit=to_unit, quota_kind=quota_kind, amount=amount, posted_on=on,
                  document=document, reason=reason, actor=actor)
    common = {"actor": actor, "on": on, "document": document, "reason": reason, "post_to_ledger": False}
    return (registry_decision(unit=from_unit, quota_deltas={quota_kind: -amount}, **common),
            registry_decision(unit=to_unit, quota_deltas={quota_kind: amount}, **common))
