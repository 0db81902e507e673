"""The coverage engine's check-then-write paths raced over XML-RPC (issue 24): parallel calls, each in its own
server thread and database transaction, lined up by a barrier. Exactly one wins; the other is refused in words
(after Odoo's own retry of the serialization failure the lock causes) and leaves nothing behind.
"""
import datetime
import uuid

import pytest
from conftest import race


def _user(odoo, tag, role, groups):
    """A user of the given groups (full xml ids) only, and an RPC client logged in as that user."""
    login = f"e2e-covrace-{role}-{tag}".lower()
    password = uuid.uuid4().hex
    group_ids = [
        odoo.call("ir.model.data", "check_object_reference", *group.split("."))[1] for group in groups
    ]
    odoo.call("res.users", "create", {
        "name": f"E2E {role} {tag}", "login": login, "password": password, "email": f"{login}@example.com",
        "groups_id": [(6, 0, group_ids)],
    })
    return type(odoo)(odoo.url, odoo.db, login, password)


def _one_winner(results):
    winners = [i for i, (outcome, _value) in enumerate(results) if outcome == "ok"]
    assert len(winners) == 1, f"exactly one call must win: {results}"
    return winners[0], [message for outcome, message in results if outcome == "refused"]


@pytest.fixture
def programme_unit(odoo):
    """A van registered 30 days ago to a customer, with a 60-month powertrain component of its maker."""
    tag = uuid.uuid4().hex[:6].upper()
    maker_id = odoo.call("res.partner", "create", {"name": f"E2E Motors {tag}", "is_company": True})
    customer_id = odoo.call("res.partner", "create", {"name": f"E2E Owner {tag}"})
    van = odoo.call("product.product", "create", {
        "name": f"E2E van {tag}", "type": "consu", "is_storable": True, "tracking": "serial",
        "warranty_months": 24, "warranty_manufacturer_id": maker_id,
    })
    component_id = odoo.call("warranty.coverage.component", "create", {
        "name": "Powertrain", "code": f"PT-{tag}", "kind": "powertrain", "manufacturer_id": maker_id,
        "months": 60, "limit_km": 150000,
    })
    serial = f"E2E-VIN-{tag}"
    lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": van})
    start = datetime.date.today() - datetime.timedelta(days=30)
    registration_id = odoo.call("warranty.registration", "create", {
        "lot_id": lot_id, "partner_id": customer_id, "date_start": start.isoformat(),
    })
    return {"tag": tag, "serial": serial, "lot_id": lot_id, "customer_id": customer_id, "van": van,
            "component_id": component_id, "registration_id": registration_id}


@pytest.mark.parametrize("kind", ["component", "basic"])
def test_parallel_orders_extend_a_unit_once(odoo, programme_unit, kind):
    unit, tag = programme_unit, programme_unit["tag"]
    values = {
        "name": f"E2E {kind} +24 months {tag}", "type": "service", "list_price": 600,
        "is_extended_warranty": True, "warranty_extension_months": 24,
    }
    if kind == "component":
        values["warranty_extension_component_ids"] = [(6, 0, [unit["component_id"]])]
    extension = odoo.call("product.product", "create", values)
    salesmen = [
        _user(odoo, tag, f"sales{kind}{i}", ["stock.group_stock_user", "sales_team.group_sale_salesman_all_leads"])
        for i in range(2)
    ]
    order_ids = [
        salesman.call("sale.order", "create", {
            "partner_id": unit["customer_id"],
            "order_line": [(0, 0, {"product_id": extension, "product_uom_qty": 1, "warranty_lot_id": unit["lot_id"]})],
        })
        for salesman in salesmen
    ]
    names = {row["id"]: row["name"] for row in odoo.call("sale.order", "read", order_ids, ["name"])}

    results = race([
        lambda salesman=salesman, order_id=order_id: salesman.call("sale.order", "action_confirm", [order_id])
        for salesman, order_id in zip(salesmen, order_ids, strict=True)
    ])

    winner, (refusal,) = _one_winner(results)
    loser = 1 - winner
    if kind == "component":
        expected = (f"Order {names[order_ids[loser]]}: unit {unit['serial']} is already extended by "
                    f"E2E component +24 months {tag} ({names[order_ids[winner]]}): it cannot be extended twice "
                    "for the same period.")
    else:
        expected = (f"Order {names[order_ids[loser]]}: unit {unit['serial']} already has the extended warranty "
                    f"E2E basic +24 months {tag}: it cannot be extended twice for the same period.")
    assert expected in refusal, refusal
    assert "Traceback" not in refusal
    extensions = odoo.call("warranty.registration.extension", "search_read",
                           [("registration_id", "=", unit["registration_id"])], ["order_id", "state"])
    assert [(row["order_id"][0], row["state"]) for row in extensions] == [(order_ids[winner], "active")], \
        "the unit is extended once, by the winner's order"
    states = {row["id"]: row["state"] for row in odoo.call("sale.order", "read", order_ids, ["state"])}
    assert (states[order_ids[winner]], states[order_ids[loser]]) == ("sale", "draft"), "the loser confirmed nothing"
    if kind == "component":
        line = odoo.call("warranty.registration.component", "search_read",
                         [("registration_id", "=", unit["registration_id"])], ["months"])
        assert [row["months"] for row in line] == [84], "the powertrain gained 24 months once"
    else:
        registration = odoo.call("warranty.registration", "read", [unit["registration_id"]],
                                 ["extension_product_id"])[0]
        assert registration["extension_product_id"][0] == extension


def test_parallel_readings_do_not_go_backwards(odoo, programme_unit):
    unit, tag = programme_unit, programme_unit["tag"]
    masters = [_user(odoo, tag, f"workshop{i}", ["warranty_service.group_warranty_workshop"]) for i in range(2)]
    today = datetime.date.today()
    earlier, later = today - datetime.timedelta(days=6), today - datetime.timedelta(days=2)
    # Each alone goes up; together the later one, lower, goes backwards
    readings = [{"date": earlier.isoformat(), "value": 12000}, {"date": later.isoformat(), "value": 9000}]

    results = race([
        lambda master=master, values=values: master.call(
            "warranty.usage.reading", "create", {"lot_id": unit["lot_id"], **values},
        )
        for master, values in zip(masters, readings, strict=True)
    ])

    winner, (refusal,) = _one_winner(results)
    assert f"The meter of {unit['serial']} cannot read " in refusal, refusal
    if winner == 0:
        assert "cannot read 9000.0 km on" in refusal and "12000.0 km was already recorded on" in refusal, refusal
    else:
        assert "cannot read 12000.0 km on" in refusal and "9000.0 km was recorded later, on" in refusal, refusal
    assert "Tick Meter Replaced" in refusal or "tick Meter Replaced" in refusal, refusal
    stored = odoo.call("warranty.usage.reading", "search_read", [("lot_id", "=", unit["lot_id"])], ["value"])
    assert [row["value"] for row in stored] == [readings[winner]["value"]], "the unit has the winner's reading only"
