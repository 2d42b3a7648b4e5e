"""A few realistic scenarios along the demo chain, in different states (idempotent: existing names are skipped)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from scenarios.models import Scenario
from scenarios.services import application_update, scenario_create, scenario_transition

REPORT = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
COMMON = {
    "responsible_person": "张主任", "developer_name": "上海社区数字科技有限公司", "developer_credit_code": "91310115MA1H7A2B3C",
    "developer_contact": "李工", "developer_phone": "021-58880000", "developer_info": "具有软件开发资质，承担过多个街道项目",
    "integration_needs": "对接社区云统一身份认证和居民基础数据",
}
DEMO = [
    ("东明路街道为老服务预约", "public_service", "为社区老人提供助餐、助浴、上门护理等服务的在线预约和评价", "online"),
    ("东明路街道居民议事厅", "self_governance", "居民线上提出议题、协商讨论和投票表决", "submitted"),
    ("东明路街道垃圾分类积分", "community_management", "居民垃圾分类投放记录、积分和兑换", "filed"),
    ("东明路街道日常排班", "daily_office", "居委会工作人员值班排班和交接记录", "draft"),
]
PATHS = {
    "draft": [],
    "submitted": [("submit", "dongming_operator")],
    "filed": [("submit", "dongming_operator"), ("approve", "pudong_admin"), ("file", "city_admin")],
    "online": [("submit", "dongming_operator"), ("approve", "pudong_admin"), ("file", "city_admin"),
               ("go_online", "dongming_operator")],
}


class Command(BaseCommand):
    help = "Load demo scenarios (run after load_demo)."

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=["dongming_operator", "pudong_admin", "city_admin"])}
        if len(users) < 3:
            raise CommandError("Load the demo accounts first: python manage.py load_demo")
        applicant = users["dongming_operator"]
        for name, category, summary, state in DEMO:
            if Scenario.objects.filter(name=name).exists():
                continue
            scenario = scenario_create(actor=applicant, region=applicant.region, name=name, category=category,
                                       function_summary=summary, operating_mechanism="街道运营、居委会协助推广", **COMMON)
            scenario = application_update(actor=applicant, scenario=scenario,
                                          risk_report=SimpleUploadedFile("安全风险评估报告.pdf", REPORT))
            for action, who in PATHS[state]:
                scenario = scenario_transition(actor=users[who], scenario=scenario, action=action, comment="演示数据")
            self.stdout.write(f"  {name}: {scenario.get_status_display()}")
        self.stdout.write(self.style.SUCCESS("Demo scenarios loaded."))
