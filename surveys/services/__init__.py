"""Every write of the forms app: validated, in a transaction, audited. Split by subject; import from here."""

from .abuse import FormUnavailable, device_cookie_new, device_id, network_count, start_token_issue, start_token_read
from .answers import (
    StaleLink,
    ballot_get,
    ballot_is_spent,
    ballot_submit,
    form_check_open,
    question_shown,
    score_clean,
    staff_ballot_count,
    survey_answers_clean,
    survey_response_submit,
    survey_response_void,
)
from .definitions import (
    MAX_BALLOTS_PER_ISSUE,
    ballot_code_normalize,
    ballots_issue,
    form_create,
    form_schedule,
    question_add,
    question_remove,
    question_update,
    satisfaction_form_issue,
    survey_links_issue,
    unit_actual_staff,
)
from .exports import export_build, export_request
from .reach import form_sample_targets_set
from .sheet import sheet_entries_save, sheet_file_add, sheet_import, sheet_settings_update, sheet_signoff

__all__ = [
    "FormUnavailable", "MAX_BALLOTS_PER_ISSUE", "ballot_code_normalize", "ballot_get", "ballot_is_spent",
    "ballot_submit", "ballots_issue", "device_cookie_new", "device_id", "staff_ballot_count", "start_token_issue",
    "start_token_read", "export_build", "export_request", "form_check_open", "form_create",
    "form_sample_targets_set", "form_schedule", "network_count", "question_add", "question_remove", "question_shown", "question_update", "satisfaction_form_issue",
    "score_clean", "sheet_entries_save", "sheet_file_add", "sheet_import", "sheet_settings_update", "sheet_signoff",
    "survey_answers_clean", "survey_links_issue", "survey_response_submit", "survey_response_void", "StaleLink",
    "unit_actual_staff",
]
