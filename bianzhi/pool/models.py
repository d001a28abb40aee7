"""The ledger's tables. Why it is shaped so:

- Every movement (存, 贷, 还, 召回, 划转, 核增, 核减, 冲正) is a PoolMovement with lines, one quota kind per
  movement, whose signed amounts sum to zero (balanced; a deferred PostgreSQL constraint trigger checks it
  at commit). Movements and lines are append-only (trigger on UPDATE/DELETE/TRUNCATE): a mistake is
  corrected by a reversing movement.
- PoolAccount keeps each account's balance, updated only by bianzhi.pool.services under a row lock; CHECK
  constraints keep ordinary accounts ≥ 0 and the two counter-accounts ≤ 0:
    usable(unit)          the owner's own quotas it uses itself          ≥ 0
    deposited(unit, pool) the owner's quotas whose use is with a pool    ≥ 0  (占有权 stays with the unit)
    pool(pool)            what a pool may lend                            ≥ 0
    borrowed(unit, pool)  quotas a unit uses on loan from a pool          ≥ 0
    pool_claims(pool)     − what the units have deposited in the pool     ≤ 0
    establishment         − the city's owned total (核定编制总额)          ≤ 0
  Because every movement sums to zero, owned(unit) = usable + deposited, and
  pool = deposits − loans outstanding follow from the postings alone (tested with hypothesis).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import AppendOnlyQuerySet as BaseAppendOnlyQuerySet
from bianzhi.models import Quota, Unit

CONTRA_TYPES = ("pool_claims", "establishment")


class LedgerImmutable(Exception):
    pass


class AppendOnlyQuerySet(BaseAppendOnlyQuerySet):
    error = LedgerImmutable
    update_message, delete_message = _("台账记录不可修改，请以冲正记录更正"), _("台账记录不可删除，请以冲正记录更正")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LedgerImmutable(_("台账记录不可修改，请以冲正记录更正"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("台账记录不可删除，请以冲正记录更正"))


class Pool(models.TextChoices):
    CITY = "city", _("市级编制周转池")
    TALENT = "talent", _("高层次急需紧缺人才编制池")


class PoolAccount(models.Model):
    class Type(models.TextChoices):
        USABLE = "usable", _("自用编制")
        DEPOSITED = "deposited", _("存入周转池")
        POOL = "pool", _("周转池可贷余额")
        BORROWED = "borrowed", _("借用编制")
        POOL_CLAIMS = "pool_claims", _("周转池存入总额（对冲科目）")
        ESTABLISHMENT = "establishment", _("核定编制总额（对冲科目）")

    type = models.CharField(_("科目"), max_length=16, choices=Type.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pool_accounts")
    pool = models.CharField(_("周转池"), max_length=16, choices=Pool.choices, blank=True)
    quota_kind = models.CharField(_("编制类别"), max_length=32, choices=Quota.Kind.choices)
    balance = models.IntegerField(_("余额"), default=0)

    class Meta:
        verbose_name = _("周转池科目")
        verbose_name_plural = _("周转池科目")
        ordering = ["type", "unit_id", "pool", "quota_kind"]
        constraints = [
            models.UniqueConstraint(fields=["type", "unit", "pool", "quota_kind"], condition=Q(unit__isnull=False),
                                    name="%(app_label)s_%(class)s_unit_key"),
            models.UniqueConstraint(fields=["type", "pool", "quota_kind"], condition=Q(unit__isnull=True),
                                    name="%(app_label)s_%(class)s_city_key"),
            models.CheckConstraint(
                condition=(Q(type__in=CONTRA_TYPES) & Q(balance__lte=0)) | (~Q(type__in=CONTRA_TYPES) & Q(balance__gte=0)),
                name="%(app_label)s_%(class)s_balance_sign",
            ),
            models.CheckConstraint(
                condition=(Q(type__in=["usable", "deposited", "borrowed"]) & Q(unit__isnull=False))
                | (Q(type__in=["pool", "pool_claims", "establishment"]) & Q(unit__isnull=True)),
                name="%(app_label)s_%(class)s_unit_for_unit_accounts",
            ),
            models.CheckConstraint(
                condition=(Q(type__in=["usable", "establishment"]) & Q(pool=""))
                | (Q(type__in=["deposited", "pool", "borrowed", "pool_claims"]) & ~Q(pool="")),
                name="%(app_label)s_%(class)s_pool_for_pool_accounts",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_type_display(), self.unit.name if self.unit_id else "", self.get_pool_display(),
                 self.get_quota_kind_display()]
        return " · ".join(p for p in parts if p)


class PoolMovement(AppendOnlyModel):
    class Type(models.TextChoices):
        OPENING = "opening", _("期初建账")
        DEPOSIT = "deposit", _("存入")
        WITHDRAW = "withdraw", _("支取")
        LOAN = "loan", _("贷出")
        RETURN = "return", _("归还")
        RECALL = "recall", _("提前召回")
        TRANSFER = "transfer", _("划转")
        INCREASE = "increase", _("核增")
        RECLAIM = "reclaim", _("核减收回")
        REVERSAL = "reversal", _("冲正")

    type = models.CharField(_("业务"), max_length=16, choices=Type.choices)
    quota_kind = models.CharField(_("编制类别"), max_length=32, choices=Quota.Kind.choices)
    posted_on = models.DateField(_("记账日期"), db_index=True)
    document = models.CharField(_("文号"), max_length=100, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("冲正的记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("周转池业务")
        verbose_name_plural = _("周转池业务")
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.get_type_display()} {self.get_quota_kind_display()}"


class PoolLine(AppendOnlyModel):
    movement = models.ForeignKey(PoolMovement, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(PoolAccount, on_delete=models.PROTECT, related_name="lines")
    amount = models.IntegerField(_("发生额"))

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["movement_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="%(app_label)s_%(class)s_amount_not_zero"),
        ]


class PoolLoan(models.Model):
    """A loan (贷) from a pool to a unit in an urgent field, for a term; closed by its return or recall."""

    class Field(models.TextChoices):
        EDUCATION = "education", _("教育")
        HEALTH = "health", _("卫生")
        TALENT = "talent", _("人才引进")
        OTHER = "other", _("其他急需领域")

    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", _("借用中")
        RETURNED = "returned", _("已归还")
        RECALLED = "recalled", _("已召回")

    borrower = models.ForeignKey(Unit, verbose_name=_("借用单位"), on_delete=models.PROTECT, related_name="pool_loans")
    pool = models.CharField(_("周转池"), max_length=16, choices=Pool.choices)
    quota_kind = models.CharField(_("编制类别"), max_length=32, choices=Quota.Kind.choices)
    amount = models.PositiveIntegerField(_("数量"))
    field = models.CharField(_("领域"), max_length=16, choices=Field.choices)
    start_on = models.DateField(_("起始日期"))
    due_on = models.DateField(_("到期日期"), db_index=True)
    document = models.CharField(_("文号"), max_length=100, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OUTSTANDING, db_index=True)
    loan_movement = models.OneToOneField(PoolMovement, on_delete=models.PROTECT, related_name="loan")
    close_movement = models.OneToOneField(PoolMovement, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="closed_loan")
    closed_on = models.DateField(_("归还日期"), null=True, blank=True)
    overdue_flagged_on = models.DateField(_("逾期标记日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("借用编制")
        verbose_name_plural = _("借用编制")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("start_on")), name="%(app_label)s_%(class)s_term"),
            models.CheckConstraint(
                condition=Q(status="outstanding", close_movement__isnull=True)
                | (~Q(status="outstanding") & Q(close_movement__isnull=False)),
                name="%(app_label)s_%(class)s_closed_has_movement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.borrower} {self.get_quota_kind_display()} {self.amount}"
