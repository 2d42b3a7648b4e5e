"""The account anomaly's lifecycle as one explicit table on the shared engine (shequyun/workflow.py).

Whoever manages the account under the tiered rule (accounts/permissions.py ``ANOMALY_HANDLER``) resolves an open
anomaly with a note; a resolved one may be reopened with a reason (the earlier resolution stays in the history,
accounts.AnomalyEvent). Resolving waits on the account's managers; reopening is their choice.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequyun.workflow import Transition

from .models import AnomalyStatus as A
from .permissions import ANOMALY_HANDLER as handler

ANOMALY_TRANSITIONS = [
    Transition(A.OPEN, "resolve", A.RESOLVED, handler, _("标记已处理"), needs_comment=True, style="outline-primary"),
    Transition(A.RESOLVED, "reopen", A.OPEN, handler, _("重新打开"), needs_comment=True, style="outline-danger",
               waits=False),
]
