"""Demo organisations and accounts along the real chain 上海市 → 浦东新区 → 东明路街道 → 三林苑居委会."""

import os

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationKind, Region, User
from accounts.roles import Role
from accounts.services import organisation_ensure, roles_ensure

DEMO = [
    # (username, full name, region code, organisation, kind, roles)
    ("city_admin", "市级管理员", "310000000000", "上海市社区服务中心", OrganisationKind.OPERATIONS_OFFICE,
     [Role.ACCOUNT_ADMIN, Role.OPERATOR]),
    ("pudong_admin", "浦东新区管理员", "310115000000", "浦东新区民政局", OrganisationKind.COMPETENT_DEPT,
     [Role.ACCOUNT_ADMIN, Role.REVIEWER]),
    ("dongming_admin", "东明路街道管理员", "310115015000", "东明路街道办事处", OrganisationKind.COMPETENT_DEPT,
     [Role.ACCOUNT_ADMIN, Role.REVIEWER]),
    ("sanlinyuan_staff", "三林苑居委会工作人员", "310115015001", "三林苑居委会", OrganisationKind.COMMITTEE,
     [Role.STAFF]),
    # Scenario onboarding along the same chain: applicant, district reviewer (pudong_admin), city reviewer, filing.
    ("dongming_operator", "东明路街道运营人员", "310115015000", "东明路街道办事处", OrganisationKind.COMPETENT_DEPT,
     [Role.OPERATOR]),
    ("city_reviewer", "市民政局审核人员", "310000000000", "上海市民政局", OrganisationKind.COMPETENT_DEPT,
     [Role.REVIEWER]),
    ("pudong_auditor", "浦东新区审计员", "310115000000", "浦东新区民政局", OrganisationKind.COMPETENT_DEPT,
     [Role.AUDITOR]),
]


class Command(BaseCommand):
    help = "Load demo organisations and one account per level (idempotent). Prints the credentials."

    @transaction.atomic
    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "Shequyun#2026")
        if not Region.objects.filter(code="310000000000").exists():
            raise CommandError("Load the divisions first: python manage.py load_divisions")
        roles_ensure()
        groups = {g.name: g for g in Group.objects.all()}
        # Demo households and population for the street's committees (the base of participation rates).
        for index, village in enumerate(Region.objects.filter(parent__code="310115015000").order_by("code")):
            if village.households is None:
                village.households = 900 + (index * 37) % 800
                village.population = village.households * 5 // 2
                village.save(update_fields=["households", "population"])
        self.stdout.write("Demo accounts (username / password):")
        for username, full_name, code, org_name, kind, roles in DEMO:
            region = Region.objects.get(code=code)
            organisation = organisation_ensure(name=org_name, kind=kind, region=region)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username)
                user.set_password(password)
                user.password_changed_at = timezone.now()
            user.full_name = full_name
            user.organisation = organisation
            user.region = region
            user.full_clean(exclude=["password"])
            user.save()
            user.groups.set([groups[r.value] for r in roles])
            self.stdout.write(f"  {username:<18} {password:<16} {region.name} · {organisation.name}")
