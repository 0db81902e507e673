"""Returned defective parts over XML-RPC: set aside outside the valued stock, shipped once, by one caller."""
import uuid
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor

from conftest import OdooClient


def _submitted_claim(odoo, tag):
    maker = odoo.call("res.partner", "create", {"name": f"E2E Parts Motors {tag}", "is_company": True,
                                                "warranty_claim_prefix": f"E2E-RP-{tag}-"})
    defect = odoo.call("warranty.defect.code", "create", {"code": f"E2E-RP-{tag}", "name": "Cracked housing"})
    part = odoo.call("product.product", "create", {
        "name": f"E2E pump {tag}", "type": "consu", "is_storable": True, "standard_price": 120.0,
    })
    claim = odoo.call("warranty.claim", "create", {
        "manufacturer_id": maker, "defect_code_ids": [(4, defect)], "causal_part_id": part,
        "line_ids": [(0, 0, {"line_type": "part", "product_id": part, "name": "Water pump", "quantity": 1,
                             "price_unit": 150.0, "return_required": True})],
    })
    odoo.call("warranty.claim", "action_submit", [claim])
    return claim, part


def test_parts_set_aside_outside_stock_and_shipped_once_in_parallel(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    claim, part = _submitted_claim(odoo, tag)
    stock = odoo.call("product.product", "read", [part], ["qty_available", "free_qty"])[0]
    assert (stock["qty_available"], stock["free_qty"]) == (0.0, 0.0), "a kept defective part is not On Hand"
    assert not odoo.call("stock.valuation.layer", "search", [("product_id", "=", part)]), "nor valued"
    line = odoo.call("warranty.claim.line", "search_read", [("claim_id", "=", claim), ("return_required", "=", True)],
                     ["return_state", "returned_package_id"])[0]
    assert line["return_state"] == "kept"
    assert line["returned_package_id"], "the part waits in its own package"

    # Ten clerks click "Ship Parts to Manufacturer" at once: one shipment, the others are told why not
    def ship(_i):
        client = OdooClient(odoo.url, odoo.db, odoo.login, odoo.password)
        try:
            return client.call("warranty.claim", "action_ship_returned_parts", [claim])
        except xmlrpc.client.Fault as fault:
            return fault.faultString

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(ship, range(10)))
    assert results.count(True) == 1, results
    assert all("has no part kept in the warranty returns" in r for r in results if r is not True), results
    name = odoo.call("warranty.claim", "read", [claim], ["name"])[0]["name"]
    shipments = odoo.call("stock.picking", "search_read", [("origin", "=", name), ("partner_id", "!=", False)],
                          ["state", "move_line_ids"])
    assert len(shipments) == 1, shipments
    line = odoo.call("warranty.claim.line", "read", [line["id"]], ["return_state"])[0]
    assert line["return_state"] == "to_ship", "planned, not shipped before the transfer is done"

    # The tag of the part, printed by the running server with wkhtmltopdf
    content_type, body = odoo.web_get(f"/report/pdf/warranty_service.report_returned_part_tag/{line['id']}")
    assert content_type == "application/pdf"
    assert body.startswith(b"%PDF")
