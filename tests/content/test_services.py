"""Services and the pieces under them: the sanitiser against XSS payloads, uploads (bytes sniffed, EXIF/GPS stripped,
nothing half-saved), the lexicon, diffs, the chain restarting after an edit, scheduled tasks run twice."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from content import lexicon, services, tasks
from content.diff import diff_revisions
from content.models import (
    Attachment,
    ContentItem,
    Feedback,
    ItemEvent,
    ItemRevision,
    ReviewRound,
    SensitiveWord,
    Status,
)
from content.sanitize import clean_html, plain_text
from shequyun.errors import Conflict
from shequyun.models import AuditEvent, AuditEventType
from shequyun.notifications.models import Notification

from .factories import CHECKS, EXE, ITEM, SVG, image_upload, png_bytes

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p onmouseover="alert(1)">x</p>',
    '<body onload=alert(1)>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<input autofocus onfocus=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div><![CDATA[<script>alert(1)</script>]]></div>',
    "<!--<script>alert(1)</script>-->",
    '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
    '<img src="https://tracker.example/pixel.gif">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    '<template><script>alert(1)</script></template>',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("payload", XSS)
def test_sanitiser_removes_scripts_handlers_and_javascript_urls(payload):
    cleaned = clean_html(payload).lower()
    for bad in ("<script", "javascript:", "vbscript:", "data:text", "onerror", "onload", "onclick", "onmouseover",
                "onfocus", "ontoggle", "<iframe", "<object", "<embed", "<img", "<svg", "<style", "<form", "<input",
                "<meta", "<base", "<link", "style=", "<video", "<audio", "<math"):
        assert bad not in cleaned, (payload, cleaned)


def test_sanitiser_keeps_ordinary_formatting_and_turns_plain_text_into_paragraphs():
    assert clean_html("第一段\n\n第二段 <b>加粗</b>") == "第一段\n\n第二段 <b>加粗</b>"
    assert clean_html("第一段\n第二段") == "<p>第一段</p><p>第二段</p>"
    kept = clean_html('<h2>标题</h2><p><strong>重点</strong><a href="https://www.pudong.gov.cn/">链接</a></p>')
    assert "<h2>标题</h2>" in kept
    assert 'href="https://www.pudong.gov.cn/"' in kept
    assert 'rel="noopener noreferrer nofollow"' in kept
    assert plain_text("<p>a &amp; b</p><p>c</p>") == "a & b\nc"


@pytest.mark.django_db
def test_images_are_re_encoded_without_exif_or_gps(people, chain):
    item = services.item_create(actor=people["author"], files=[image_upload("IMG_0001.jpg", gps=True)],
                                **{**ITEM, "kind": "images"})
    stored = item.files.get()
    assert stored.extension == "jpg"
    assert stored.name == "IMG_0001.jpg"
    assert "IMG_0001" not in stored.file.name
    from PIL import Image

    original = Image.open(io.BytesIO(png_bytes(exif_gps=True)))
    assert 0x8825 in original.getexif()  # the test photo does carry GPS
    with stored.file.open("rb") as handle:
        data = handle.read()
    clean = Image.open(io.BytesIO(data))
    assert not clean.getexif()
    assert b"Camera Maker" not in data


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data"), [("logo.svg", SVG), ("photo.jpg", EXE), ("notes.jpg", b"just text"),
                                            ("empty.png", b"")])
def test_refused_uploads_leave_nothing_behind(people, name, data):
    media_before = sum(len(files) for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(actor=people["author"], files=[image_upload(), SimpleUploadedFile(name, data)],
                             **{**ITEM, "kind": "images"})
    assert "files" in excinfo.value.message_dict
    assert ContentItem.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert ItemRevision.objects.count() == 0
    assert sum(len(files) for _root, _dirs, files in os.walk(settings.MEDIA_ROOT)) == media_before


@pytest.mark.django_db
def test_size_limit_per_kind(people, monkeypatch):
    from content import media

    monkeypatch.setitem(media.MAX_BYTES, media.Media.IMAGE, 10)
    with pytest.raises(ValidationError) as excinfo:
        services.item_create(actor=people["author"], files=[image_upload()], **{**ITEM, "kind": "images"})
    assert "files" in excinfo.value.message_dict


@pytest.mark.django_db
def test_audio_items_refuse_video_files_and_need_audio_before_submit(people, chain):
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    with pytest.raises(ValidationError):
        services.item_create(actor=people["author"], files=[SimpleUploadedFile("a.mp4", mp4)],
                             **{**ITEM, "kind": "audio"})
    item = services.item_create(actor=people["author"], **{**ITEM, "kind": "audio"})
    with pytest.raises(ValidationError) as excinfo:
        services.item_submit(actor=people["author"], item=item)
    assert "files" in excinfo.value.message_dict


@pytest.mark.django_db
def test_lexicon_blocks_with_words_named_flags_for_reviewers_and_audits(people, make_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.word_save(actor=people["city_ops"], word="赌博", severity="block")
        services.word_save(actor=people["city_ops"], word="拆迁", severity="flag")
    item = make_item(Status.DRAFT, title="关于赌博的提醒", body="<p>严禁赌博；旧区拆迁安置说明。</p>")
    with pytest.raises(ValidationError) as excinfo:
        services.item_submit(actor=people["author"], item=item)
    assert "赌博" in str(excinfo.value.message_dict["title"])
    assert "赌博" in str(excinfo.value.message_dict["body"])
    assert AuditEvent.objects.filter(event_type=AuditEventType.CONTENT_SUBMIT_BLOCKED, target_id=str(item.pk)).exists()
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    item = services.item_update(actor=people["author"], item=item, title="关于防范诈骗的提醒",
                                body="<p>旧区拆迁安置说明。</p>")
    item = services.item_submit(actor=people["author"], item=item)
    assert item.flagged_words == ["拆迁"]
    assert '<mark class="lexicon-flag" data-severity="flag">拆迁</mark>' in lexicon.highlight(item.body)
    with pytest.raises(PermissionDenied):
        services.word_save(actor=people["street_ops"], word="x", severity="block")


def test_scan_finds_overlapping_words_case_insensitively():
    automaton = lexicon.build([("法轮", "block"), ("轮功", "flag"), ("Spam", "flag")])
    hits = lexicon.scan("法轮功 SPAM", automaton)
    assert {(h.word, h.start, h.end) for h in hits} == {("法轮", 0, 2), ("轮功", 1, 3), ("spam", 4, 8)}


@pytest.mark.django_db
def test_diff_between_any_two_revisions(people, make_item):
    item = make_item(Status.DRAFT)
    services.item_update(actor=people["author"], item=item, files=[image_upload()])
    services.item_update(actor=people["author"], item=item, title="加装电梯意见征询通知（第二次）",
                         body="<p>各位居民：</p><p>本小区拟加装两部电梯，现再次征询意见。</p>")
    first, _second, third = item.revisions.order_by("number")
    diff = diff_revisions(first, third)
    assert diff["title_changed"]
    assert "<ins>（第二次）</ins>" in diff["title"]
    assert [row["op"] for row in diff["body"]] == ["equal", "replace"]
    assert [f["name"] for f in diff["added"]] == ["照片.png"]
    assert diff_revisions(third, third)["body_changed"] is False


@pytest.mark.django_db
def test_an_edit_after_an_approval_restarts_the_chain(people, make_item):
    item = make_item(Status.REVIEW_2)
    first_round = item.review_round
    item = services.item_update(actor=people["author"], item=item, body="<p>修改后的正文</p>")
    assert item.status == Status.REVIEW_1
    assert item.review_round != first_round
    assert ReviewRound.objects.filter(item=item).count() == 2
    assert ItemEvent.objects.filter(item=item, action="restart").count() == 1
    # the 初审 reviewer who approved the old round may approve the new one
    item = services.item_review(actor=people["first"], item=item, action="approve", checks=CHECKS)
    assert item.status == Status.REVIEW_2
    # an approved item waiting for its time restarts too
    item = services.item_review(actor=people["final"], item=item, action="approve", checks=CHECKS)
    assert item.status == Status.APPROVED
    item = services.item_update(actor=people["author"], item=item, title="再改一次")
    assert item.status == Status.REVIEW_1
    with pytest.raises(Conflict):
        services.item_update(actor=people["author"], item=make_item(Status.PUBLISHED), title="发布后不能改")


@pytest.mark.django_db
def test_an_edit_in_review_still_has_to_pass_the_checks(people, make_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.word_save(actor=people["city_ops"], word="赌博", severity="block")
    item = make_item(Status.REVIEW_2)
    with pytest.raises(ValidationError):
        services.item_update(actor=people["author"], item=item, body="<p>赌博</p>")
    item.refresh_from_db()
    assert item.status == Status.REVIEW_2
    assert item.revision_number == 1


@pytest.mark.django_db
def test_the_final_approval_publishes_at_once_when_due(people, make_item, django_capture_on_commit_callbacks):
    item = make_item(Status.REVIEW_2)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_review(actor=people["final"], item=item, action="approve", checks=CHECKS)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.published_at is not None
    # it reached the staff of its audience (the village) with one notification each
    assert Notification.objects.filter(recipient=people["coauthor"], title__contains=item.title).exists()
    assert not Notification.objects.filter(recipient=people["street_staff"], title__contains="新发布").exists()


@pytest.mark.django_db
@pytest.mark.clock("2026-12-31T23:30:00+08:00")
def test_scheduled_publishing_and_expiry_run_twice_safely(people, make_item, clock):
    start = timezone.now()
    item = make_item(Status.APPROVED, publish_at=start + timedelta(minutes=20), is_time_bound=True,
                     expire_at=start + timedelta(days=2))
    assert tasks.publish_due() == 0
    clock.move_to(start + timedelta(minutes=31))  # 2027-01-01 00:01
    assert tasks.publish_due() == 1
    assert tasks.publish_due() == 0
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert tasks.expire_due() == 0
    clock.move_to(start + timedelta(days=2, minutes=1))
    assert tasks.expire_due() == 1
    assert tasks.expire_due() == 0
    item.refresh_from_db()
    assert item.status == Status.EXPIRED
    assert ItemEvent.objects.filter(item=item, action="auto_publish", actor=None).count() == 1


@pytest.mark.django_db
def test_publishing_works_in_batches(people, make_item, clock):
    items = [make_item(Status.APPROVED, title=f"通知{n}", publish_at=timezone.now() + timedelta(hours=1))
             for n in range(5)]
    clock.move_to(timezone.now() + timedelta(hours=2))
    assert tasks.publish_due(batch=2) == 5
    assert ContentItem.objects.filter(pk__in=[i.pk for i in items], status=Status.PUBLISHED).count() == 5


@pytest.mark.django_db
def test_an_item_past_its_expiry_before_publishing_is_never_published(people, make_item, clock):
    item = make_item(Status.APPROVED, publish_at=timezone.now() + timedelta(hours=1), is_time_bound=True,
                     expire_at=timezone.now() + timedelta(hours=2))
    clock.move_to(timezone.now() + timedelta(hours=3))
    assert tasks.publish_due() == 0
    assert tasks.expire_due() == 1
    item.refresh_from_db()
    assert item.status == Status.EXPIRED
    assert item.published_at is None


@pytest.mark.django_db
@pytest.mark.clock("2026-12-30T10:00:00+08:00")
def test_feedback_escalates_after_its_working_day_deadline_across_the_new_year(people, clock, settings):
    settings.CONTENT_FEEDBACK_ANSWER_DAYS = 2
    feedback = services.feedback_raise(actor=people["author"], kind="question", title="问题", body="内容")
    # 2026-12-31 is a working day; 2027-01-01 a holiday by the provisional Monday–Friday rule is a Friday → due 12-31 +1
    assert feedback.due_date.year in (2026, 2027)
    assert tasks.escalate_feedback() == 0
    clock.move_to(timezone.make_aware(timezone.datetime.combine(feedback.due_date + timedelta(days=1),
                                                                 timezone.datetime.min.time())) + timedelta(hours=9))
    assert tasks.escalate_feedback() == 1
    assert tasks.escalate_feedback() == 0
    feedback.refresh_from_db()
    assert feedback.handler_region.code == "310115000000"
    assert feedback.escalations == 1
    assert feedback.due_date > timezone.localdate()
    assert feedback.due_provisional is True  # 2027 is a provisional calendar year


@pytest.mark.django_db
def test_training_reminders_run_twice_remind_once(people, clock):
    material = services.material_create(actor=people["street_ops"], title="指南")
    services.material_mark_read(actor=people["author"], material=material)
    clock.move_to(timezone.now() + timedelta(days=4))
    first = tasks.training_reminders()
    assert first > 0
    assert tasks.training_reminders() == 0
    assert not Notification.objects.filter(recipient=people["author"], title__contains="请阅读").exists()


@pytest.mark.django_db
def test_only_own_region_staff_collect(people):
    with pytest.raises(PermissionDenied):
        services.item_create(actor=people["auditor"], **ITEM)
    with pytest.raises(PermissionDenied):
        services.item_create(actor=people["first"], **ITEM)


@pytest.mark.django_db
def test_lexicon_import_is_one_audited_bulk_change(people):
    added = services.words_import(actor=people["city_ops"], text="甲\n乙,flag\n甲\n", severity="block")
    assert added == 2
    assert SensitiveWord.objects.get(word="乙").severity == "flag"
    assert AuditEvent.objects.filter(event_type=AuditEventType.BULK_CHANGE, extra__model="content.sensitiveword").count() == 1
    assert services.words_import(actor=people["city_ops"], text="甲", severity="block") == 0


@pytest.mark.django_db
def test_feedback_from_the_city_stays_at_the_city(make_user, people):
    feedback = services.feedback_raise(actor=people["city_ops"], kind="suggestion", title="建议", body="内容")
    assert feedback.handler_region.code == "310000000000"
    assert Feedback.objects.count() == 1


@pytest.mark.clock("2026-12-28T10:00:00+08:00")
def test_a_feedback_deadline_a_calendar_change_would_move_is_logged_and_stands(people, django_capture_on_commit_callbacks):
    """DESIGN §10: deadlines are stored when set; a later override that moves one is logged, for feedback as for
    every other clock (five working days from Monday 28 December cross into provisional 2027)."""
    import datetime as dt

    from shequyun.models import WorkdayOverride
    from shequyun.workdays import override_changed

    feedback = services.feedback_raise(actor=people["author"], kind="question", title="问题", body="内容")
    assert (feedback.due_date, feedback.due_provisional) == (dt.date(2027, 1, 4), True)
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
        override_changed(day=dt.date(2027, 1, 1), actor=people["city_ops"])
    feedback.refresh_from_db()
    assert feedback.due_date == dt.date(2027, 1, 4)
    event = AuditEvent.objects.get(event_type=AuditEventType.DEADLINE_AFFECTED, target_id=str(feedback.pk))
    assert event.extra == {"stored": "2027-01-04", "recomputed": "2027-01-05", "calendar_dates": ["2027-01-01"]}
    assert services.feedback_deadlines_recheck(changed_dates=[dt.date(2027, 1, 1)]) == 1  # rerun: same finding
    with django_capture_on_commit_callbacks(execute=True):
        override_changed(day=dt.date(2026, 6, 1), actor=people["city_ops"])  # before the item: nothing moves
    assert AuditEvent.objects.filter(event_type=AuditEventType.DEADLINE_AFFECTED).count() == 2
