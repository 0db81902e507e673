"""Two companies of one dealer group over XML-RPC: a registration is read and used only within its company."""
import datetime
import uuid
import xmlrpc.client

import pytest
from conftest import OdooClient


def _xmlid(odoo, xmlid):
    module, name = xmlid.split(".")
    return odoo.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])[0][
        "res_id"
    ]


def test_second_company_neither_reads_nor_uses_the_first_company_registration(odoo):
    tag = uuid.uuid4().hex[:6].upper()
    company1 = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    company2 = odoo.call("res.company", "create", {"name": f"E2E Dealer Two {tag}"})
    # A company made over RPC has no warehouse yet: the second dealer's workshop needs one (its repair operation type)
    odoo.call("res.users", "write", [odoo.uid], {"company_ids": [(4, company2)]})
    odoo.call("stock.warehouse", "create", {"name": f"E2E Two {tag}", "code": tag[:5], "company_id": company2},
              context={"allowed_company_ids": [company2, company1]})
    login = f"e2e-two-{tag.lower()}"
    odoo.call(
        "res.users",
        "create",
        {
            "name": f"E2E Workshop Two {tag}",
            "login": login,
            "password": login,
            "company_id": company2,
            "company_ids": [(6, 0, [company2])],
            "groups_id": [
                (6, 0, [_xmlid(odoo, "base.group_user"), _xmlid(odoo, "warranty_service.group_warranty_workshop")])
            ],
        },
    )
    workshop2 = OdooClient(odoo.url, odoo.db, login, login)

    unit = odoo.call(
        "product.product",
        "create",
        {
            "name": f"E2E Shared Tractor {tag}",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "warranty_months": 24,
            "company_id": False,
        },
    )
    serial = f"VIN-SHARED-{tag}"
    # A serial of no company (shared), sold and registered by company 1
    lot = odoo.call("stock.lot", "create", {"name": serial, "product_id": unit, "company_id": False})
    customer = odoo.call("res.partner", "create", {"name": f"E2E Shared Owner {tag}", "company_id": False})
    start = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    registration = odoo.call(
        "warranty.registration",
        "create",
        {
            "lot_id": lot,
            "partner_id": customer,
            "date_start": start,
            "company_id": company1,
        },
    )
    assert odoo.call("stock.lot", "read", [lot], ["warranty_state"])[0]["warranty_state"] == "active"

    # Company 2 sees the serial, not company 1's warranty on it
    read = workshop2.call(
        "stock.lot", "read", [lot], ["warranty_state", "warranty_registration_id", "warranty_date_expiry"]
    )[0]
    assert (read["warranty_state"], read["warranty_registration_id"], read["warranty_date_expiry"]) == (
        "none",
        False,
        False,
    )
    found = workshop2.call("warranty.registration", "check_coverage_by_serial", serial)
    assert (found["coverage"], found["registration"]) == ("none", False)
    with pytest.raises(xmlrpc.client.Fault):
        workshop2.call("warranty.registration", "read", [registration], ["date_expiry"])

    # A company-2 repair of that serial is not covered by company 1's registration
    repair = workshop2.call(
        "repair.order",
        "create",
        {
            "product_id": unit,
            "lot_id": lot,
            "partner_id": customer,
            "odometer_km": 500,
        },
    )
    read = workshop2.call(
        "repair.order", "read", [repair], ["company_id", "warranty_registration_id", "warranty_coverage"]
    )[0]
    assert read["company_id"][0] == company2
    assert (read["warranty_registration_id"], read["warranty_coverage"]) == (False, "none")
    # Nor can it be pointed at it by hand
    with pytest.raises(xmlrpc.client.Fault) as error:
        workshop2.call("repair.order", "write", [repair], {"warranty_registration_id": registration})
    assert "Traceback" not in error.value.faultString
