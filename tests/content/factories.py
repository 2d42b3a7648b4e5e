"""Content fixtures on the real tree: an author at 三林苑居委会 (village), 初审 at 东明路街道, 终审 at 浦东新区, the
operations offices of the street, the district and the city, and a chain configured by the street."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from content import services
from content.models import Check, ContentItem, Status
from tests.factories import OrganisationFactory

CHECKS = list(Check.values)
ITEM = {
    "kind": "notice",
    "title": "三林苑小区加装电梯意见征询通知",
    "body": "<p>各位居民：</p><p>本小区拟加装电梯，现征询意见。</p>",
}
REPRINT = {"is_reprint": True, "source_name": "浦东新区人民政府网站", "source_url": "https://www.pudong.gov.cn/a/1.html",
           "authorisation": "来源单位书面授权（2026）12号"}


def png_bytes(size=(8, 6), exif_gps: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "Camera Maker"
        exif[0x8825] = {1: "N", 2: (31.0, 12.0, 0.0), 3: "E", 4: (121.0, 30.0, 0.0)}
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_upload(name: str = "照片.png", gps: bool = False) -> SimpleUploadedFile:
    data = png_bytes(exif_gps=gps)
    return SimpleUploadedFile(name, data, content_type="image/jpeg" if gps else "image/png")


#: A Windows executable's first bytes (MZ header with the PE signature), named like a photo.
EXE = b"MZ" + b"\x90\x00" * 29 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def people(make_user, regions):
    """author / coauthor (village staff), first (street reviewer), final (district reviewer), street_ops,
    district_ops, city_ops (operations offices), street_staff, outsider (another district), auditor."""
    dongming, pudong, city = regions["dongming"], regions["pudong"], regions["city"]
    village = regions["sanlinyuan"]
    committee = OrganisationFactory(region=village, name="三林苑居委会", kind=OrganisationKind.COMMITTEE)
    street_office = OrganisationFactory(region=dongming, name="东明路街道办事处", kind=OrganisationKind.COMPETENT_DEPT)
    return {
        "author": make_user("sanlinyuan", roles=[Role.STAFF], organisation=committee),
        "coauthor": make_user("sanlinyuan", roles=[Role.STAFF], organisation=committee),
        "first": make_user("dongming", roles=[Role.REVIEWER], organisation=street_office),
        "first2": make_user("dongming", roles=[Role.REVIEWER], organisation=street_office),
        "final": make_user("pudong", roles=[Role.REVIEWER], organisation=OrganisationFactory(
            region=pudong, name="浦东新区民政局", kind=OrganisationKind.COMPETENT_DEPT)),
        "street_ops": make_user("dongming", roles=[Role.OPERATOR], organisation=OrganisationFactory(
            region=dongming, name="东明路街道社区云运营办", kind=OrganisationKind.OPERATIONS_OFFICE)),
        "district_ops": make_user("pudong", roles=[Role.OPERATOR], organisation=OrganisationFactory(
            region=pudong, name="浦东新区社区云运营中心", kind=OrganisationKind.OPERATIONS_OFFICE)),
        "city_ops": make_user("city", roles=[Role.OPERATOR], organisation=OrganisationFactory(
            region=city, name="上海市社区服务中心", kind=OrganisationKind.OPERATIONS_OFFICE)),
        "street_staff": make_user("dongming", roles=[Role.STAFF], organisation=street_office),
        "outsider": make_user(Region.objects.get(code="310110012000").code, roles=[Role.REVIEWER, Role.STAFF]),
        "auditor": make_user("dongming", roles=[Role.AUDITOR], organisation=street_office),
    }


@pytest.fixture
def chain(people, regions):
    """东明路街道's chain: 初审 by a street reviewer, 终审 by a district reviewer."""
    return services.chain_save(actor=people["street_ops"], region=regions["dongming"], steps=[
        {"name": "初审", "role": "reviewer", "level": "street"},
        {"name": "终审", "role": "reviewer", "level": "district"},
    ])


@pytest.fixture
def make_item(people, chain):
    """``make_item("published", **overrides)`` walks a real item through the two-step chain to the wanted state."""

    def build(status: str = Status.DRAFT, **overrides) -> ContentItem:
        author = overrides.pop("author", people["author"])
        values = {**ITEM, **overrides}
        item = services.item_create(actor=author, **values)
        steps = {
            Status.DRAFT: [],
            Status.REVIEW_1: ["submit"],
            Status.REVIEW_2: ["submit", ("approve", "first")],
            Status.APPROVED: ["submit", ("approve", "first"), ("approve", "final")],
            Status.PUBLISHED: ["submit", ("approve", "first"), ("approve", "final")],
            Status.EXPIRED: ["submit", ("approve", "first"), ("approve", "final")],
            Status.WITHDRAWN: ["submit", ("approve", "first"), ("approve", "final"), "withdraw"],
        }[status]
        if status == Status.APPROVED and "publish_at" not in overrides:
            item = services.item_update(actor=author, item=item, publish_at=timezone.now() + timedelta(days=3))
        for step in steps:
            if step == "submit":
                item = services.item_submit(actor=author, item=item)
            elif step == "withdraw":
                item = services.item_withdraw(actor=author, item=item, reason="信息有误")
            else:
                action, who = step
                item = services.item_review(actor=people[who], item=item, action=action, checks=CHECKS)
        if status in (Status.PUBLISHED, Status.EXPIRED):
            item = services.item_publish_due(item=item)  # on-commit hooks do not run inside a test transaction
        if status == Status.EXPIRED:
            ContentItem.objects.filter(pk=item.pk).update(expire_at=timezone.now() - timedelta(minutes=1),
                                                          is_time_bound=True)
            item.refresh_from_db()
            item = services.item_expire(item=item)
        item.refresh_from_db()
        assert item.status == status, (item.status, status)
        return item

    return build
