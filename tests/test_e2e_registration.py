"""Sell and deliver a serial over RPC, then read its registration and ask for its coverage."""
import datetime
import uuid
import xmlrpc.client

import pytest


def test_sell_deliver_register_and_check_coverage(odoo):
    serial = f"VIN-E2E-{uuid.uuid4().hex[:8].upper()}"
    product_id = odoo.call("product.product", "create", {
        "name": f"E2E Loader {serial}", "type": "consu", "is_storable": True, "tracking": "serial",
        "list_price": 25000, "warranty_months": 24, "warranty_mileage_km": 5000,
    })
    lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": product_id})
    warehouse = odoo.call("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)[0]
    quant_id = odoo.call_json("stock.quant", "create", {
        "product_id": product_id, "lot_id": lot_id, "location_id": warehouse["lot_stock_id"][0],
        "inventory_quantity": 1,
    }, context={"inventory_mode": True})
    odoo.call_json("stock.quant", "action_apply_inventory", [quant_id])

    customer_id = odoo.call("res.partner", "create", {"name": f"E2E Customer {serial}"})
    order_id = odoo.call("sale.order", "create", {
        "partner_id": customer_id,
        "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
    })
    odoo.call("sale.order", "action_confirm", [order_id])
    picking_ids = odoo.call("sale.order", "read", [order_id], ["picking_ids"])[0]["picking_ids"]
    assert len(picking_ids) == 1
    odoo.call("stock.picking", "action_assign", picking_ids)
    move_ids = odoo.call("stock.move", "search", [("picking_id", "in", picking_ids)])
    odoo.call("stock.move", "write", move_ids, {"picked": True})
    assert odoo.call("stock.picking", "button_validate", picking_ids) is True

    registrations = odoo.call(
        "warranty.registration", "search_read", [("lot_id", "=", lot_id)],
        ["name", "state", "partner_id", "sale_order_id", "picking_id", "date_start", "date_end", "mileage_limit_km"],
    )
    assert len(registrations) == 1
    registration = registrations[0]
    assert registration["name"].startswith("WR/")
    assert registration["state"] == "active"
    assert registration["partner_id"][0] == customer_id
    assert registration["sale_order_id"][0] == order_id
    assert registration["picking_id"][0] == picking_ids[0]
    assert registration["mileage_limit_km"] == 5000
    start = datetime.date.fromisoformat(registration["date_start"])
    assert datetime.date.fromisoformat(registration["date_end"]) > start

    # Looked up by serial, as the workshop does
    assert odoo.call("stock.lot", "read", [lot_id], ["warranty_state"])[0]["warranty_state"] == "active"

    covered = odoo.call("warranty.registration", "check_coverage", [registration["id"]],
                        date=registration["date_start"], mileage_km=1200)
    assert covered["coverage"] == "manufacturer"
    assert "Manufacturer's warranty until" in covered["reason"]

    over = odoo.call("warranty.registration", "check_coverage", [registration["id"]],
                     date=registration["date_start"], mileage_km=6000)
    assert over["coverage"] == "none"
    assert "over the warranty limit of 5000 km" in over["reason"]

    late = odoo.call("warranty.registration", "check_coverage", [registration["id"]], date="2099-01-01")
    assert late["coverage"] == "none"
    assert "The warranty expired on" in late["reason"]

    # The customer's certificate, rendered to PDF by wkhtmltopdf on the running server
    content_type, body = odoo.web_get(f"/report/pdf/warranty_service.report_warranty_certificate/{registration['id']}")
    assert content_type == "application/pdf"
    assert body.startswith(b"%PDF")


def test_bad_input_is_refused_with_a_message(odoo):
    """A second registration of a serial is refused over RPC with the user's message, not a traceback."""
    serial = f"VIN-E2E-{uuid.uuid4().hex[:8].upper()}"
    product_id = odoo.call("product.product", "create", {
        "name": f"E2E Mower {serial}", "type": "consu", "is_storable": True, "tracking": "serial",
        "warranty_months": 12,
    })
    lot_id = odoo.call("stock.lot", "create", {"name": serial, "product_id": product_id})
    odoo.call("warranty.registration", "create", {"lot_id": lot_id})
    with pytest.raises(xmlrpc.client.Fault) as error:
        odoo.call("warranty.registration", "create", {"lot_id": lot_id})
    assert f"Serial number {serial} already has the warranty registration" in error.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as error:
        odoo.call("product.template", "write",
                  [odoo.call("product.product", "read", [product_id], ["product_tmpl_id"])[0]["product_tmpl_id"][0]],
                  {"warranty_months": -3})
    assert "cannot be negative" in error.value.faultString
