"""Plain XML-RPC clients: bad coverage questions get the user's message, and every state action answers a value."""
import datetime
import uuid
import xmlrpc.client

import pytest

RPC_FAULT_CODE_WARNING = 2  # Odoo's code for a UserError / ValidationError: a message for the user, no traceback


@pytest.fixture(scope="module")
def unit(odoo):
    """A registered van with a serial number, and an examiner, created over RPC."""
    serial = f"VIN-E2E-ERR-{uuid.uuid4().hex[:8].upper()}"
    product_id = odoo.call("product.product", "create", {
        "name": f"E2E Van {serial}", "type": "consu", "is_storable": True, "tracking": "serial",
        "warranty_months": 24, "warranty_mileage_km": 100000,
    })
    lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": product_id})
    customer_id = odoo.call("res.partner", "create", {"name": f"E2E Owner {serial}"})
    start = datetime.date.today() - datetime.timedelta(days=30)
    registration_id = odoo.call("warranty.registration", "create", {
        "lot_id": lot_id, "partner_id": customer_id, "date_start": start.isoformat(),
    })
    examiner_id = odoo.call("res.partner", "create", {"name": f"E2E Lab {serial}"})
    return {"serial": serial, "product_id": product_id, "lot_id": lot_id, "customer_id": customer_id,
            "registration_id": registration_id, "examiner_id": examiner_id, "start": start}


def refused(odoo, message, model, method, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.call(model, method, *args, **kwargs)
    fault = info.value
    assert fault.faultCode == RPC_FAULT_CODE_WARNING, fault.faultString
    assert message in fault.faultString
    for leak in ("Traceback", "ValueError", "TypeError", "AttributeError"):
        assert leak not in fault.faultString


def test_bad_coverage_questions_answer_a_message(odoo, unit):
    registration = [unit["registration_id"]]
    day = unit["start"].isoformat()
    for bad_date in ("2025-02-30", "not-a-date", 12345):
        refused(odoo, "is not a valid date", "warranty.registration", "check_coverage", registration, date=bad_date)
        refused(odoo, "is not a valid date", "warranty.registration", "check_coverage_by_serial", unit["serial"],
                date=bad_date)
    refused(odoo, "is not a number of kilometres", "warranty.registration", "check_coverage", registration,
            date=day, mileage_km="abc")
    refused(odoo, "The odometer reading cannot be negative", "warranty.registration", "check_coverage",
            registration, date=day, mileage_km=-5)
    refused(odoo, "The odometer reading cannot be negative", "warranty.registration", "check_coverage_by_serial",
            "VIN-NOBODY-AT-ALL", mileage_km=-5)
    refused(odoo, "must be given as text", "warranty.registration", "check_coverage_by_serial", 12345)
    # The well-formed question still answers
    answer = odoo.call("warranty.registration", "check_coverage_by_serial", unit["serial"], date=day, mileage_km="1200")
    assert answer["coverage"] == "manufacturer"


def test_state_actions_answer_a_value_plain_clients_read(odoo, unit):
    # Independent examination on a repair of the unit
    repair_ids = [
        odoo.call("repair.order", "create", {
            "product_id": unit["product_id"], "lot_id": unit["lot_id"], "partner_id": unit["customer_id"],
            "expertise_partner_id": unit["examiner_id"],
        })
        for _ in range(2)
    ]
    for repair_id, verdict in zip(
        repair_ids, ("action_record_expertise", "action_record_expertise_overturned"), strict=True
    ):
        assert odoo.call("repair.order", "action_send_to_expertise", [repair_id]) is True
        refused(odoo, "already went to the examiner", "repair.order", "action_send_to_expertise", [repair_id])
        odoo.call("repair.order", "write", [repair_id], {"expertise_result": "Examiner's verdict"})
        assert odoo.call("repair.order", verdict, [repair_id]) is True
        refused(odoo, "has no sample out for examination", "repair.order", verdict, [repair_id])
    states = odoo.call("repair.order", "read", repair_ids, ["expertise_state"])
    assert [state["expertise_state"] for state in states] == ["confirmed", "overturned"]

    # Systematic defect alert
    [product] = odoo.call("product.product", "read", [unit["product_id"]], ["product_tmpl_id"])
    template_id = product["product_tmpl_id"][0]
    defect_id = odoo.call("warranty.defect.code", "create", {"code": f"E2E-{unit['serial'][-8:]}", "name": "Leak"})
    alert_id = odoo.call("warranty.quality.alert", "create", {
        "product_tmpl_id": template_id, "defect_code_id": defect_id, "date_from": unit["start"].isoformat(),
        "date_to": unit["start"].isoformat(), "case_count": 3, "units_sold": 10, "failure_rate": 30.0,
    })
    assert odoo.call("warranty.quality.alert", "action_mark_proposed", [alert_id]) is True
    assert odoo.call("warranty.quality.alert", "action_close", [alert_id]) is True
    refused(odoo, "is already closed", "warranty.quality.alert", "action_close", [alert_id])

    # Recall campaign with the unit
    manufacturer_id = odoo.call("res.partner", "create", {"name": f"E2E Maker {unit['serial']}", "is_company": True})
    recall_id = odoo.call("warranty.recall", "create", {
        "name": "E2E campaign", "campaign_code": f"RC-{unit['serial']}", "manufacturer_id": manufacturer_id,
        "line_ids": [(0, 0, {"lot_id": unit["lot_id"]})],
    })
    assert odoo.call("warranty.recall", "action_open", [recall_id]) is True
    refused(odoo, "it was already started", "warranty.recall", "action_open", [recall_id])
    line_ids = odoo.call("warranty.recall.line", "search", [("recall_id", "=", recall_id)])
    assert odoo.call("warranty.recall.line", "action_not_applicable", line_ids) is True
    assert odoo.call("warranty.recall", "action_close", [recall_id]) is True
    refused(odoo, "is already closed", "warranty.recall", "action_close", [recall_id])

    # Voiding the registration, last: the unit's other checks above needed it
    assert odoo.call("warranty.registration", "action_void", [unit["registration_id"]]) is True
    refused(odoo, "is already void", "warranty.registration", "action_void", [unit["registration_id"]])
