"""Every change to a campaign goes through here: checked (who, what must be complete, and whether the
campaign's stage still allows it: evaluations.guard), saved in a transaction, recorded as a typed audit event
(evaluations.events). Split by subject; import from here."""

from ..events import event_record
from ..notifications import notification_mark_read, notify, office_people
from .campaigns import EDITABLE_FIELDS, campaign_create, campaign_deadlines_set, campaign_update, team_save
from .field_visit import VISIT_FIELDS, field_visit_complete, field_visit_save
from .self_assessment import (
    current_self_assessment,
    self_assessment_accept,
    self_assessment_import,
    self_assessment_return,
    self_assessment_save,
    self_assessment_submit,
    target_notice_seen,
)
from .uploads import upload_add, upload_current, upload_replace, upload_store
from .workflow import campaign_advance

__all__ = [
    "EDITABLE_FIELDS", "VISIT_FIELDS", "campaign_advance", "campaign_create", "campaign_deadlines_set",
    "campaign_update", "current_self_assessment", "event_record", "field_visit_complete", "field_visit_save",
    "notification_mark_read", "notify", "office_people", "self_assessment_accept", "self_assessment_import", "self_assessment_return",
    "self_assessment_save", "self_assessment_submit", "target_notice_seen", "team_save", "upload_add",
    "upload_current", "upload_replace", "upload_store",
]
