from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestLaborTimeGuide(ClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Guide = cls.env["warranty.labor.time.guide"]
        cls.guide_any, cls.guide_first_half, cls.guide_second_half, cls.guide_saw = Guide.create([
            {"operation_id": cls.operation_seal.id, "vin_mask": "*", "hours": 3.0, "date_from": "2026-01-01"},
            {"operation_id": cls.operation_seal.id, "vin_mask": "vin-rep-*", "hours": 2.5, "date_from": "2026-01-01",
             "date_to": "2026-06-30"},
            {"operation_id": cls.operation_seal.id, "vin_mask": "VIN-REP-*", "hours": 2.0, "date_from": "2026-07-01"},
            {"operation_id": cls.operation_seal.id, "vin_mask": "VIN-REP-1", "hours": 1.0, "date_from": "2026-01-01",
             "product_tmpl_id": cls.saw.product_tmpl_id.id},
        ])

    def test_most_specific_mask_on_the_day(self):
        Guide = self.env["warranty.labor.time.guide"]
        van, operation = self.van.product_tmpl_id, self.operation_seal
        questions = [
            (operation, "VIN-REP-1", date(2026, 6, 2), van),
            (operation, "VIN-REP-1", date(2026, 7, 2), van),
            (operation, "WVWZZZ1KZ", date(2026, 7, 2), van),
            (operation, "VIN-REP-1", date(2025, 12, 31), van),
            (operation, "VIN-REP-1", date(2026, 7, 2), self.saw.product_tmpl_id),
        ]
        answers = Guide._find_guides(questions)
        self.assertEqual([answers[question] for question in questions], [
            self.guide_first_half, self.guide_second_half, self.guide_any, Guide, self.guide_saw,
        ])
        self.assertEqual(self.guide_first_half.vin_mask, "VIN-REP-*", "masks are kept in capitals")

    def test_the_claim_takes_the_guide_hours(self):
        june = self._claim(self._done_repair(hours=4.0))
        labour = june.line_ids.filtered(lambda line: line.line_type == "labor")
        self.assertEqual((labour.guide_hours, labour.quantity, labour.amount_claimed), (2.5, 2.5, 125.0),
                         "4 h worked, the guide's 2.5 h of June claimed")
        july = self._claim(self._done_repair(hours=4.0, when="2026-07-01 09:00:00", done_on="2026-07-02 10:00:00"))
        self.assertEqual(july.line_ids.filtered(lambda line: line.line_type == "labor").quantity, 2.0)
        with self.assertRefused(r"3.0 h claimed for a standard time of 2.5 h. Enter why"):
            labour.with_user(self.user_workshop).quantity = 3.0
        labour.with_user(self.user_workshop).write({"quantity": 3.0, "hours_override_reason": "Corroded flange"})
        with self.assertRaisesRegex(AccessError, "computed, not written"):
            labour.with_user(self.user_workshop).guide_hours = 5.0
        # A new version of the guide changes no claim already made
        self.guide_first_half.hours = 1.0
        self.assertEqual(labour.guide_hours, 2.5)

    def test_bad_guide_entries(self):
        Guide = self.env["warranty.labor.time.guide"]
        with self.assertRefused(r"VIN mask WVW ZZZ\? of operation \[01-2310\] Replace rear seal: use the VIN's"):
            Guide.create({"operation_id": self.operation_seal.id, "vin_mask": "WVW ZZZ?", "hours": 1.0})
        with self.assertRefused("already has flat-rate hours for VIN-REP-\\* on these dates"):
            Guide.create({"operation_id": self.operation_seal.id, "vin_mask": "VIN-REP-*", "hours": 1.0,
                          "date_from": "2026-06-01", "date_to": "2026-07-15"})
        with self.assertRefused("ends on or after the day it starts"):
            Guide.create({"operation_id": self.operation_seal.id, "vin_mask": "ABC*", "hours": 1.0,
                          "date_from": "2026-06-01", "date_to": "2026-05-01"})
        with self.assertRefused("Flat-rate hours cannot be negative"):
            Guide.create({"operation_id": self.operation_seal.id, "vin_mask": "ABC*", "hours": -1.0})
        with self.assertRaisesRegex(AccessError, "You are not allowed to create"):
            Guide.with_user(self.user_workshop).create({
                "operation_id": self.operation_seal.id, "vin_mask": "ABC*", "hours": 1.0,
            })


@tagged("post_install", "-at_install")
class TestJobClockTime(ClaimCommon):

    def _job(self):
        repair = self._repair(self.lot_covered)
        job = self.env["warranty.repair.job"].create({
            "repair_id": repair.id, "complaint": "Oil under the engine", "pay_type": "warranty",
        })
        self.env["warranty.repair.labor"].create({
            "job_id": job.id, "operation_id": self.operation_seal.id, "hours": 4.0, "user_id": self.user_workshop.id,
        })
        return job

    def test_variance_per_job_and_technician(self):
        job = self._job()
        Time = self.env["warranty.repair.job.time"].with_user(self.user_workshop)
        Time.create([
            {"job_id": job.id, "technician_id": self.user_workshop.id, "date_start": datetime(2026, 11, 20, 8, 0),
             "date_stop": datetime(2026, 11, 20, 10, 0)},
            {"job_id": job.id, "technician_id": self.user_manager.id, "date_start": datetime(2026, 11, 20, 10, 0),
             "date_stop": datetime(2026, 11, 20, 12, 30)},
        ])
        self.assertEqual((job.flat_rate_hours, job.clock_hours, job.clock_variance_hours), (3.5, 4.5, -1.0),
                         "paid 3.5 h (the standard time), clocked 4.5 h")
        groups = self.env["warranty.labor.variance.report"].with_user(self.user_workshop)._read_group(
            [("job_id", "=", job.id)], ["technician_id"],
            ["flat_rate_hours:sum", "clock_hours:sum", "variance_hours:sum"],
        )
        self.assertEqual(sorted((tech.login, *hours) for tech, *hours in groups), [
            ("ws_manager", 0.0, 2.5, -2.5), ("ws_workshop", 3.5, 2.0, 1.5),
        ])

    def test_clock_in_and_out(self):
        job = self._job()
        job.with_user(self.user_workshop).action_clock_start()
        with self.assertRefused("Your clock already runs on job"):
            job.with_user(self.user_workshop).action_clock_start()
        job.with_user(self.user_workshop).action_clock_stop()
        self.assertEqual(len(job.time_ids), 1)
        self.assertTrue(job.time_ids.date_stop)
        self.assertEqual(job.time_ids.technician_id, self.user_workshop)
        with self.assertRefused("Your clock does not run on these jobs"):
            job.with_user(self.user_workshop).action_clock_stop()

    def test_bad_clock_times(self):
        job = self._job()
        Time = self.env["warranty.repair.job.time"]
        with self.assertRaisesRegex(AccessError, "Only the workshop records the technicians' clock times"):
            Time.with_user(self.user_accountant).create({"job_id": job.id})
        with self.assertRefused("stops before it starts|A clock time stops after it starts"):
            Time.with_user(self.user_workshop).create({
                "job_id": job.id, "date_start": datetime(2026, 11, 20, 10, 0),
                "date_stop": datetime(2026, 11, 20, 9, 0),
            })
        entry = Time.with_user(self.user_workshop).create({"job_id": job.id})
        job.repair_id.action_repair_cancel()
        with self.assertRefused(r"Repair .* is closed: its clock times can no longer be changed"):
            entry.with_user(self.user_workshop).date_stop = datetime(2026, 11, 20, 12, 0)
