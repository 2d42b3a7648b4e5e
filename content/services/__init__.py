"""Every write of the content module (see the modules: items, chains, lexicon, training, feedback)."""

from .chains import chain_delete, chain_save
from .feedback import feedback_act, feedback_deadlines_recheck, feedback_escalate, feedback_raise
from .items import (
    WORKFLOWS,
    item_create,
    item_expire,
    item_publish,
    item_publish_due,
    item_review,
    item_submit,
    item_transition,
    item_update,
    item_withdraw,
    workflow_for,
)
from .lexicon import word_remove, word_save, words_import
from .training import material_create, material_mark_read, material_remind

__all__ = [
    "WORKFLOWS",
    "chain_delete",
    "chain_save",
    "feedback_act",
    "feedback_deadlines_recheck",
    "feedback_escalate",
    "feedback_raise",
    "item_create",
    "item_expire",
    "item_publish",
    "item_publish_due",
    "item_review",
    "item_submit",
    "item_transition",
    "item_update",
    "item_withdraw",
    "material_create",
    "material_mark_read",
    "material_remind",
    "word_remove",
    "word_save",
    "words_import",
    "workflow_for",
]
