from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestQueryBudgets(ClaimCommon):
    """The budgets `make bench` measures at volume, kept small enough to fail `make test` on a regression.

    The repair flow has its own budget in test_repair_performance.py.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(cls.seal, cls.stock_location, 1000)
        cls.manufacturer.warranty_claim_deadline_days = 0  # no deadline: the claims are submitted today

    def _delivered_moves(self, count, prefix):
        lots = self._create_lots(self.van, *(f"{prefix}-{i}" for i in range(count)))
        self._put_in_stock(lots)
        picking = self._deliver(self._sell([(self.van, count)]).picking_ids)
        self.assertEqual(len(lots.warranty_registration_ids), count)
        # Replay the addon's part of the validation alone, after voiding what the delivery created
        lots.warranty_registration_ids._void("replay")
        self.env.flush_all()
        self.env.invalidate_all()
        return picking.move_ids

    def test_delivery_registration_budget(self):
        """Registering a delivery costs the same few queries for 1 serial as for 10."""
        for count in (1, 10):
            moves = self._delivered_moves(count, f"VIN-QB-{count}")
            # 21 from a cold cache, for 1 serial as for 10; `make bench` measures 8 over core's whole
            # validation, where the moves and lots are already in the cache
            with self.assertQueryCount(__system__=21):
                moves._warranty_process_done_moves()
                self.env.flush_all()
            self.assertEqual(
                len(moves.move_line_ids.lot_id.warranty_registration_ids.filtered(lambda r: not r.is_void)), count,
            )

    def test_coverage_check_by_serial_budget(self):
        """A coverage check by serial costs one query (the target is 3), from a cold cache as in a new
        request: the registration found by serial and read at once. Naming an extension reads its
        product (variant, template, attributes, company)."""
        Registration = self.env["warranty.registration"].with_user(self.user_workshop).with_context(lang="en_US")
        for serial, when, coverage, budget in (
            ("VIN-REP-1", "2026-06-01", "manufacturer", 1), ("VIN-REP-2", "2027-06-01", "extension", 5),
        ):
            Registration.check_coverage_by_serial(serial, when, 5000)  # ormcaches: rules, language
            self.env.invalidate_all()
            with self.assertQueryCount(__system__=budget):
                result = Registration.check_coverage_by_serial(serial, when, 5000)
            self.assertEqual(result["coverage"], coverage)

    def test_coverage_check_by_serial(self):
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        result = Registration.check_coverage_by_serial(" VIN-REP-1 ", "2026-06-01", 5000)
        self.assertEqual(result, {
            "coverage": "manufacturer", "registration": self.registration.name, "serial": "VIN-REP-1",
            "reason": "Manufacturer's warranty until 12/31/2026 or 100000 km.",
        })
        self.assertEqual(Registration.check_coverage_by_serial("VIN-REP-1", "2027-02-01")["coverage"], "none")
        self.assertEqual(Registration.check_coverage_by_serial("VIN-REP-3"), {
            "coverage": "none", "registration": False, "serial": "VIN-REP-3",
            "reason": "Serial number VIN-REP-3 has no warranty registration.",
        })
        with self.assertRefused("Enter the serial number"):
            Registration.check_coverage_by_serial("")
        # A voided registration answers only when the serial holds nothing newer
        self.registration.action_void()
        newer = self.env["warranty.registration"].create({
            "lot_id": self.lot_covered.id, "partner_id": self.customer.id, "date_start": "2026-05-01",
        })
        self.assertEqual(Registration.check_coverage_by_serial("VIN-REP-1", "2026-06-01")["registration"], newer.name)

    def _claim_and_submit_queries(self, repairs):
        before = self.cr.sql_log_count
        repairs.action_create_warranty_claim()
        claims = self.env["warranty.claim"].browse(repairs.claim_ids.ids)
        self.env.flush_all()
        self.env.invalidate_all()
        claims.action_submit()
        self.env.flush_all()
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        self.assertEqual(len(claims.return_picking_id), len(claims), "one transfer of returned parts per claim")
        return self.cr.sql_log_count - before

    def test_claims_in_bulk_budget(self):
        """Creating and submitting claims in one action costs at most 15 queries per further claim."""
        self._claim_and_submit_queries(self._done_repairs(1, "VIN-QB-W"))  # warm-up: sequences, locations
        five = self._claim_and_submit_queries(self._done_repairs(5, "VIN-QB-A"))
        fifteen = self._claim_and_submit_queries(self._done_repairs(15, "VIN-QB-B"))
        per_claim = (fifteen - five) / 10
        self.assertLessEqual(per_claim, 15, f"5 claims: {five} queries, 15 claims: {fifteen}")
