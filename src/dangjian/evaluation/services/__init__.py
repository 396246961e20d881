"""State changes of 评星定级: writing and copying schemes, running a round from self-assessment
through review and 公示 to the final stars, and the 整改 plan of a demoted organization.

Every function checks the permission over the object's place in the organization tree and the
rules, writes the change and its audit line in one transaction, and locks the row it changes.
Schemes are versioned: once a round using a scheme has reached review (its auto items frozen),
the scheme cannot be edited any more; copy it to a new version instead.

Modules: ``common`` (numbers, locks, the versioned update), ``schemes``, ``rounds`` (rounds,
self-assessment, evidence, review, 公示 and objections, final) and ``rectification`` (整改).
Callers import this package.
"""

from __future__ import annotations

from dangjian.evaluation.services.common import (
    EVIDENCE_TYPES,
    FROZEN_STATES,
    ITEM_FIELDS,
    MAX_EVIDENCE_BYTES,
    MAX_POINTS,
    RECTIFICATION_DAYS,
    ROUND_FIELDS,
    SCHEME_FIELDS,
    refuse,
)
from dangjian.evaluation.services.rectification import (
    add_task,
    mark_task_done,
)
from dangjian.evaluation.services.rounds import (
    NEXT_STEP,
    add_evidence,
    advance_round,
    answer_objection,
    complete_review,
    create_round,
    evidence_refusal,
    final_points_of,
    finalize_round,
    freeze_scores,
    open_self_assessment,
    raise_objection,
    rated_orgs,
    review_score,
    save_self_assessment,
    start_publicity,
    start_review,
    submit_self_assessment,
)
from dangjian.evaluation.services.schemes import (
    add_cap,
    add_category,
    add_item,
    copy_scheme,
    create_scheme,
    delete_cap,
    delete_item,
    publish_scheme,
    scheme_is_frozen,
    set_thresholds,
    update_item,
    update_scheme,
    validate_figure_key,
)

__all__ = [
    "EVIDENCE_TYPES",
    "FROZEN_STATES",
    "ITEM_FIELDS",
    "MAX_EVIDENCE_BYTES",
    "MAX_POINTS",
    "NEXT_STEP",
    "RECTIFICATION_DAYS",
    "ROUND_FIELDS",
    "SCHEME_FIELDS",
    "add_cap",
    "add_category",
    "add_evidence",
    "add_item",
    "add_task",
    "advance_round",
    "answer_objection",
    "complete_review",
    "copy_scheme",
    "create_round",
    "create_scheme",
    "delete_cap",
    "delete_item",
    "evidence_refusal",
    "final_points_of",
    "finalize_round",
    "freeze_scores",
    "mark_task_done",
    "open_self_assessment",
    "publish_scheme",
    "raise_objection",
    "rated_orgs",
    "refuse",
    "review_score",
    "save_self_assessment",
    "scheme_is_frozen",
    "set_thresholds",
    "start_publicity",
    "start_review",
    "submit_self_assessment",
    "update_item",
    "update_scheme",
    "validate_figure_key",
]
