"""Claims over XML-RPC, as real users: parallel "Create Warranty Claim" clicks, and what a workshop user may not do."""
import datetime
import uuid
import xmlrpc.client

import pytest
from conftest import OdooClient, race

PARALLEL_CALLS = 10


def _xmlid(odoo, xmlid):
    module, name = xmlid.split(".")
    return odoo.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])[0][
        "res_id"
    ]


def _user(odoo, group_xmlid, tag):
    """A user of one warranty group only, and a client logged in as that user."""
    login = f"e2e-{tag.lower()}-{uuid.uuid4().hex[:6]}"
    odoo.call(
        "res.users",
        "create",
        {
            "name": f"E2E {tag}",
            "login": login,
            "password": login,
            "groups_id": [(6, 0, [_xmlid(odoo, "base.group_user"), _xmlid(odoo, group_xmlid)])],
        },
    )
    return OdooClient(odoo.url, odoo.db, login, login)


def _manufacturer(odoo, tag):
    return odoo.call(
        "res.partner",
        "create",
        {
            "name": f"E2E Race Motors {tag}",
            "is_company": True,
            "warranty_claim_prefix": f"RACE-{tag}-",
            "warranty_claim_deadline_days": 30,
            "warranty_labor_rate": 60.0,
        },
    )


def _done_covered_repair(odoo, maker=None):
    """A done repair of a unit under the manufacturer's warranty, diagnosed: ready to be claimed."""
    tag = uuid.uuid4().hex[:6].upper()
    maker = maker or _manufacturer(odoo, tag)
    unit = odoo.call(
        "product.product",
        "create",
        {
            "name": f"E2E Tractor {tag}",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "warranty_months": 24,
            "warranty_manufacturer_id": maker,
        },
    )
    part = odoo.call("product.product", "create", {"name": f"E2E Pump {tag}", "type": "consu", "standard_price": 120.0})
    lot = odoo.call("stock.lot", "create", {"name": f"VIN-RACE-{tag}", "product_id": unit})
    customer = odoo.call("res.partner", "create", {"name": f"E2E Farmer {tag}"})
    start = (datetime.date.today() - datetime.timedelta(days=60)).isoformat()
    odoo.call("warranty.registration", "create", {"lot_id": lot, "partner_id": customer, "date_start": start})
    defect = odoo.call("warranty.defect.code", "create", {"code": f"RACE-{tag}", "name": "Hydraulic leak"})
    repair = odoo.call(
        "repair.order",
        "create",
        {
            "product_id": unit,
            "lot_id": lot,
            "partner_id": customer,
            "odometer_km": 1200,
            "defect_code_ids": [(6, 0, [defect])],
            "failure_cause": "Pump seal split",
            "causal_part_id": part,
            "is_factory_defect": True,
            "move_ids": [(0, 0, {"product_id": part, "product_uom_qty": 1, "repair_line_type": "add"})],
        },
    )
    assert odoo.call("repair.order", "read", [repair], ["warranty_coverage"])[0]["warranty_coverage"] == "manufacturer"
    action = odoo.call("repair.order", "action_validate", [repair])
    if isinstance(action, dict):
        # The customer's unit is not in the dealer's stock: the wizard confirms anyway
        context = action.get("context") or {}
        wizard = odoo.call(action["res_model"], "create", {}, context=context)
        odoo.call(action["res_model"], "action_done", [wizard], context=context)
    odoo.call("repair.order", "action_repair_start", [repair])
    odoo.call("repair.order", "action_repair_end", [repair])
    assert odoo.call("repair.order", "read", [repair], ["state"])[0]["state"] == "done"
    return repair


def test_parallel_claims_of_one_repair_make_one_claim(odoo):
    repair = _done_covered_repair(odoo)
    workshop = _user(odoo, "warranty_service.group_warranty_workshop", "Workshop")
    outcomes = race([
        lambda: workshop.call_alone("repair.order", "action_create_warranty_claim", [repair])
        for _index in range(PARALLEL_CALLS)
    ])

    claims = odoo.call("warranty.claim", "search_read", [("repair_id", "=", repair)], ["state"])
    assert len(claims) == 1, f"one claim per repair, got {len(claims)}"
    winners = [result for outcome, result in outcomes if outcome == "ok"]
    losers = [message for outcome, message in outcomes if outcome == "refused"]
    assert len(winners) == 1 and winners[0]["res_id"] == claims[0]["id"]
    assert len(losers) == PARALLEL_CALLS - 1, outcomes
    for message in losers:
        assert "already has a warranty claim" in message, message
        assert "Traceback" not in message, "a clean message, not a server error"


