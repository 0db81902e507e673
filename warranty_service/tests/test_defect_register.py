from odoo import Command
from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestDefectRegister(ClaimCommon):

    def test_every_diagnosed_failure_is_registered(self):
        self.labour_product.standard_price = 40.0
        second_defect = self.env["warranty.defect.code"].create(
            {"code": "T-E102", "name": "Gasket", "category": "engine"}
        )
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

    def test_reading_the_register_is_one_query_whatever_the_repairs(self):
        fields_read = ["date", "repair_id", "lot_id", "product_tmpl_id", "manufacturer_id", "defect_code_id",
                       "coverage", "days_in_service", "odometer_km", "cost_total", "failure_count"]
        Register = self.env["warranty.defect.register"].with_user(self.user_workshop)
        domain = [("product_tmpl_id", "=", self.van.product_tmpl_id.id)]

        def add_repairs(count, start):
            lots = self._create_lots(self.van, *(f"VIN-DR-{i}" for i in range(start, start + count)))
            self.env["warranty.registration"].create([
                {"lot_id": lot.id, "partner_id": self.customer.id, "date_start": "2026-01-01"} for lot in lots
            ])
            self.env["repair.order"].create([{
                "product_id": self.van.id, "lot_id": lot.id, "partner_id": self.customer.id,
                "schedule_date": "2026-06-01 09:00:00", "defect_code_ids": [Command.link(self.defect.id)],
            } for lot in lots])
            self.env.flush_all()

        def read():
            self.env.invalidate_all()
            return Register.search_read(domain, fields_read)

        add_repairs(4, 0)
        self.assertEqual(len(read()), 4)
        before = self.cr.sql_log_count
        read()
        queries = self.cr.sql_log_count - before
        add_repairs(8, 4)
        # The register itself is one query over the view; the names of the linked records (repairs,
        # serials, models, ...) one query per model, whatever the number of rows
        with self.assertQueryCount(queries):
            rows = read()
        self.assertEqual(len(rows), 12)
