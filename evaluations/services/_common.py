"""Helpers shared by the campaign's services: who acts for the office, a unit's liaison, a package's move."""

from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, User

from .. import events
from ..models import CampaignTarget

TStatus = CampaignTarget.Status


def liaison_of(unit: Unit) -> User | None:
    return unit.liaisons.filter(access.holders("package.fill"), is_active=True).order_by("pk").first()


def require(actor: User, action: str, obj=None) -> None:
    access.require(actor, action, obj, message=_("只有编办评估人员可以进行此操作"))


def target_move(*, target: CampaignTarget, to_status: str, actor: User | None, **data) -> CampaignTarget:
    """The one place a package changes status: only along CampaignTarget.TRANSITIONS, always recorded."""
    if not target.may_move_to(to_status):
        raise ApplicationError(
            _("“%(unit)s”当前为“%(from)s”，不能变为“%(to)s”")
            % {"unit": target.unit.name, "from": target.get_status_display(), "to": TStatus(to_status).label}
        )
    from_status, target.status = target.status, to_status
    target.save(update_fields=["status", "updated_at"])
    events.event_target_moved(target=target, actor=actor, from_status=from_status, to_status=to_status, **data)
    return target