def test_first_claims_of_a_manufacturer_in_parallel_get_distinct_numbers(odoo):
    """The manufacturer's claim numbering is created by its first claim: two first claims at once share it."""
    maker = _manufacturer(odoo, uuid.uuid4().hex[:6].upper())
    repairs = [_done_covered_repair(odoo, maker=maker) for _index in range(4)]
    workshop = _user(odoo, "warranty_service.group_warranty_workshop", "Workshop")
    outcomes = race([
        lambda repair=repair: workshop.call_alone("repair.order", "action_create_warranty_claim", [repair])
        for repair in repairs
    ])
    assert all(outcome == "ok" for outcome, _result in outcomes), outcomes
    claims = odoo.call("warranty.claim", "search_read", [("repair_id", "in", repairs)], ["name"])
    names = sorted(claim["name"] for claim in claims)
    assert len(names) == len(repairs) and len(set(names)) == len(repairs), names
    sequences = odoo.call("ir.sequence", "search_count", [("code", "=", f"warranty.claim.{maker}")])
    assert sequences == 1, "one numbering per manufacturer"


def test_workshop_user_cannot_decide_or_inflate_a_claim(odoo):
    repair = _done_covered_repair(odoo)
    workshop = _user(odoo, "warranty_service.group_warranty_workshop", "Workshop")
    accountant = _user(odoo, "warranty_service.group_warranty_accountant", "Accountant")
    manager = _user(odoo, "warranty_service.group_warranty_manager", "Manager")
    claim = workshop.call("repair.order", "action_create_warranty_claim", [repair])["res_id"]
    assert workshop.call("warranty.claim", "action_submit", [claim]) is True
    line = workshop.call("warranty.claim", "read", [claim], ["line_ids"])[0]["line_ids"][0]

    refusals = [
        (lambda: workshop.call("warranty.claim", "action_accept", [claim]), "records the manufacturer's decision"),
        (
            lambda: workshop.call("warranty.claim", "action_reject", [claim], "No"),
            "records the manufacturer's decision",
        ),
        (
            lambda: workshop.call("warranty.claim", "write", [claim], {"state": "accepted"}),
            "change only through its actions",
        ),
        (
            lambda: workshop.call("warranty.claim", "write", [claim], {"amount_accepted": 6500.0}),
            "change only through its actions",
        ),
        (
            lambda: workshop.call("warranty.claim.line", "write", [line], {"amount_accepted": 1.0}),
            "records the manufacturer's decision",
        ),
        (
            lambda: workshop.call("warranty.claim.line", "write", [line], {"price_unit": 6500.0}),
            "lines cannot be added, changed or deleted",
        ),
        (
            lambda: workshop.call("warranty.claim", "write", [claim], {"line_ids": [(1, line, {"quantity": 50})]}),
            "lines cannot be added, changed or deleted",
        ),
        (
            lambda: workshop.call(
                "warranty.claim", "write", [claim], {"line_ids": [(0, 0, {"name": "Engine", "price_unit": 6000})]}
            ),
            "lines cannot be added, changed or deleted",
        ),
        (
            lambda: accountant.call("warranty.claim.line", "write", [line], {"price_unit": 6500.0}),
            "lines cannot be added, changed or deleted",
        ),
        (
            lambda: manager.call("warranty.claim", "write", [claim], {"state": "paid"}),
            "change only through its actions",
        ),
        (
            lambda: accountant.call("warranty.claim.line", "write", [line], {"amount_accepted": 0.0}),
            "enter its rejection code",
        ),
    ]
    for attempt, message in refusals:
        with pytest.raises(xmlrpc.client.Fault) as error:
            attempt()
        assert message in error.value.faultString
        assert "Traceback" not in error.value.faultString
    read = odoo.call("warranty.claim", "read", [claim], ["state", "amount_claimed", "amount_accepted"])[0]
    assert (read["state"], read["amount_claimed"], read["amount_accepted"]) == ("submitted", 120.0, 0.0)
    assert accountant.call("warranty.claim", "action_accept", [claim]) is True
    assert odoo.call("warranty.claim", "read", [claim], ["state"])[0]["state"] == "accepted"
