"""Check-then-create paths raced over XML-RPC: parallel calls, each in its own server thread and
database transaction, lined up by a barrier. Each path must have exactly one winner; the others
are refused in words (after Odoo's own retry of a serialization failure) and leave nothing behind.
"""
import uuid

import pytest
from conftest import race

RACERS = 3


def _group_id(odoo, name):
    return odoo.call("ir.model.data", "check_object_reference", "warranty_service", name)[1]


def _user(odoo, tag, role, *groups):
    """A user of the given warranty groups only, and an RPC client logged in as that user."""
    login = f"e2e-race-{role}-{tag}".lower()
    password = uuid.uuid4().hex
    odoo.call("res.users", "create", {
        "name": f"E2E {role} {tag}", "login": login, "password": password, "email": f"{login}@example.com",
        "groups_id": [(6, 0, [_group_id(odoo, group) for group in groups])],
    })
    return type(odoo)(odoo.url, odoo.db, login, password)


def _one_winner(results):
    winners = [i for i, (outcome, _value) in enumerate(results) if outcome == "ok"]
    assert len(winners) == 1, f"exactly one call must win: {results}"
    return winners[0], [message for outcome, message in results if outcome == "refused"]


def _stock(odoo, product_id, location_id, quantity, lot_id=False):
    quant_id = odoo.call_json("stock.quant", "create", {
        "product_id": product_id, "location_id": location_id, "inventory_quantity": quantity, "lot_id": lot_id,
    }, context={"inventory_mode": True})
    odoo.call_json("stock.quant", "action_apply_inventory", [quant_id])


@pytest.fixture(scope="module")
def warehouse(odoo):
    company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    return odoo.call("stock.warehouse", "search_read", [("company_id", "=", company_id)], ["lot_stock_id"], limit=1)[0]


def test_parallel_approvals_make_one_transfer_and_one_rfq(odoo, warehouse):
    tag = uuid.uuid4().hex[:6].upper()
    requester = _user(odoo, tag, "workshop", "group_warranty_workshop")
    clerks = [_user(odoo, tag, f"parts{i}", "group_warranty_parts") for i in range(RACERS)]
    vendor_id = odoo.call("res.partner", "create", {"name": f"E2E Parts Wholesale {tag}", "is_company": True})
    in_stock = odoo.call("product.product", "create", {
        "name": f"E2E filter {tag}", "type": "consu", "is_storable": True, "standard_price": 5,
    })
    to_buy = odoo.call("product.product", "create", {
        "name": f"E2E gasket {tag}", "type": "consu", "is_storable": True, "standard_price": 5,
        "seller_ids": [(0, 0, {"partner_id": vendor_id, "price": 4})],
    })
    _stock(odoo, in_stock, warehouse["lot_stock_id"][0], 10)
    requisition_id = requester.call(
        "warranty.part.requisition",
        "create",
        {
            "note": f"E2E race {tag}",
            "line_ids": [
                (0, 0, {"product_id": in_stock, "product_qty": 2}),
                (0, 0, {"product_id": to_buy, "product_qty": 3}),
            ],
        },
    )
    assert requester.call("warranty.part.requisition", "action_submit", [requisition_id]) is True

    results = race([
        lambda clerk=clerk: clerk.call("warranty.part.requisition", "action_approve", [requisition_id])
        for clerk in clerks
    ])

    winner, refusals = _one_winner(results)
    assert results[winner][1] is True
    assert len(refusals) == RACERS - 1
    for message in refusals:
        assert "is Approved: only a submitted requisition can be approved" in message, message
    requisition = odoo.call("warranty.part.requisition", "read", [requisition_id],
                            ["state", "picking_ids", "purchase_ids", "approved_by_id"])[0]
    assert requisition["state"] == "approved"
    assert requisition["approved_by_id"][0] == clerks[winner].uid
    assert len(requisition["picking_ids"]) == 1, "one issue transfer"
    assert len(requisition["purchase_ids"]) == 1, "one RFQ"
    moves = odoo.call("stock.move", "search_count", [("picking_id", "in", requisition["picking_ids"])])
    assert moves == 2
    rfq_lines = odoo.call("purchase.order.line", "search_read", [("product_id", "=", to_buy)], ["product_qty"])
    assert [line["product_qty"] for line in rfq_lines] == [3.0], "the missing gaskets are bought once"


