"""Demo content along the demo chain (idempotent): operations offices for 东明路街道 and 浦东新区, 东明路街道's review
chain (初审 dongming_admin, 终审 pudong_admin), a small lexicon, items of 三林苑居委会 in several states, a training
material and a question on the feedback channel. Run after ``load_demo``."""

from __future__ import annotations

import os
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationKind, Region, User
from accounts.roles import Role
from accounts.services import organisation_ensure
from content import services
from content.models import Check, ContentItem, Feedback, SensitiveWord, TrainingMaterial

OPS = [
    ("dongming_content_ops", "东明路街道社区云运营人员", "310115015000", "东明路街道社区云运营管理办公室"),
    ("pudong_content_ops", "浦东新区社区云运营人员", "310115000000", "浦东新区社区云运营管理中心"),
]
WORDS = [("赌博", "block"), ("博彩", "block"), ("代开发票", "block"), ("拆迁", "flag"), ("上访", "flag")]


class Command(BaseCommand):
    help = "Load demo content (review chain, lexicon, items, training, feedback) along the demo chain."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=[
            "city_admin", "pudong_admin", "dongming_admin", "sanlinyuan_staff"])}
        if len(users) < 4:
            raise CommandError("Load the demo accounts first: python manage.py load_demo")
        password = os.environ.get("DEMO_PASSWORD", "Shequyun#2026")
        operator = Group.objects.get(name=Role.OPERATOR.value)
        for username, full_name, code, org_name in OPS:
            region = Region.objects.get(code=code)
            organisation = organisation_ensure(name=org_name, kind=OrganisationKind.OPERATIONS_OFFICE, region=region)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, organisation=organisation, region=region,
                            password_changed_at=timezone.now())
                user.set_password(password)
                user.save()
                user.groups.set([operator])
            users[username] = user
        dongming = Region.objects.get(code="310115015000")
        services.chain_save(actor=users["dongming_content_ops"], region=dongming, steps=[
            {"name": "初审", "role": Role.REVIEWER.value, "level": "street"},
            {"name": "终审", "role": Role.REVIEWER.value, "level": "district"}])
        for word, severity in WORDS:
            if not SensitiveWord.objects.filter(word=word).exists():
                services.word_save(actor=users["city_admin"], word=word, severity=severity, note="演示")
        author = users["sanlinyuan_staff"]
        now = timezone.now()
        checks = list(Check.values)
        if not ContentItem.objects.filter(region=author.region).exists():
            published = services.item_create(actor=author, kind="notice", title="三林苑小区垃圾分类投放时间调整通知",
                                             body="各位居民：\n\n自下周一起，湿垃圾投放时间调整为每日 7:00—9:00、18:00—20:00。",
                                             publish_at=now - timedelta(hours=1))
            published = services.item_submit(actor=author, item=published)
            published = services.item_review(actor=users["dongming_admin"], item=published, action="approve",
                                             checks=checks)
            published = services.item_review(actor=users["pudong_admin"], item=published, action="approve",
                                             checks=checks)
            services.item_publish_due(item=published)
            scheduled = services.item_create(actor=author, kind="activity", title="重阳节敬老活动报名",
                                             body="<p>报名时间：即日起至本周五，地点：居委会活动室。</p>",
                                             publish_at=now + timedelta(days=1), is_time_bound=True,
                                             expire_at=now + timedelta(days=8))
            scheduled = services.item_submit(actor=author, item=scheduled)
            services.item_review(actor=users["dongming_admin"], item=scheduled, action="approve", checks=checks)
            waiting = services.item_create(actor=author, kind="article", title="社区微更新项目进展",
                                           body="<p>小区东门道路改造已完成，感谢居民配合。</p>")
            services.item_submit(actor=author, item=waiting)
            services.item_create(actor=author, kind="article", title="（转载）本市养老服务补贴政策解读",
                                 body="<p>转载自上级部门网站。</p>", is_reprint=True, source_name="上海市民政局")
        if not TrainingMaterial.objects.exists():
            services.material_create(actor=users["city_admin"], title="内容采集与三审流程操作指南",
                                     feature="内容管理", body="<h2>采集</h2><p>填写标题、正文、发布范围和有效期。</p>"
                                     "<h2>审核</h2><p>初审、终审逐项确认合法性、真实性、准确性、时效性。</p>")
        if not Feedback.objects.exists():
            services.feedback_raise(actor=author, kind="question", title="视频上传后无法预览",
                                    body="上传 MOV 格式的视频后，详情页只能下载，不能在线预览，是否需要转码？")
        self.stdout.write("Demo content loaded: chain 初审 dongming_admin → 终审 pudong_admin; operations offices "
                          "dongming_content_ops and pudong_content_ops (password as for load_demo); public page "
                          "/content/public/310115015001/")
