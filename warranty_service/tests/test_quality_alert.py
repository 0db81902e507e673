from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestQualityAlert(ClaimCommon):

    def _diagnosed_repairs(self, count):
        lots = self._create_lots(self.van, *(f"VIN-QA-{i}" for i in range(count)))
        self.env["warranty.registration"].create([
            {"lot_id": lot.id, "partner_id": self.customer.id, "date_start": "2026-01-01"} for lot in lots
        ])
        repairs = self.env["repair.order"].create([{
            "product_id": self.van.id, "lot_id": lot.id, "partner_id": self.customer.id,
            "schedule_date": "2026-06-01 09:00:00", "odometer_km": 5000,
            "defect_code_ids": [Command.link(self.defect.id)], "failure_cause": "Seal", "causal_part_id": self.seal.id,
        } for lot in lots])
        return repairs

    @freeze_time("2026-06-15")
    def test_repeated_defect_alerts_once(self):
        self.env.company.write(
            {"warranty_alert_min_cases": 3, "warranty_alert_min_rate": 10.0, "warranty_alert_days": 90}
        )
        repairs = self._diagnosed_repairs(3)
        # 2 more registered units without failure: 3 failures for 5 units (+ the 2 registered in the fixtures)
        alerts = self.env["warranty.quality.alert"]._detect_systematic_defects(self.env.company)
        self.assertEqual(len(alerts), 1)
        self.assertEqual((alerts.product_tmpl_id, alerts.defect_code_id), (self.van.product_tmpl_id, self.defect))
        self.assertEqual(alerts.case_count, 3)
        self.assertEqual(alerts.repair_ids, repairs)
        self.assertEqual(alerts.units_sold, 5, "3 units that failed + the 2 registered by the fixtures")
        self.assertEqual(alerts.failure_rate, 60.0)
        self.assertTrue(alerts.activity_ids.user_id.has_group("warranty_service.group_warranty_manager"))
        self.assertFalse(self.env["warranty.quality.alert"]._detect_systematic_defects(self.env.company),
                         "no second alert while one is open")
        alerts.action_close()
        self.assertEqual(len(self.env["warranty.quality.alert"]._detect_systematic_defects(self.env.company)), 1)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "warranty_service.report_quality_proposal", alerts.ids)
        self.assertIn("Proposal on a systematic defect", html.decode())

    @freeze_time("2026-06-15")
    def test_below_thresholds_no_alert(self):
        self.env.company.write(
            {"warranty_alert_min_cases": 4, "warranty_alert_min_rate": 10.0, "warranty_alert_days": 90}
        )
        self._diagnosed_repairs(3)
        self.assertFalse(self.env["warranty.quality.alert"]._detect_systematic_defects(self.env.company))
        self.env.company.write({"warranty_alert_min_cases": 3, "warranty_alert_min_rate": 80.0})
        self.assertFalse(self.env["warranty.quality.alert"]._detect_systematic_defects(self.env.company))

    @freeze_time("2026-06-15")
    def test_roles_and_database_guard(self):
        self.env.company.write(
            {"warranty_alert_min_cases": 3, "warranty_alert_min_rate": 1.0, "warranty_alert_days": 90}
        )
        self._diagnosed_repairs(3)
        self.env["warranty.quality.alert"]._cron_detect_systematic_defects()
        alert = self.env["warranty.quality.alert"].search([("defect_code_id", "=", self.defect.id)])
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.with_user(self.user_workshop).case_count, 3)
        with self.assertRaises(AccessError):
            alert.with_user(self.user_workshop).action_close()
        with self.assertRefused("already has an open alert on this model"):
            alert.copy()

    def test_thresholds_must_be_positive(self):
        for field, value, message in [
            ("warranty_alert_min_cases", 0, "A systematic-defect alert needs at least 1 failure"),
            ("warranty_alert_min_cases", -2, "A systematic-defect alert needs at least 1 failure"),
            ("warranty_alert_min_rate", 0.0, "The failure share that raises an alert must be above 0 %"),
            ("warranty_alert_min_rate", -1.0, "The failure share that raises an alert must be above 0 %"),
            ("warranty_alert_days", 0, "The alert period must be at least 1 day"),
        ]:
            with self.subTest(field=field, value=value), self.assertRefused(message):
                settings = self.env["res.config.settings"].create({field: value})
                settings.execute()
        self.assertEqual(self.env.company.warranty_alert_min_cases, 3, "nothing was changed")

    @freeze_time("2026-06-15")
    def test_failure_rates(self):
        self._diagnosed_repairs(3)
        wizard = self.env["warranty.failure.rate"].with_user(self.user_workshop).create({
            "date_from": "2026-01-01", "date_to": "2026-06-30",
        })
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda row: row.product_tmpl_id == self.van.product_tmpl_id)
        self.assertEqual((line.defect_code_id, line.failure_count, line.units_sold), (self.defect, 3, 5))
        self.assertEqual(line.failure_rate, 60.0)
        self.assertEqual(line.mean_days_to_failure, 151, "registered 2026-01-01, failed 2026-06-01")
        self.assertEqual(line.mean_km_to_failure, 5000)
