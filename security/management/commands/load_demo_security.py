"""Demo security data along the demo chain (run after load_demo and load_demo_scenarios; idempotent).

Security officers at each level (city_security, pudong_security, dongming_security), a street department that
leads modules (东明路街道服务办, with dongming_staff), active emergency plans for the city, 浦东新区 and 东明路街道, a
planned drill, a training, the assessment and confidentiality agreement of the online demo scenario, one resolved
fault and one practice incident."""

from __future__ import annotations

import datetime as dt
import os

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationKind, Region, User
from accounts.roles import Role
from accounts.services import organisation_ensure, roles_ensure
from scenarios.models import Scenario
from security import services
from security.models import EmergencyPlan, Incident, PlanStatus, Training

PEOPLE = [
    # (username, full name, region code, organisation, kind, roles, phone)
    ("city_security", "市级安全员", "310000000000", "上海市社区服务中心", OrganisationKind.OPERATIONS_OFFICE,
     [Role.SECURITY_OFFICER, Role.OPERATOR], "13900000001"),
    ("pudong_security", "浦东新区安全员", "310115000000", "浦东新区民政局", OrganisationKind.COMPETENT_DEPT,
     [Role.SECURITY_OFFICER], "13900000002"),
    ("dongming_security", "东明路街道城运中心安全员", "310115015000", "东明路街道城运中心", OrganisationKind.FUNCTIONAL_DEPT,
     [Role.SECURITY_OFFICER], "13900000003"),
    ("dongming_staff", "东明路街道服务办工作人员", "310115015000", "东明路街道服务办", OrganisationKind.FUNCTIONAL_DEPT,
     [Role.STAFF], "13900000004"),
]

CONTENT = {
    "organisation": "成立网络安全应急工作领导小组，组长由分管领导担任，城运中心承担日常工作；模块牵头部门、技术公司参加。",
    "responsibilities": "城运中心统筹协调、上报和跟踪；模块牵头部门组织处置并联系技术公司；配合部门及时报告、配合排查；技术公司负责技术处置和取证。",
    "procedure_1": "立即报告上级主管部门和市城运中心，领导小组组长到场指挥，必要时申请市级运营管理部门断开接入，1小时内书面报告。",
    "procedure_2": "立即报告上级主管部门，领导小组组长组织处置，2小时内书面报告，每4小时续报进展。",
    "procedure_3": "立即通知区、市安全员，城运中心组织牵头部门和技术公司处置，当日书面报告，涉及个人信息的同步评估告知义务。",
    "procedure_4": "城运中心组织牵头部门处置，2个工作日内报告处置结果。",
}


class Command(BaseCommand):
    help = "Load demo security data (run after load_demo and load_demo_scenarios)."

    @transaction.atomic
    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "Shequyun#2026")
        if not User.objects.filter(username="city_admin").exists():
            raise CommandError("Load the demo accounts first: python manage.py load_demo")
        roles_ensure()
        groups = {g.name: g for g in Group.objects.all()}
        people = {}
        for username, full_name, code, org_name, kind, roles, phone in PEOPLE:
            region = Region.objects.get(code=code)
            organisation = organisation_ensure(name=org_name, kind=kind, region=region)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, organisation=organisation, region=region)
                user.set_password(password)
                user.password_changed_at = timezone.now()
                user.phone = phone
                user.full_clean(exclude=["password"])
                user.save()
                user.groups.set([groups[r.value] for r in roles])
            people[username] = user
            self.stdout.write(f"  {username:<18} {password:<16} {region.name} · {organisation.name}")
        reviewers = {u.username: u for u in User.objects.filter(username__in=["city_reviewer", "pudong_admin",
                                                                             "dongming_admin"])}
        for officer, approver in (("city_security", "city_reviewer"), ("pudong_security", "pudong_admin"),
                                  ("dongming_security", "dongming_admin")):
            self._plan(people[officer], reviewers.get(approver))
        self._rest(people)
        self.stdout.write(self.style.SUCCESS("Demo security data loaded."))

    def _plan(self, officer: User, approver: User | None) -> None:
        region = officer.region
        if EmergencyPlan.objects.filter(region=region).exists() or approver is None:
            return
        team = [{"user": officer, "duty": "城运中心值守，事件受理、定级和上报", "contact": officer.phone}]
        if region.code == "310115015000":
            staff = User.objects.get(username="dongming_staff")
            team.append({"user": staff, "duty": "模块牵头部门联络，组织技术公司处置", "contact": staff.phone})
        plan = services.plan_create(actor=officer, region=region, title=f"{region.name}社区云网络安全事件应急预案",
                                    team=team, **CONTENT)
        version = plan.versions.get()
        services.plan_transition(actor=approver, version=version, action="approve", comment="同意")
        services.plan_transition(actor=officer, version=version, action="activate")

    def _rest(self, people: dict[str, User]) -> None:
        officer = people["dongming_security"]
        today = timezone.localdate()
        scenario = Scenario.objects.filter(name="东明路街道为老服务预约").first()
        plan = EmergencyPlan.objects.filter(region=officer.region).first()
        version = plan.versions.filter(status=PlanStatus.ACTIVE).first() if plan else None
        if version is not None and not version.drills.exists():
            drill = services.drill_create(actor=officer, region=officer.region, plan_version=version,
                                          title="居民信息泄露处置演练", planned_on=today + dt.timedelta(days=14),
                                          scenario=scenario, participants=[officer.pk, people["dongming_staff"].pk])
            services.incident_report(actor=officer, drill=drill, title="【演练】模拟居民信息泄露",
                                     category="DS", subcategory="DSDATALEAK", importance="important", loss="serious",
                                     social_impact="general", personal_info_leak=True,
                                     started_at=timezone.now() - dt.timedelta(hours=1), detected_at=timezone.now(),
                                     scenario=scenario.pk if scenario else None)
        if not Training.objects.filter(region=officer.region).exists():
            services.training_create(actor=officer, region=officer.region, topic="等级保护政策解读与安全操作规范",
                                     held_on=today - dt.timedelta(days=7), materials="技术公司提供的培训课件（001 §3(六)3(5)）",
                                     participants=[people["dongming_staff"].pk, officer.pk])
        if scenario is not None:
            services.assessment_save(actor=officer, scenario=scenario, protection_level=3,
                                     tested_on=today - dt.timedelta(days=340),
                                     crypto_assessed_on=today - dt.timedelta(days=200))
            if not scenario.agreements.exists():
                services.agreement_save(actor=officer, scenario=scenario, signatory="李工",
                                        signed_on=today - dt.timedelta(days=340),
                                        expires_on=today + dt.timedelta(days=25))
        if not Incident.objects.filter(is_drill=False).exists():
            fault = services.incident_report(
                actor=people["dongming_staff"], kind="fault", title="预约页面间歇性无法打开", category="DE",
                subcategory="DETECH", importance="general", loss="minor", social_impact="general",
                started_at=timezone.now() - dt.timedelta(hours=6), detected_at=timezone.now() - dt.timedelta(hours=5),
                scenario=scenario.pk if scenario else None)
            fault = services.incident_acknowledge(actor=officer, incident=fault, grade=4)
            fault = services.incident_transition(actor=officer, incident=fault, action="respond")
            fault = services.incident_transition(actor=officer, incident=fault, action="contain")
            services.incident_resolve(actor=officer, incident=fault, resolution_note="技术公司扩容服务器，已恢复。")
