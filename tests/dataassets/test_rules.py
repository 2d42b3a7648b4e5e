"""The legal-basis rule (003 Art. 27) and the personal-information / commercial-secret → 非开放 rule (003 Art. 30):
written once (dataassets/rules.py, called from Resource.clean) and refused with the field named on both channels —
the API and the browser form — with nothing saved."""

from __future__ import annotations

import pytest

from dataassets import rules
from dataassets.models import Resource

from .factories import RESOURCE

BAD = [
    ({"sharing_type": "not_shared", "sharing_reason": "", "legal_basis": ""}, {"sharing_reason", "legal_basis"}),
    ({"sharing_type": "not_shared", "legal_basis": ""}, {"legal_basis"}),
    ({"sharing_type": "authorised", "sharing_reason": ""}, {"sharing_reason"}),
    ({"contains_personal_info": True, "open_type": "conditional"}, {"open_type"}),
    ({"contains_personal_info": False, "contains_commercial_secret": True, "open_type": "unconditional"}, {"open_type"}),
]


def test_the_rules_themselves():
    assert rules.sharing_errors("unconditional", "", "") == {}
    assert set(rules.sharing_errors("authorised", "", "")) == {"sharing_reason", "legal_basis"}
    assert set(rules.sharing_errors("not_shared", "理由", " ")) == {"legal_basis"}
    assert rules.sharing_errors("not_shared", "理由", "依据") == {}
    assert rules.open_type_errors("conditional", True, False) == {"open_type": [rules.open_type_errors("x", True, True)["open_type"][0]]}
    assert rules.open_type_errors("non_open", True, True) == {}
    assert rules.open_type_errors("unconditional", False, False) == {}
    assert set(rules.item_errors("string", None, True, "")) == {"length", "masking_rule"}
    assert rules.item_errors("date", None, False, "") == {}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "fields"), BAD)
def test_api_refuses_naming_the_field(api_client, da, change, fields):
    api_client.force_authenticate(da["steward"])
    response = api_client.post("/api/v1/dataassets/resources/", {**RESOURCE, **change}, format="json")
    assert response.status_code == 400, response.content
    assert fields <= set(response.json())
    assert not Resource.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "fields"), BAD)
def test_browser_form_refuses_naming_the_field(client, da, change, fields):
    client.force_login(da["steward"])
    data = {**RESOURCE, "catalogue": "district", **change}
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post("/dataassets/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert fields <= set(form.errors)
    assert 'id="form-errors"' in response.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_the_same_rule_on_a_draft_edit_through_the_api(api_client, make_resource, da):
    resource = make_resource()
    api_client.force_authenticate(da["steward"])
    response = api_client.patch(f"/api/v1/dataassets/resources/{resource.pk}/", {"legal_basis": ""}, format="json")
    assert response.status_code == 400
    assert "legal_basis" in response.json()
    resource.refresh_from_db()
    assert resource.legal_basis == RESOURCE["legal_basis"]


@pytest.mark.django_db
def test_a_valid_entry_is_saved_on_both_channels(api_client, client, da):
    api_client.force_authenticate(da["steward"])
    assert api_client.post("/api/v1/dataassets/resources/", RESOURCE, format="json").status_code == 201
    client.force_login(da["steward"])
    data = {**RESOURCE, "code": "DM-2", "catalogue": "district"}
    response = client.post("/dataassets/new/", data)
    assert response.status_code == 302
    assert Resource.objects.count() == 2


@pytest.mark.django_db
def test_item_rules_on_both_channels(api_client, client, make_resource, da):
    resource = make_resource(items=[])
    api_client.force_authenticate(da["steward"])
    bad = {"table_name": "t", "field_name": "phone", "label": "手机号", "data_type": "string", "personal_info": True}
    response = api_client.post(f"/api/v1/dataassets/resources/{resource.pk}/items/", bad, format="json")
    assert response.status_code == 400
    assert {"length", "masking_rule"} <= set(response.json())
    client.force_login(da["steward"])
    response = client.post(f"/dataassets/{resource.pk}/items/", {"form": "item", **{f"item-{k}": v for k, v in bad.items()}})
    assert {"length", "masking_rule"} <= set(response.context["item_form"].errors)
    assert not resource.items.exists()