def test_parallel_lending_of_one_loaner(odoo, warehouse):
    tag = uuid.uuid4().hex[:6].upper()
    masters = [_user(odoo, tag, f"workshop{i}", "group_warranty_workshop") for i in range(2)]
    customer_id = odoo.call("res.partner", "create", {"name": f"E2E Customer {tag}"})
    saw = odoo.call("product.product", "create", {
        "name": f"E2E saw {tag}", "type": "consu", "is_storable": True, "tracking": "serial",
    })
    loaner_id, *unit_ids = (
        odoo.call("stock.lot", "create", {"name": f"E2E-{kind}-{tag}", "product_id": saw})
        for kind in ("LOANER", "UNIT1", "UNIT2")
    )
    _stock(odoo, saw, warehouse["lot_stock_id"][0], 1, lot_id=loaner_id)
    assert odoo.call("stock.lot", "action_add_to_loaner_fleet", [loaner_id]) is True
    repair_ids = [
        master.call("repair.order", "create", {
            "product_id": saw, "lot_id": unit_id, "partner_id": customer_id, "loaner_lot_id": loaner_id,
        })
        for master, unit_id in zip(masters, unit_ids, strict=True)
    ]

    results = race([
        lambda master=master, repair_id=repair_id: master.call("repair.order", "action_lend_loaner", [repair_id])
        for master, repair_id in zip(masters, repair_ids, strict=True)
    ])

    winner, (refusal,) = _one_winner(results)
    loser = 1 - winner
    assert f"Loaner E2E-LOANER-{tag} " in refusal
    assert "was lent on another repair a moment ago" in refusal or "is already lent on repair" in refusal, refusal
    repairs = {
        r["id"]: r for r in odoo.call("repair.order", "read", repair_ids, ["loaner_state", "service_picking_ids"])
    }
    assert repairs[repair_ids[winner]]["loaner_state"] == "lent"
    assert repairs[repair_ids[loser]]["loaner_state"] == "planned"
    assert repairs[repair_ids[loser]]["service_picking_ids"] == [], "the loser's transfer was rolled back"
    quants = odoo.call("stock.quant", "search_read", [
        ("lot_id", "=", loaner_id), ("quantity", "!=", 0), ("location_id.usage", "in", ("internal", "customer")),
    ], ["location_id", "quantity"])
    assert [(q["location_id"][1], q["quantity"]) for q in quants] == [("Partners/Customers", 1.0)], \
        "the unit is once at the customer's, and nowhere below zero"


def test_parallel_campaign_work_on_one_unit(odoo, warehouse):
    tag = uuid.uuid4().hex[:6].upper()
    masters = [_user(odoo, tag, f"workshop{i}", "group_warranty_workshop") for i in range(2)]
    maker_id = odoo.call("res.partner", "create", {"name": f"E2E Motors {tag}", "is_company": True})
    customer_id = odoo.call("res.partner", "create", {"name": f"E2E Owner {tag}"})
    van = odoo.call("product.product", "create", {
        "name": f"E2E van {tag}", "type": "consu", "is_storable": True, "tracking": "serial",
    })
    labour = odoo.call("product.product", "create", {"name": f"E2E labour {tag}", "type": "service"})
    hose = odoo.call("product.product", "create", {"name": f"E2E hose {tag}", "type": "consu"})
    operation = odoo.call("warranty.labor.operation", "create", {
        "code": f"E2E-{tag}", "name": "Replace brake hose", "standard_hours": 1.0,
        "manufacturer_id": maker_id, "product_id": labour,
    })
    serial = f"E2E-VIN-{tag}"
    lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": van})
    code = f"RC-{tag}"
    recall_id = odoo.call("warranty.recall", "create", {
        "name": f"E2E brake hose {tag}", "campaign_code": code, "manufacturer_id": maker_id,
        "operation_id": operation, "part_ids": [(0, 0, {"product_id": hose, "quantity": 2})],
        "line_ids": [(0, 0, {"lot_id": lot_id, "partner_id": customer_id})],
    })
    odoo.call_json("warranty.recall", "action_open", [recall_id])  # JSON-RPC: it may answer None
    repair_ids = [
        master.call("repair.order", "create", {"product_id": van, "lot_id": lot_id, "partner_id": customer_id})
        for master in masters
    ]

    results = race([
        lambda master=master, repair_id=repair_id: master.call("repair.order", "action_add_campaign_work", [repair_id])
        for master, repair_id in zip(masters, repair_ids, strict=True)
    ])

    winner, (refusal,) = _one_winner(results)
    loser = 1 - winner
    winner_name = odoo.call("repair.order", "read", [repair_ids[winner]], ["name"])[0]["name"]
    assert f"The work of campaign {code} on unit {serial} is already on repair {winner_name}" in refusal, refusal
    line = odoo.call("warranty.recall.line", "search_read", [("recall_id", "=", recall_id)], ["repair_id"])
    assert [row["repair_id"][0] for row in line] == [repair_ids[winner]]
    repairs = {r["id"]: r for r in odoo.call("repair.order", "read", repair_ids, ["labor_line_ids", "move_ids"])}
    assert len(repairs[repair_ids[winner]]["labor_line_ids"]) == 1
    assert len(repairs[repair_ids[winner]]["move_ids"]) == 1
    assert repairs[repair_ids[loser]]["labor_line_ids"] == [] and repairs[repair_ids[loser]]["move_ids"] == [], \
        "the loser added nothing"
