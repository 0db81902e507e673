from odoo import Command
from odoo.tests import tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestRepairQueryBudget(WarrantyRepairCommon):
    """Creating and confirming a repair stays close to what core repair costs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts = cls.env["product.product"].create([
            {"name": f"Budget part {i}", "type": "consu", "is_storable": True, "list_price": 10 + i}
            for i in range(4)
        ])
        for part in cls.parts:
            cls.env["stock.quant"]._update_available_quantity(part, cls.stock_location, 100)

    def _create_and_confirm(self, product, lot=None, labour=()):
        repair = self.env["repair.order"].create({
            "product_id": product.id,
            "lot_id": lot.id if lot else False,
            "partner_id": self.customer.id,
            "odometer_km": 1000,
            "schedule_date": "2026-06-01 09:00:00",
            "move_ids": [
                Command.create({"product_id": part.id, "product_uom_qty": 1, "repair_line_type": "add"})
                for part in self.parts
            ],
            "labor_line_ids": [Command.create({"operation_id": operation.id}) for operation in labour],
        })
        repair._action_repair_confirm()
        self.env.flush_all()
        return repair

    def _count(self, *args, **kwargs):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        repair = self._create_and_confirm(*args, **kwargs)
        return self.cr.sql_log_count - before, repair

    def test_query_budget(self):
        # Warm-up: the first repair fills caches (sequences, pricelists, routes) for both flows
        self._create_and_confirm(self.van, lot=self.lot_unregistered)
        core_like, plain = self._count(self.van, lot=self.lot_unregistered)
        self.assertEqual(plain.warranty_coverage, "none")
        warranty, repair = self._count(
            self.van, lot=self.lot_covered, labour=(self.operation_seal, self.operation_test),
        )
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        self.assertEqual(len(repair.labor_line_ids), 2)
        # The coverage check, the labour lines and the manufacturer's to-do cost a handful of
        # queries on top of the same order without them, whatever the number of parts
        self.assertLessEqual(warranty - core_like, 30, f"core-like {core_like}, with warranty work {warranty}")
        # Measured: 85 queries for the order without warranty work, 104 with it (warm caches)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=110):
            self._create_and_confirm(self.van, lot=self.lot_extended, labour=(self.operation_seal, self.operation_test))
