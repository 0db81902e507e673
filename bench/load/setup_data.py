"""Data and users of the load test (make loadtest), written into a database that has warranty_service
with its demo data. In-process, like ``odoo shell``; prints the fixture ids as JSON for the locustfile.

    setup_data.py DB OUT.json USERS
"""
import json
import os
import sys
from datetime import date, timedelta

# Share of each role in the simulated users (locustfile.py weights), and the serials to work on
ROLES = {"workshop": 5, "parts": 2, "accountant": 1, "core": 2}
GROUPS = {
    "workshop": ["warranty_service.group_warranty_workshop"],
    "parts": ["warranty_service.group_warranty_parts"],
    "accountant": ["warranty_service.group_warranty_accountant"],
    # The anchor: a plain Inventory user running core's repair flow and serial screens
    "core": ["stock.group_stock_user"],
}
UNITS = 3000
CORE_UNITS = 500


def main():
    db, out, users = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
    import odoo  # noqa: F401
    from odoo.tools import config
    config.parse_config(os.environ.get("ODOO_ARGS", "").split())
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        fixtures = build(env, users, out)
        cr.commit()
    with open(out, "w") as handle:
        json.dump(fixtures, handle, indent=1)
    print(f"load setup: {len(fixtures['serials'])} registered serials, {len(fixtures['core_serials'])} core serials, "
          + ", ".join(f"{len(v)} {k}" for k, v in fixtures["logins"].items()))


def build(env, users, out):
    if env["res.partner"].search([("ref", "=", "LOAD-MAKER")]):
        # A database kept from an earlier run (LOAD_DB): its fixtures are those of that run
        with open(out) as handle:
            return json.load(handle)
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    maker = env["res.partner"].create({
        "name": "Load Motors AG", "is_company": True, "ref": "LOAD-MAKER", "warranty_claim_prefix": "LOAD-",
        "warranty_claim_deadline_days": 60, "warranty_labor_rate": 80.0,
    })
    customer = env["res.partner"].create({"name": "Load Farm Ltd", "is_company": True})
    Product = env["product.product"]
    unit = Product.create({
        "name": "Load Tractor", "type": "consu", "is_storable": True, "tracking": "serial",
        "warranty_months": 36, "warranty_mileage_km": 200000, "warranty_manufacturer_id": maker.id,
    })
    core_unit = Product.create({
        "name": "Load Mower (no warranty)", "type": "consu", "is_storable": True, "tracking": "serial",
    })
    parts = Product.create([
        {"name": f"Load part {i}", "type": "consu", "is_storable": True, "standard_price": 20 + i, "list_price": 35 + i}
        for i in range(4)
    ])
    for part in parts:
        env["stock.quant"]._update_available_quantity(part, warehouse.lot_stock_id, 1_000_000)
    labour = Product.create({"name": "Load labour hour", "type": "service", "list_price": 80, "standard_price": 50})
    operation = env["warranty.labor.operation"].create({
        "code": "LOAD-01", "name": "Replace seal", "standard_hours": 1.5, "manufacturer_id": maker.id,
        "product_id": labour.id,
    })
    defect = env["warranty.defect.code"].create({"code": "LOAD-E1", "name": "Seal leak", "category": "engine"})
    # VIN-like serials: a world maker code, a plant letter, a year letter, then a running number
    lots = env["stock.lot"].create([
        {"name": f"LDZ1JZ{'ABCD'[i % 4]}W{i:07d}", "product_id": unit.id} for i in range(UNITS)
    ])
    start = date.today() - timedelta(days=120)
    env["warranty.registration"].create([
        {"lot_id": lot.id, "partner_id": customer.id, "date_start": start} for lot in lots
    ])
    core_lots = env["stock.lot"].create([
        {"name": f"MOW-{i:06d}", "product_id": core_unit.id} for i in range(CORE_UNITS)
    ])
    # The hot serial: every workshop user writes its note at once (a concurrent update Odoo retries)
    hot = env["stock.lot"].create({"name": "LOAD-HOT-0001", "product_id": core_unit.id})
    logins = {}
    for role, weight in ROLES.items():
        count = max(1, -(-users * weight // sum(ROLES.values())))  # rounded up
        logins[role] = []
        for i in range(count):
            login = f"load_{role}_{i:02d}"
            groups = [env.ref(xmlid).id for xmlid in ["base.group_user", *GROUPS[role]]]
            env["res.users"].with_context(no_reset_password=True).create({
                "name": f"Load {role.title()} {i:02d}", "login": login, "password": login,
                "email": f"{login}@dealer.example",  # the chatter messages of their actions are sent as them
                "groups_id": [(6, 0, groups)], "tz": "UTC",
            })
            logins[role].append(login)
    return {
        "maker": maker.id, "customer": customer.id, "unit": unit.id, "core_unit": core_unit.id,
        "parts": parts.ids, "operation": operation.id, "defect": defect.id, "hot_lot": hot.id,
        "serials": lots.mapped("name"), "lots": lots.ids, "core_serials": core_lots.mapped("name"),
        "core_lots": core_lots.ids, "logins": logins,
    }


if __name__ == "__main__":
    main()
