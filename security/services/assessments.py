"""Graded protection (等保, 002 Art. 31), commercial cryptography assessment (密评, 002 Art. 32) and vendor
confidentiality agreements (保密协议, 000 Art. 15) per scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scenarios.models import Scenario
from shequyun.audit import acting_as

from ..models import Assessment, ConfidentialityAgreement
from ..permissions import may_manage_assessment

ASSESSMENT_FIELDS = ["protection_level", "tested_on", "next_due_on", "crypto_assessed_on", "crypto_next_due_on",
                     "note"]
AGREEMENT_FIELDS = ["vendor_name", "vendor_credit_code", "signatory", "signed_on", "expires_on", "note"]
#: Usual retest intervals when the next date is not given: level 4 every half year, level 3 yearly, level 2 every two
#: years (level 1 self-assessed: no fixed date); 密评 yearly from level 3.
RETEST_MONTHS = {4: 6, 3: 12, 2: 24}
CRYPTO_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar as cal

    return dt.date(year, month, min(day.day, cal.monthrange(year, month)[1]))


def _scenario(actor: Any, scenario: Any) -> Scenario:
    pk = getattr(scenario, "pk", scenario)
    found = Scenario.objects.visible_to(actor).filter(pk=pk).select_related("region").first() if str(
        pk).isdigit() else None
    if found is None:
        raise ValidationError({"scenario": [_("应用场景不存在或不在您的管辖范围内。")]})
    return found


@transaction.atomic
def assessment_save(*, actor: Any, scenario: Any, must_be_new: bool = False, **values: Any) -> Assessment:
    """Create or update a scenario's assessment. Missing next dates are filled from the usual intervals."""
    found = _scenario(actor, scenario)
    if not may_manage_assessment(actor, found):
        raise PermissionDenied(_("只有安全员可以登记测评信息。"))
    assessment = Assessment.objects.select_for_update().filter(scenario=found).first()
    if assessment is not None and must_be_new:
        raise ValidationError({"scenario": [_("该场景已有测评记录，请修改原记录。")]})
    assessment = assessment or Assessment(scenario=found)
    for name in ASSESSMENT_FIELDS:
        if name in values:
            setattr(assessment, name, values[name] if values[name] != "" else None)
    if assessment.note is None:
        assessment.note = ""
    level = assessment.protection_level
    if level in RETEST_MONTHS and assessment.tested_on and not values.get("next_due_on"):
        assessment.next_due_on = add_months(assessment.tested_on, RETEST_MONTHS[level])
    if assessment.crypto_required and assessment.crypto_assessed_on and not values.get("crypto_next_due_on"):
        assessment.crypto_next_due_on = add_months(assessment.crypto_assessed_on, CRYPTO_MONTHS)
    if not assessment.crypto_required and "protection_level" in values and "crypto_assessed_on" not in values:
        assessment.crypto_assessed_on = assessment.crypto_next_due_on = None
    assessment.updated_by = actor
    assessment.full_clean(exclude=["updated_by"], validate_unique=False)
    with acting_as(actor):
        assessment.save()
    return assessment


@transaction.atomic
def agreement_save(*, actor: Any, scenario: Any = None, agreement: ConfidentialityAgreement | None = None,
                   **values: Any) -> ConfidentialityAgreement:
    """Record a vendor confidentiality agreement (or correct one); the vendor defaults to the scenario's developer."""
    if agreement is None:
        found = _scenario(actor, scenario)
        agreement = ConfidentialityAgreement(scenario=found, created_by=actor,
                                             vendor_name=found.developer_name,
                                             vendor_credit_code=found.developer_credit_code)
    else:
        agreement = ConfidentialityAgreement.objects.select_for_update().select_related("scenario__region").get(
            pk=agreement.pk)
    if not may_manage_assessment(actor, agreement.scenario):
        raise PermissionDenied(_("只有安全员可以登记保密协议。"))
    for name in AGREEMENT_FIELDS:
        if name in values and values[name] is not None:
            setattr(agreement, name, values[name])
    agreement.full_clean(exclude=["created_by", "scenario"], validate_unique=False, validate_constraints=False)
    with acting_as(actor):
        agreement.save()
    return agreement
