"""Issue 27, items 1 and 2, over XML-RPC: the workshop and the manager script the jobs with their own passwords.

An approved goodwill split is compared per job when several jobs are written at once (the workshop is refused,
the manager's change withdraws the approval), and no job moves to another repair. The owner, scripting with
their portal password, reads their repair but not its internal notes (item 10).
"""
import uuid
import xmlrpc.client

import pytest


def _group_id(odoo, module, name):
    return odoo.call("ir.model.data", "check_object_reference", module, name)[1]


def _user(odoo, login, groups, partner_id=None):
    password = uuid.uuid4().hex
    values = {"name": login, "login": login, "password": password, "groups_id": [(6, 0, groups)]}
    if partner_id:
        values["partner_id"] = partner_id
    odoo.call("res.users", "create", values)
    return type(odoo)(odoo.url, odoo.db, login, password)


@pytest.fixture(scope="module")
def setup(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    customer = odoo.call("res.partner", "create", {"name": f"E2E Owner {tag}"})
    van = odoo.call("product.product", "create", {
        "name": f"E2E Van {tag}", "type": "consu", "is_storable": True, "tracking": "serial",
    })
    lots = odoo.call("stock.lot", "create", [
        {"name": f"E2E-JI-{tag}-{n}", "product_id": van} for n in (1, 2)
    ])
    repair, other = odoo.call("repair.order", "create", [
        {"product_id": van, "lot_id": lot, "partner_id": customer, "internal_notes": "<p>Haggles: no goodwill</p>"}
        for lot in lots
    ])
    workshop = _user(odoo, f"e2e-ji-ws-{tag}".lower(),
                     [_group_id(odoo, "warranty_service", "group_warranty_workshop")])
    manager = _user(odoo, f"e2e-ji-mgr-{tag}".lower(), [_group_id(odoo, "warranty_service", "group_warranty_manager")])
    owner = _user(odoo, f"e2e-ji-owner-{tag}".lower(), [_group_id(odoo, "base", "group_portal")], customer)
    jobs = workshop.call("warranty.repair.job", "create", [
        {"repair_id": repair, "complaint": complaint, "pay_type": "goodwill",
         "goodwill_manufacturer_percent": split[0], "goodwill_dealer_percent": split[1],
         "goodwill_customer_percent": split[2], "goodwill_authorization": f"GW-{tag}-{complaint}"}
        for complaint, split in (("Scratch", (50, 30, 20)), ("Dent", (60, 40, 0)))
    ])
    assert manager.call("warranty.repair.job", "action_approve_goodwill", jobs) is True
    return {"repair": repair, "other": other, "jobs": jobs, "workshop": workshop, "manager": manager,
            "owner": owner}


SPLIT = {"goodwill_manufacturer_percent": 50, "goodwill_dealer_percent": 30, "goodwill_customer_percent": 20}
FIELDS = ["goodwill_manufacturer_percent", "goodwill_dealer_percent", "goodwill_customer_percent",
          "goodwill_approved_by_id", "repair_id"]


def test_approved_split_compared_per_job(setup):
    workshop, manager, jobs = setup["workshop"], setup["manager"], setup["jobs"]
    with pytest.raises(xmlrpc.client.Fault, match=r"The goodwill of job .* / Dent is approved: its pay type and "
                                                  r"split can no longer change"):
        workshop.call("warranty.repair.job", "write", jobs, SPLIT)
    scratch, dent = workshop.call("warranty.repair.job", "read", jobs, FIELDS)
    assert (dent["goodwill_manufacturer_percent"], dent["goodwill_customer_percent"]) == (60, 0)
    assert dent["goodwill_approved_by_id"][0] == manager.uid
    # The manager's new split is written, and approved again with the button
    assert manager.call("warranty.repair.job", "write", jobs, SPLIT) is True
    scratch, dent = manager.call("warranty.repair.job", "read", jobs, FIELDS)
    assert (dent["goodwill_manufacturer_percent"], dent["goodwill_customer_percent"]) == (50, 20)
    assert dent["goodwill_approved_by_id"] is False
    assert scratch["goodwill_approved_by_id"][0] == manager.uid, "its split did not change"
    assert manager.call("warranty.repair.job", "action_approve_goodwill", [dent["id"]]) is True


def test_job_stays_on_its_repair(setup):
    for user in (setup["workshop"], setup["manager"]):
        with pytest.raises(xmlrpc.client.Fault, match="a job cannot be moved to another repair"):
            user.call("warranty.repair.job", "write", setup["jobs"][:1], {"repair_id": setup["other"]})
    job = setup["manager"].call("warranty.repair.job", "read", setup["jobs"][:1], ["repair_id"])[0]
    assert job["repair_id"][0] == setup["repair"]


def test_owner_reads_the_portal_fields_only(setup):
    owner = setup["owner"]
    repair = owner.call("repair.order", "read", [setup["repair"]], ["name", "state", "lot_id"])[0]
    assert repair["state"] == "draft"
    with pytest.raises(xmlrpc.client.Fault, match="Internal Notes of Repair Order are the dealer's internal"):
        owner.call("repair.order", "read", [setup["repair"]], ["internal_notes"])
    with pytest.raises(xmlrpc.client.Fault, match="internal information"):
        owner.call("repair.order", "search", [("internal_notes", "ilike", "Haggles")])
    assert "internal_notes" not in owner.call("repair.order", "read", [setup["repair"]])[0]
