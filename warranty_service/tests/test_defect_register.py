from odoo import Command
from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestDefectRegister(ClaimCommon):

    def test_every_diagnosed_failure_is_registered(self):
        self.labour_product.standard_price = 40.0
        second_defect = self.env["warranty.defect.code"].create({"code": "T-E102", "name": "Gasket", "category": "engine"})
        repair = self._done_repair(hours=4.0)  # 2 seals at cost 25, 4 h of labour at cost 40
        other = self._done_repair(lot=self.lot_extended, when="2026-07-01 09:00:00")
        other.defect_code_ids = [Command.link(second_defect.id)]
        self._repair(self.lot_unregistered)  # not diagnosed: not a failure of the register

        Register = self.env["warranty.defect.register"].with_user(self.user_workshop)
        rows = Register.search([("repair_id", "=", repair.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.product_id, rows.product_tmpl_id), (self.van, self.van.product_tmpl_id))
        self.assertEqual((rows.manufacturer_id, rows.defect_code_id), (self.manufacturer, self.defect))
        self.assertEqual((rows.coverage, rows.is_factory_defect), ("manufacturer", True))
        self.assertEqual(rows.days_in_service, 516, "2025-01-01 to 2026-06-01")
        self.assertEqual(rows.odometer_km, 10000)
        self.assertEqual(rows.causal_part_id, self.seal)
        self.assertEqual((rows.cost_parts, rows.cost_labor, rows.cost_total), (50.0, 160.0, 210.0))

        # A repair with two defect codes shares its cost between them: the totals stay right
        split = Register.search([("repair_id", "=", other.id)])
        self.assertEqual(len(split), 2)
        self.assertAlmostEqual(sum(split.mapped("cost_total")), 210.0)
        groups = Register._read_group(
            [("product_tmpl_id", "=", self.van.product_tmpl_id.id)], ["defect_code_id"], ["failure_count:sum"],
        )
        self.assertEqual(dict(groups), {self.defect: 2, second_defect: 1})
        self.assertFalse(Register.search([("repair_id.lot_id", "=", self.lot_unregistered.id)]))
