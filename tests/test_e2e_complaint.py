"""Issue 16 over RPC: complaints answered or turned into repairs by several people at once, and an owner
scripting XML-RPC with their portal password."""
import uuid
import xmlrpc.client

import pytest
from conftest import race

RACERS = 3


def _group_id(odoo, module, name):
    return odoo.call("ir.model.data", "check_object_reference", module, name)[1]


def _user(odoo, login, groups, partner_id=None):
    password = uuid.uuid4().hex
    values = {
        "name": login, "login": login, "password": password, "email": f"{login}@example.com",
        "groups_id": [(6, 0, groups)],
    }
    if partner_id:
        values["partner_id"] = partner_id
    odoo.call("res.users", "create", values)
    return type(odoo)(odoo.url, odoo.db, login, password)


@pytest.fixture(scope="module")
def setup(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    workshop_group = _group_id(odoo, "warranty_service", "group_warranty_workshop")
    staff = [_user(odoo, f"e2e-cmp-ws{i}-{tag}".lower(), [workshop_group]) for i in range(RACERS)]
    owner_id, other_id = (
        odoo.call("res.partner", "create", {"name": f"E2E Owner {tag}", "email": f"owner-{tag}@example.com"}),
        odoo.call("res.partner", "create", {"name": f"E2E Other {tag}", "email": f"other-{tag}@example.com"}),
    )
    van = odoo.call("product.product", "create", {
        "name": f"E2E Van {tag}", "type": "consu", "is_storable": True, "tracking": "serial", "warranty_months": 24,
    })
    registrations = []
    for partner_id, serial in ((owner_id, f"VIN-E2E-O-{tag}"), (other_id, f"VIN-E2E-X-{tag}")):
        lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": van})
        registrations.append(odoo.call("warranty.registration", "create", {"lot_id": lot_id, "partner_id": partner_id}))
    portal = _user(odoo, f"e2e-cmp-owner-{tag}".lower(), [_group_id(odoo, "base", "group_portal")], owner_id)
    return {"tag": tag, "staff": staff, "owner_id": owner_id, "other_id": other_id, "registrations": registrations,
            "portal": portal}


def _complaint(odoo, setup, **values):
    return odoo.call("warranty.complaint", "create", {
        "partner_id": setup["owner_id"], "registration_id": setup["registrations"][0],
        "description": "Oil leak under the engine", "answer": "The gasket was replaced.", **values,
    })


def test_parallel_answers_send_one_answer(odoo, setup):
    complaint_id = _complaint(odoo, setup)
    results = race([
        (lambda user=user: user.call_alone("warranty.complaint", "action_answer", [complaint_id]))
        for user in setup["staff"]
    ])
    winners = [value for outcome, value in results if outcome == "ok"]
    refusals = [value for outcome, value in results if outcome == "refused"]
    assert winners == [True], results
    assert all("was already answered or closed" in message for message in refusals), refusals
    messages = odoo.call("mail.message", "search_count", [
        ("model", "=", "warranty.complaint"), ("res_id", "=", complaint_id), ("message_type", "=", "comment"),
    ])
    assert messages == 1, "the customer gets one answer"


def test_parallel_create_repair_makes_one_repair(odoo, setup):
    complaint_id = _complaint(odoo, setup)
    results = race([
        (lambda user=user: user.call_alone("warranty.complaint", "action_create_repair", [complaint_id]))
        for user in setup["staff"]
    ])
    assert sum(outcome == "ok" for outcome, _value in results) == 1, results
    assert all("already has repair" in value for outcome, value in results if outcome == "refused"), results
    lot_id = odoo.call("warranty.registration", "read", [setup["registrations"][0]], ["lot_id"])[0]["lot_id"][0]
    assert odoo.call("repair.order", "search_count", [("lot_id", "=", lot_id)]) == 1


def test_owner_scripting_rpc_reads_own_and_writes_nothing(odoo, setup):
    portal = setup["portal"]
    own, other = setup["registrations"]
    assert portal.call("warranty.registration", "search", []) == [own]
    with pytest.raises(xmlrpc.client.Fault):
        portal.call("warranty.registration", "read", [other], ["lot_id"])
    with pytest.raises(xmlrpc.client.Fault):
        portal.call("warranty.registration", "write", [own], {"mileage_limit_km": 1})
    with pytest.raises(xmlrpc.client.Fault):
        portal.call("warranty.complaint", "create", {
            "partner_id": setup["owner_id"], "registration_id": own, "description": "scripted complaint",
        })
    other_complaint = odoo.call("warranty.complaint", "create", {
        "partner_id": setup["other_id"], "registration_id": other, "description": "not yours",
    })
    assert portal.call("warranty.complaint", "search", [("id", "=", other_complaint)]) == []
    with pytest.raises(xmlrpc.client.Fault):
        portal.call("warranty.complaint", "action_start", [other_complaint])
