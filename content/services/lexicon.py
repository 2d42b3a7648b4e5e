"""The sensitive-word lexicon, kept by the city operations office. Every change is audited and every process
rebuilds its automaton (content/lexicon.py) at its next scan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequyun.audit import AuditEventType, acting_as, record_bulk_change, record_event

from ..lexicon import lexicon_changed
from ..models import SensitiveWord, Severity
from ..permissions import may_edit_lexicon

MAX_WORD = 100


def _require(actor: Any) -> None:
    if not may_edit_lexicon(actor):
        raise PermissionDenied(_("敏感词库由市级运营管理部门维护。"))


def _clean_word(word: str, field: str = "word") -> str:
    word = " ".join(str(word or "").split())
    if not word:
        raise ValidationError({field: [_("请填写词语。")]})
    if len(word) > MAX_WORD:
        raise ValidationError({field: [_("词语不能超过 %(n)d 个字符。") % {"n": MAX_WORD}]})
    return word


@transaction.atomic
def word_save(*, actor: Any, word: str, severity: str, note: str = "") -> SensitiveWord:
    """Add a word, or change the severity of an existing one."""
    _require(actor)
    word = _clean_word(word)
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("请选择处理方式。")]})
    with acting_as(actor):
        entry, created = SensitiveWord.objects.get_or_create(word=word, defaults={
            "severity": severity, "note": note[:200], "created_by": actor})
        if not created and (entry.severity != severity or entry.note != note[:200]):
            entry.severity, entry.note = severity, note[:200]
            entry.save(update_fields=["severity", "note"])
    record_event(AuditEventType.LEXICON_CHANGED, actor=actor, region_path="", word=word, severity=severity,
                 action="added" if created else "changed")
    transaction.on_commit(lexicon_changed)
    return entry


@transaction.atomic
def word_remove(*, actor: Any, word_id: int) -> None:
    _require(actor)
    entry = SensitiveWord.objects.filter(pk=word_id).first()
    if entry is None:
        raise ValidationError({"word": [_("该词语不存在。")]})
    with acting_as(actor):
        entry.delete()
    record_event(AuditEventType.LEXICON_CHANGED, actor=actor, region_path="", word=entry.word, action="removed")
    transaction.on_commit(lexicon_changed)


@transaction.atomic
def words_import(*, actor: Any, text: str, severity: str) -> int:
    """One word per line (``词语`` or ``词语,block`` / ``词语,flag``); existing words are left as they are.
    Returns how many were added. One bulk insert, audited as one bulk change."""
    _require(actor)
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("请选择处理方式。")]})
    entries: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        word, _sep, level = line.partition(",")
        level = level.strip() or severity
        if level not in Severity.values:
            raise ValidationError({"text": [_("第%(n)d行：处理方式须为 block 或 flag。") % {"n": number}]})
        try:
            entries[_clean_word(word, "text")] = level
        except ValidationError as exc:
            raise ValidationError({"text": [_("第%(n)d行：%(m)s") % {"n": number, "m": exc.messages[0]}]}) from exc
    if not entries:
        raise ValidationError({"text": [_("没有可导入的词语。")]})
    existing = set(SensitiveWord.objects.filter(word__in=list(entries)).values_list("word", flat=True))
    rows = [SensitiveWord(word=w, severity=s, created_by=actor) for w, s in entries.items() if w not in existing]
    SensitiveWord.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ids = list(SensitiveWord.objects.filter(word__in=[r.word for r in rows]).values_list("pk", flat=True))
    record_bulk_change(model=SensitiveWord, ids=ids, action="import", actor=actor, reason=_("批量导入敏感词"),
                       changes={"severity": severity})
    transaction.on_commit(lexicon_changed)
    return len(ids)
