"""Demo data-assets along the demo chain (run after load_demo and load_demo_scenarios; idempotent).

Accounts: ``dongming_steward`` (东明路街道城运中心, data steward: the provider), ``pudong_data_office`` (浦东新区大数据中心:
the district data office), ``city_data_office`` (上海市大数据中心), ``huamu_steward`` (花木街道城运中心: another unit,
files objections and requests sharing). Resources in every state, items, a revision, an objection, a sharing
request and the first quality check. Everything is written through the services."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationKind, Region, User
from accounts.roles import Role
from accounts.services import organisation_ensure, roles_ensure
from dataassets import services
from dataassets.models import Resource, ResourceStatus
from scenarios.models import Scenario, Status

ACCOUNTS = [
    ("dongming_steward", "东明路街道数据专员", "310115015000", "东明路街道城运中心", OrganisationKind.FUNCTIONAL_DEPT,
     [Role.DATA_STEWARD]),
    ("pudong_data_office", "浦东新区大数据中心审核人员", "310115000000", "浦东新区大数据中心",
     OrganisationKind.OPERATIONS_OFFICE, [Role.DATA_STEWARD, Role.REVIEWER]),
    ("city_data_office", "上海市大数据中心审核人员", "310000000000", "上海市大数据中心", OrganisationKind.OPERATIONS_OFFICE,
     [Role.DATA_STEWARD, Role.REVIEWER]),
    ("huamu_steward", "花木街道数据专员", "310115016000", "花木街道城运中心", OrganisationKind.FUNCTIONAL_DEPT,
     [Role.DATA_STEWARD, Role.OPERATOR]),
]
COMMON = {"data_format": "database", "collection_method": "db_sync", "collection_frequency": "daily",
          "sharing_method": "api", "grade": "general"}
RESOURCES = [
    ("DM-JM-001", "东明路街道常住居民基础信息", "published", {
        "description": "辖区常住居民的姓名、证件、住址等基础信息，用于社区服务和网格管理", "update_frequency": "daily",
        "sharing_type": "authorised", "sharing_reason": "含居民个人信息，按应用场景最小够用授权",
        "legal_basis": "《上海市公共数据和一网通办管理办法》第二十七条", "open_type": "non_open", "grade": "important",
        "contains_personal_info": True},
     [("resident", "name", "姓名", "string", 50, False, True, "partial"),
      ("resident", "id_no", "身份证号", "string", 18, True, True, "hash"),
      ("resident", "address", "居住地址", "string", 200, False, True, "generalise"),
      ("resident", "updated", "更新时间", "datetime", None, False, False, "")]),
    ("DM-LJ-002", "东明路街道垃圾分类投放点", "published", {
        "description": "垃圾分类投放点位置、开放时间和责任人", "update_frequency": "monthly",
        "sharing_type": "unconditional", "open_type": "unconditional"},
     [("drop_point", "point_id", "点位编号", "string", 20, True, False, ""),
      ("drop_point", "location", "位置", "string", 200, False, False, ""),
      ("drop_point", "open_hours", "开放时间", "string", 50, False, False, "")]),
    ("DM-YL-003", "东明路街道为老服务记录", "submitted", {
        "description": "助餐、助浴、上门护理服务记录", "update_frequency": "weekly",
        "sharing_type": "not_shared", "sharing_reason": "涉及老年人健康隐私",
        "legal_basis": "《中华人民共和国个人信息保护法》第二十八条", "open_type": "non_open",
        "contains_personal_info": True},
     [("service", "elder_name", "姓名", "string", 50, False, True, "partial"),
      ("service", "service_date", "服务日期", "date", None, False, False, "")]),
    ("DM-SS-004", "东明路街道社区设施", "draft", {
        "description": "", "update_frequency": "quarterly", "sharing_type": "unconditional",
        "open_type": "conditional"}, []),
]


class Command(BaseCommand):
    help = "Load demo data-assets accounts and records (run after load_demo and load_demo_scenarios)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not Region.objects.filter(code="310115015000").exists():
            raise CommandError("Load the divisions first: python manage.py load_divisions")
        roles_ensure()
        from django.contrib.auth.models import Group

        groups = {g.name: g for g in Group.objects.all()}
        password = os.environ.get("DEMO_PASSWORD", "Shequyun#2026")
        users = {}
        for username, full_name, code, org_name, kind, roles in ACCOUNTS:
            region = Region.objects.get(code=code)
            organisation = organisation_ensure(name=org_name, kind=kind, region=region)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, organisation=organisation, region=region,
                            password_changed_at=timezone.now())
                user.set_password(password)
                user.full_clean(exclude=["password"])
                user.save()
            user.groups.set([groups[r.value] for r in roles])
            users[username] = user
            self.stdout.write(f"  {username:<20} {password:<16} {region.name} · {organisation.name}")
        steward, office = users["dongming_steward"], users["pudong_data_office"]
        for code, name, state, values, items in RESOURCES:
            if Resource.objects.filter(code=code, revision_of__isnull=True).exists():
                continue
            resource = services.resource_create(actor=steward, name=name, code=code, **{**COMMON, **values})
            for table, field, label, data_type, length, pk, personal, mask in items:
                services.item_add(actor=steward, resource=resource, table_name=table, field_name=field, label=label,
                                  data_type=data_type, length=length, is_primary_key=pk, personal_info=personal,
                                  masking_rule=mask, is_timestamp=field == "updated")
            if state in ("submitted", "published"):
                resource = services.resource_transition(actor=steward, resource=resource, action="submit")
            if state == "published":
                resource = services.resource_transition(actor=office, resource=resource, action="publish", comment="演示数据")
            self.stdout.write(f"  {name}: {resource.get_status_display()}")
        residents = Resource.objects.get(code="DM-JM-001", revision_of__isnull=True)
        if not residents.objections.exists():
            services.objection_file(actor=users["huamu_steward"], resource=residents, kind="error",
                                    description="居民张某已迁出本街道，地址信息未更新", objector_name="张某（居民）")
        # The street office's online scenario (load_demo_scenarios) asks for the residents' data.
        requester = User.objects.filter(username="dongming_operator").first()
        online = Scenario.objects.filter(region__code="310115015000", status=Status.ONLINE).first()
        if requester is not None and online is not None and not residents.sharing_requests.exists():
            services.sharing_request_create(actor=requester, resource=residents, scenario_id=online.pk,
                                            purpose="为老服务上门核验居民身份")
        if residents.status == ResourceStatus.PUBLISHED and not residents.revisions.exists():
            services.resource_revise(actor=steward, resource=residents)
        services.quality_check()
        self.stdout.write(self.style.SUCCESS("Demo data assets loaded."))
