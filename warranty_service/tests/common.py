from contextlib import contextmanager

import psycopg2

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools import mute_logger


def set_claims_accounting(env, label, codes):
    """Give the company the recovery and claims-to-invoice accounts and a bank journal the claims need.

    ``codes``: (parts, labour, accrual) account codes, distinct per test class so that they do not collide
    with another class's or the demo chart's.
    """
    parts, labour, accrual = env["account.account"].create([
        {"code": codes[0], "name": f"{label} parts recovery", "account_type": "income"},
        {"code": codes[1], "name": f"{label} labour recovery", "account_type": "income"},
        {"code": codes[2], "name": f"{label} claims to invoice", "account_type": "asset_current"},
    ])
    env.company.write({
        "warranty_parts_account_id": parts.id,
        "warranty_labor_account_id": labour.id,
        "warranty_accrual_account_id": accrual.id,
    })
    return env["account.journal"].create({"name": f"{label} Bank", "code": f"{label[0]}BNK", "type": "bank"})


class WarrantyCommon(TransactionCase):
    """Fixtures of a small dealer, built here rather than taken from demo data.

    The tests run on a fixed day, whatever the machine's date: the fixtures' warranties (registered in
    2025 and 2026, ending from 2026-12-31 on) would otherwise expire under them as the calendar moves on.
    A test that needs another day freezes its own.
    """

    freeze_time = "2026-11-20 09:00:00"

    @classmethod
    def _get_test_company(cls):
        """The company the fixtures are made in: the database's main one; a subclass may make a localized one."""
        return cls.env.company

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls._get_test_company()
        if company != cls.env.company:
            cls.env.user.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
            cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.manufacturer = cls.env["res.partner"].create({"name": "Test Motors AG", "is_company": True})
        cls.customer = cls.env["res.partner"].create({"name": "Farmer Jensen", "email": "jensen@example.com"})
        cls.van = cls.env["product.product"].create({
            "name": "Test Van",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "list_price": 30000,
            "warranty_months": 24,
            "warranty_mileage_km": 100000,
            "warranty_manufacturer_id": cls.manufacturer.id,
        })
        cls.saw = cls.env["product.product"].create({
            "name": "Test Saw",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "list_price": 400,
            "warranty_months": 12,
        })
        cls.trailer = cls.env["product.product"].create({
            "name": "Test Trailer (no warranty)",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "list_price": 2000,
        })
        cls.extension = cls.env["product.product"].create({
            "name": "Extended Warranty +12 months",
            "type": "service",
            "list_price": 900,
            "is_extended_warranty": True,
            "warranty_extension_months": 12,
        })
        cls.user_workshop = new_test_user(
            cls.env, login="ws_workshop", name="Wanda Workshop", groups="warranty_service.group_warranty_workshop",
        )
        cls.user_parts = new_test_user(
            cls.env, login="ws_parts", name="Paul Parts", groups="warranty_service.group_warranty_parts",
        )
        cls.user_accountant = new_test_user(
            cls.env, login="ws_accountant", name="Ada Accountant", groups="warranty_service.group_warranty_accountant",
        )
        cls.user_manager = new_test_user(
            cls.env, login="ws_manager", name="Max Manager", groups="warranty_service.group_warranty_manager",
        )
        cls.user_warehouse = new_test_user(
            cls.env, login="ws_warehouse", name="Walt Warehouse",
            groups="stock.group_stock_user,sales_team.group_sale_salesman_all_leads",
        )

    @classmethod
    def _create_coverage_programme(cls):
        """A manufacturer's programme as its Warranty Manager sets it up: powertrain 5 years / 100,000 km for the
        engine parts (injectors are a subcategory) and the engine knock defect, emissions 8 years / 80,000 km for
        the catalytic converter; a mirror is in neither."""
        cls.engine_categ = cls.env["product.category"].create({"name": "Engine parts"})
        cls.injector_categ = cls.env["product.category"].create(
            {"name": "Injectors", "parent_id": cls.engine_categ.id},
        )
        cls.injector = cls.env["product.product"].create({
            "name": "Injector", "type": "consu", "categ_id": cls.injector_categ.id, "standard_price": 200,
        })
        cls.catalyst = cls.env["product.product"].create({"name": "Catalytic converter", "type": "consu"})
        cls.mirror = cls.env["product.product"].create({"name": "Mirror", "type": "consu"})
        cls.defect_engine = cls.env["warranty.defect.code"].create(
            {"code": "EN01", "name": "Engine knock", "category": "engine"},
        )
        Component = cls.env["warranty.coverage.component"].with_user(cls.user_manager)
        cls.powertrain = Component.create({
            "name": "Powertrain", "code": "PT5", "kind": "powertrain", "manufacturer_id": cls.manufacturer.id,
            "months": 60, "limit_km": 100000, "sequence": 1,
            "covered_categ_ids": [Command.link(cls.engine_categ.id)],
            "defect_code_ids": [Command.link(cls.defect_engine.id)],
        })
        cls.emissions = Component.create({
            "name": "Emissions", "code": "EM8", "kind": "emissions", "manufacturer_id": cls.manufacturer.id,
            "months": 96, "limit_km": 80000, "sequence": 2,
            "covered_product_ids": [Command.link(cls.catalyst.id)],
        })

    @classmethod
    def _create_lots(cls, product, *names):
        return cls.env["stock.lot"].create([{"name": name, "product_id": product.id} for name in names])

    @classmethod
    def _put_in_stock(cls, lots):
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(lot.product_id, cls.stock_location, 1, lot_id=lot)

    @contextmanager
    def assertRefused(self, pattern):
        """The block is refused with a message matching ``pattern``, as the user would read it.

        A database constraint raises an IntegrityError, which Odoo shows to the
        user as the constraint's message: that conversion is applied here too.
        """
        message = None
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                yield
        except psycopg2.IntegrityError as exc:
            message = _as_validation_error(self.env, exc).args[0]
        except (UserError, ValidationError) as exc:
            message = exc.args[0]
        if message is None:
            self.fail(f"expected a refusal matching {pattern!r}, nothing was refused")
        self.assertRegex(message, pattern)

    def _register(self, lot, **values):
        return self.env["warranty.registration"].create({
            "lot_id": lot.id, "partner_id": self.customer.id, **values,
        })

    def _sell(self, lines, partner=None, user=None):
        """Confirm a sale order of ``lines`` = [(product, qty), ...]."""
        env = self.env(user=user) if user else self.env
        order = env["sale.order"].create({
            "partner_id": (partner or self.customer).id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty}) for product, qty in lines
            ],
        })
        order.action_confirm()
        return order

    def _deliver(self, picking, user=None):
        """Validate a delivery with the serials reserved on it."""
        picking = picking.with_user(user) if user else picking
        picking.action_assign()
        picking.move_ids.picked = True
        result = picking.button_validate()
        self.assertIs(result, True, "the delivery should validate without a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _return(self, picking, lots):
        """Return ``lots`` of a done delivery to stock."""
        wizard = Form(
            self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking")
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = len(lots.filtered(lambda lot, line=line: lot.product_id == line.product_id))
        return_picking = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        for move in return_picking.move_ids:
            move.move_line_ids.unlink()
            self.env["stock.move.line"].create([{
                "move_id": move.id,
                "picking_id": return_picking.id,
                "product_id": move.product_id.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            } for lot in lots.filtered(lambda lot, move=move: lot.product_id == move.product_id)])
        return_picking.move_ids.picked = True
        return_picking.button_validate()
        self.assertEqual(return_picking.state, "done")
        return return_picking
