"""The generic scope contract (tests/scope.py) for every content viewset and every page about one object."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from content import services
from content.models import Attachment, ContentItem, Feedback, ReviewChain, TrainingFile, TrainingMaterial
from tests.factories import OrganisationFactory
from tests.scope import OUTSIDE, ScopeContract

from .factories import ITEM, image_upload


def _outside_staff(make_user):  # type: ignore[no-untyped-def]
    region = Region.objects.get(code=OUTSIDE)
    return make_user(OUTSIDE, roles=[Role.STAFF, Role.OPERATOR], organisation=OrganisationFactory(
        region=region, name="控江路街道社区云运营办", kind=OrganisationKind.OPERATIONS_OFFICE))


def _viewer(make_user):  # type: ignore[no-untyped-def]
    from tests.fixtures import CODES

    region = Region.objects.get(code=CODES["dongming"])
    return make_user("dongming", roles=[Role.STAFF, Role.OPERATOR], organisation=OrganisationFactory(
        region=region, name="东明路街道社区云运营办", kind=OrganisationKind.OPERATIONS_OFFICE))


class TestItemScope(ScopeContract):
    basename = "content-item"
    model = ContentItem

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.item_create(actor=viewer, **ITEM)

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.item_create(actor=_outside_staff(make_user), **{**ITEM, "title": "杨浦的通知"})

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        auditor = make_user("dongming", roles=[Role.AUDITOR])  # sees the draft, may not submit it
        return auditor, "post", f"/api/v1/content/items/{inside.pk}/submit/", {}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/content/items/", {**ITEM, "audience": OUTSIDE}


class TestChainScope(ScopeContract):
    basename = "content-review-chain"
    model = ReviewChain

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.chain_save(actor=viewer, region=viewer.region,
                                   steps=[{"name": "终审", "role": "reviewer", "level": "street"}])

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        staff = _outside_staff(make_user)
        return services.chain_save(actor=staff, region=staff.region,
                                   steps=[{"name": "终审", "role": "reviewer", "level": "street"}])

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        reviewer = make_user("dongming", roles=[Role.REVIEWER])
        return reviewer, "put", f"/api/v1/content/review-chains/{inside.pk}/", {
            "steps": [{"name": "终审", "role": "reviewer", "level": "district"}]}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        outside.delete()  # the outside street has no chain: creating one there must still write nothing
        return "post", "/api/v1/content/review-chains/", {
            "region": OUTSIDE, "steps": [{"name": "终审", "role": "reviewer", "level": "street"}]}


class TestTrainingScope(ScopeContract):
    basename = "content-training"
    model = TrainingMaterial

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.material_create(actor=viewer, title="街道培训")

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.material_create(actor=_outside_staff(make_user), title="杨浦培训")

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("sanlinyuan", roles=[Role.STAFF])  # reads it, may not see the coverage
        return staff, "get", f"/api/v1/content/training/{inside.pk}/coverage/", {}


class TestFeedbackScope(ScopeContract):
    basename = "content-feedback"
    model = Feedback

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.feedback_raise(actor=viewer, kind="question", title="问题", body="内容")

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.feedback_raise(actor=_outside_staff(make_user), kind="question", title="杨浦问题", body="内容")

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # sees it, is not the handling office (the district)
        return staff, "post", f"/api/v1/content/feedback/{inside.pk}/answer/", {"comment": "答复"}


class TestItemPagesScope(ScopeContract):
    pages = {"content:item_detail": {}, "content:item_edit": {}, "content:item_diff": {}, "content:review_record": {},
             "content:review": {}, "content:item_act": {"action": "submit"}}
    list_page = "content:item_list"
    model = ContentItem

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.item_create(actor=viewer, **ITEM)

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.item_create(actor=_outside_staff(make_user), **{**ITEM, "title": "杨浦的通知"})

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        auditor = make_user("dongming", roles=[Role.AUDITOR])
        return auditor, "get", f"/content/items/{inside.pk}/edit/", {}


class TestAttachmentPageScope(ScopeContract):
    pages = {"content:attachment": {}}
    model = Attachment

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.item_create(actor=viewer, files=[image_upload()], **ITEM).files.get()

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.item_create(actor=_outside_staff(make_user), files=[image_upload()], **ITEM).files.get()


class TestChainPageScope(TestChainScope):
    basename = ""
    pages = {"content:chain_detail": {}}
    list_page = "content:chain_list"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        reviewer = make_user("dongming", roles=[Role.REVIEWER])
        return reviewer, "post", f"/content/chains/{inside.pk}/", {"step1_name": "终审", "step1_role": "reviewer",
                                                                   "step1_level": "street"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return None


class TestTrainingPagesScope(TestTrainingScope):
    basename = ""
    pages = {"content:training_detail": {}, "content:training_read": {}, "content:training_remind": {}}
    list_page = "content:training_list"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("sanlinyuan", roles=[Role.STAFF])
        return staff, "post", f"/content/training/{inside.pk}/remind/", {}


class TestTrainingFileScope(ScopeContract):
    pages = {"content:training_file": {}}
    model = TrainingFile

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return _viewer(make_user)

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.material_create(actor=viewer, title="街道培训", files=[image_upload()]).files.get()

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.material_create(actor=_outside_staff(make_user), title="杨浦", files=[image_upload()]).files.get()


class TestFeedbackPagesScope(TestFeedbackScope):
    basename = ""
    pages = {"content:feedback_detail": {}, "content:feedback_act": {"action": "answer"}}
    list_page = "content:feedback_list"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return None


def test_public_pages_are_not_scoped_by_sign_in_but_only_show_published_items():
    """The residents' pages are public by design (DESIGN §4); they are tested in test_public.py."""
    assert timezone.now()
