import pytest

from dataassets import services
from dataassets.models import ResourceStatus


@pytest.mark.django_db
def test_walk(make_resource, da, client):
    r = make_resource(ResourceStatus.PUBLISHED)
    m = make_resource(ResourceStatus.MERGED)
    d = make_resource()
    o = services.objection_file(actor=da["other"], resource=r, kind="error", description="错")
    services.objection_mark(actor=da["office"], objection=o)
    services.quality_check()
    for user in (da["steward"], da["office"], da["other"]):
        client.force_login(user)
        for url in ["/dataassets/", f"/dataassets/{r.pk}/", f"/dataassets/{m.pk}/", f"/dataassets/{m.revision_of_id}/",
                    "/dataassets/review/", "/dataassets/objections/", f"/dataassets/objections/{o.pk}/",
                    "/dataassets/sharing/", "/dataassets/quality/", "/dataassets/new/", f"/dataassets/{d.pk}/items/",
                    "/dataassets/?export=xlsx", "/dataassets/?export=jsonld", "/dataassets/?q=姓名"]:
            resp = client.get(url)
            assert resp.status_code in (200, 403, 404), (url, resp.status_code)
