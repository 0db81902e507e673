from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestRepairRegistration(WarrantyRepairCommon):
    """A repair is covered only by the registration of its own unit (issue 12, item 2)."""

    @freeze_time("2026-06-01")
    def test_workshop_cannot_pick_another_units_registration(self):
        # VIN-REP-3 has no warranty: a workshop user tried to lend it VIN-REP-1's registration
        repair = self._repair(self.lot_unregistered, user=self.user_workshop)
        self.assertEqual(repair.warranty_coverage, "none")
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager can grant goodwill or change the coverage"):
            repair.with_user(self.user_workshop).write({"warranty_registration_id": self.registration.id})
        # Nor can a manager: the registration must be the repaired unit's
        with self.assertRefused(
            "cannot use the warranty registration .*: it is the registration of serial number VIN-REP-1, "
            "not of the repaired unit VIN-REP-3"
        ):
            repair.with_user(self.user_manager).write({"warranty_registration_id": self.registration.id})
        with self.assertRefused("not of the repaired unit VIN-REP-3"):
            self._repair(self.lot_unregistered, warranty_registration_id=self.registration.id)
        self.assertFalse(repair.warranty_registration_id)
        self.assertEqual(repair.warranty_coverage, "none")

    @freeze_time("2026-06-01")
    def test_changes_of_the_registration_are_tracked(self):
        repair = self._repair(self.lot_covered)
        self.assertEqual(repair.warranty_registration_id, self.registration)
        self.assertTrue(repair._fields["warranty_registration_id"].tracking)
        # The one hand change a manager can make: the unit's own earlier (void) registration
        self.registration.action_void()
        newer = self._register(self.lot_covered, date_start="2026-01-01")
        self.env.cr.flush()  # ends the untracked creation's pending tracking
        repair.with_context(tracking_disable=False).with_user(self.user_manager).write(
            {"warranty_registration_id": newer.id},
        )
        self.env.flush_all()
        self.env.cr.flush()  # the tracking values are written before the commit
        tracked = repair.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "warranty_registration_id"
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.old_value_char, self.registration.display_name)
        self.assertEqual(tracked.new_value_char, newer.display_name)


@tagged("post_install", "-at_install")
class TestCoverageInput(WarrantyRepairCommon):
    """Bad coverage questions get an answer in the user's words, never a traceback (issue 12, item 7)."""

    def test_bad_dates(self):
        registration = self.registration.with_user(self.user_workshop)
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        for bad in ("2025-02-30", "not-a-date", "2026-13-01", 12345, ["2026-01-01"]):
            with self.subTest(date=bad):
                with self.assertRaisesRegex(
                    UserError, r"is not a valid date: give the date of the failure as YYYY-MM-DD"
                ):
                    registration.check_coverage(date=bad)
                with self.assertRaisesRegex(UserError, r"is not a valid date"):
                    Registration.check_coverage_by_serial("VIN-REP-1", date=bad)
                with self.assertRaisesRegex(UserError, r"is not a valid date"):
                    Registration.check_coverage_by_serial("VIN-NOBODY", date=bad)
        with self.assertRaisesRegex(UserError, r'"2025-02-30" is not a valid date'):
            registration.check_coverage(date="2025-02-30")
        # The "as of" date an integration may put in its context
        with self.assertRaisesRegex(UserError, "The date '2025-02-30' in the context is not a valid date"):
            registration.with_context(date="2025-02-30").check_coverage()
        self.assertEqual(registration.with_context(date="2026-06-01").check_coverage()["coverage"], "manufacturer")

    def test_bad_mileage(self):
        registration = self.registration.with_user(self.user_workshop)
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        for bad in ("abc", "12 km", "nan", "inf", True, [1000], {"km": 1}):
            with self.subTest(mileage=bad):
                with self.assertRaisesRegex(UserError, r"is not a number of kilometres: give it as a number"):
                    registration.check_coverage(date="2026-06-01", mileage_km=bad)
                with self.assertRaisesRegex(UserError, r"is not a number of kilometres"):
                    Registration.check_coverage_by_serial("VIN-NOBODY", mileage_km=bad)
        for negative in (-1, "-5", -0.5):
            with self.subTest(mileage=negative):
                with self.assertRaisesRegex(UserError, "The odometer reading cannot be negative"):
                    registration.check_coverage(date="2026-06-01", mileage_km=negative)
                # Refused even for a serial without registration: the question itself is wrong
                with self.assertRaisesRegex(UserError, "The odometer reading cannot be negative"):
                    Registration.check_coverage_by_serial("VIN-NOBODY", mileage_km=negative)

    def test_bad_serials_and_records(self):
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        for bad in (12345, 12.5, ["VIN-REP-1"], {"serial": "VIN-REP-1"}, True):
            with self.subTest(serial=bad), self.assertRaisesRegex(UserError, "must be given as text"):
                Registration.check_coverage_by_serial(bad)
        for empty in (None, False, "", "   "):
            with self.subTest(serial=empty), self.assertRaisesRegex(UserError, "Enter the serial number"):
                Registration.check_coverage_by_serial(empty)
        both = (self.registration | self.registration_extended).with_user(self.user_workshop)
        with self.assertRaisesRegex(UserError, "Check the coverage of one warranty registration at a time"):
            both.check_coverage(date="2026-06-01")
        with self.assertRaisesRegex(UserError, "Check the coverage of one warranty registration at a time"):
            Registration.check_coverage(date="2026-06-01")

    def test_good_input_in_every_shape(self):
        registration = self.registration.with_user(self.user_workshop)
        for when in ("2026-06-01", " 2026-06-01 ", "2026-06-01 10:00:00", date(2026, 6, 1), datetime(2026, 6, 1, 10)):
            for km in (42000, 42000.0, "42000", " 42000.5 ", None, False, ""):
                with self.subTest(date=when, mileage=km):
                    self.assertEqual(registration.check_coverage(date=when, mileage_km=km)["coverage"], "manufacturer")
        result = self.env["warranty.registration"].with_user(self.user_workshop).check_coverage_by_serial(
            "VIN-REP-1", "2026-06-01", "150000",
        )
        self.assertEqual(result["coverage"], "none", "150,000 km is over the 100,000 km limit")


@tagged("post_install", "-at_install")
class TestActionRightsAndStates(WarrantyRepairCommon):
    """Each action checks who calls it and the step it starts from, and answers a value (issue 12, item 7)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.examiner = cls.env["res.partner"].create({"name": "Independent Lab"})
        cls.today = fields.Date.context_today(cls.env["res.users"])

    def test_void(self):
        registration = self._register(
            self._create_lots(self.saw, "SAW-VOID-1"), date_start=self.today - timedelta(days=10)
        )
        for user in (self.user_workshop, self.user_parts, self.user_accountant, self.user_warehouse):
            with self.subTest(user=user.login), self.assertRaisesRegex(
                AccessError, "Only a Warranty Manager can void a warranty registration",
            ):
                registration.with_user(user).action_void()
        self.assertIs(registration.with_user(self.user_manager).action_void(), True)
        self.assertEqual(registration.state, "void")
        with self.assertRaisesRegex(UserError, f"Registration {registration.name} is already void"):
            registration.with_user(self.user_manager).action_void()
        # Nor is a warranty voided or revived by editing it
        with self.assertRaisesRegex(UserError, "voided with its Void button"):
            registration.with_user(self.user_manager).write({"is_void": False})
        with self.assertRaisesRegex(UserError, "voided with its Void button"):
            self.registration_extended.with_user(self.user_manager).write({"void_reason": "by hand"})
        self.assertTrue(registration.is_void)

    def test_independent_examination(self):
        repair = self._repair(self.lot_covered)
        repair.expertise_partner_id = self.examiner
        for user in (self.user_parts, self.user_accountant, self.user_warehouse):
            with self.subTest(user=user.login), self.assertRaisesRegex(
                AccessError, "Only the workshop sends samples to the independent examiner",
            ):
                repair.with_user(user).action_send_to_expertise()
        with self.assertRaisesRegex(UserError, "moves on with its buttons"):
            repair.with_user(self.user_workshop).write({"expertise_state": "sent"})
        self.assertIs(repair.with_user(self.user_workshop).action_send_to_expertise(), True)
        self.assertEqual(repair.expertise_state, "sent")
        self.assertEqual(repair.expertise_date_sent, self.today)
        with self.assertRaisesRegex(UserError, "already went to the examiner"):
            repair.with_user(self.user_workshop).action_send_to_expertise()
        with self.assertRaisesRegex(UserError, "its examiner cannot change"):
            repair.with_user(self.user_workshop).write({"expertise_partner_id": self.customer.id})
        repair.with_user(self.user_workshop).expertise_result = "Seal hardened: material defect confirmed"
        with self.assertRaisesRegex(AccessError, "Only the workshop"):
            repair.with_user(self.user_parts).action_record_expertise()
        self.assertIs(repair.with_user(self.user_workshop).action_record_expertise(), True)
        self.assertEqual(repair.expertise_state, "confirmed")
        for action in ("action_record_expertise", "action_record_expertise_overturned"):
            with self.subTest(action=action), self.assertRaisesRegex(UserError, "has no sample out for examination"):
                getattr(repair.with_user(self.user_workshop), action)()
        with self.assertRaisesRegex(UserError, "nor the verdict once recorded"):
            repair.with_user(self.user_workshop).write({"expertise_result": "Overturned after all"})
        with self.assertRaisesRegex(UserError, "moves on with its buttons"):
            repair.with_user(self.user_manager).write({"expertise_state": "overturned"})
        self.assertEqual(repair.expertise_state, "confirmed")

    def test_overturned_verdict_and_cancelled_repair(self):
        repair = self._repair(self.lot_covered, expertise_partner_id=self.examiner.id)
        repair.with_user(self.user_workshop).action_send_to_expertise()
        repair.expertise_result = "Foreign body damage"
        self.assertIs(repair.with_user(self.user_workshop).action_record_expertise_overturned(), True)
        self.assertEqual(repair.expertise_state, "overturned")
        cancelled = self._repair(self.lot_extended, expertise_partner_id=self.examiner.id)
        cancelled.action_repair_cancel()
        with self.assertRaisesRegex(UserError, "is cancelled: there is no verdict left to dispute"):
            cancelled.with_user(self.user_workshop).action_send_to_expertise()

    def test_quality_alert(self):
        alert = self.env["warranty.quality.alert"].create({
            "product_tmpl_id": self.van.product_tmpl_id.id, "defect_code_id": self.defect.id,
            "date_from": self.today - timedelta(days=90), "date_to": self.today,
            "case_count": 3, "units_sold": 10, "failure_rate": 30.0,
        })
        for user in (self.user_workshop, self.user_parts, self.user_accountant):
            for action in ("action_mark_proposed", "action_close"):
                with self.subTest(user=user.login, action=action), self.assertRaisesRegex(
                    AccessError, "Only a Warranty Manager handles systematic defect alerts",
                ):
                    getattr(alert.with_user(user), action)()
        manager_alert = alert.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "not by editing its status"):
            manager_alert.write({"state": "closed"})
        self.assertIs(manager_alert.action_mark_proposed(), True)
        self.assertEqual(alert.state, "proposed")
        with self.assertRaisesRegex(UserError, "is not open: a proposal is sent once"):
            manager_alert.action_mark_proposed()
        self.assertIs(manager_alert.action_close(), True)
        self.assertEqual(alert.state, "closed")
        with self.assertRaisesRegex(UserError, "is already closed"):
            manager_alert.action_close()
        with self.assertRaisesRegex(UserError, "is not open"):
            manager_alert.action_mark_proposed()

    def test_recall(self):
        recall = self.env["warranty.recall"].create({
            "name": "Seal campaign", "campaign_code": "RC-INT-1", "manufacturer_id": self.manufacturer.id,
            "product_ids": [Command.set(self.van.ids)],
        })
        manager_recall = recall.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "has not started: only a running campaign is closed"):
            manager_recall.action_close()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager lists the units of a recall campaign"):
            recall.with_user(self.user_workshop).action_add_serials_from_products()
        self.assertIs(manager_recall.action_add_serials_from_products(), True)
        with self.assertRaisesRegex(UserError, "is not running: owners are informed of a started campaign only"):
            manager_recall.action_notify_owners()
        line = recall.line_ids.filtered(lambda row: row.lot_id == self.lot_covered)
        for user in (self.user_workshop, self.user_parts):
            with self.subTest(user=user.login), self.assertRaisesRegex(
                AccessError, "Only a Warranty Manager starts a recall campaign",
            ):
                recall.with_user(user).action_open()
        with self.assertRaisesRegex(UserError, "not by editing its status"):
            manager_recall.write({"state": "open"})
        self.assertIs(manager_recall.action_open(), True)
        self.assertEqual(recall.state, "open")
        with self.assertRaisesRegex(UserError, "is not a draft: it was already started"):
            manager_recall.action_open()
        # The workshop may write campaign lines (its repair takes their work), not their outcome
        with self.assertRaisesRegex(UserError, "not by editing its status"):
            line.with_user(self.user_workshop).write({"state": "done"})
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager decides that a unit does not need"):
            line.with_user(self.user_workshop).action_not_applicable()
        self.assertIs(line.with_user(self.user_manager).action_not_applicable(), True)
        self.assertEqual(line.state, "not_applicable")
        with self.assertRaisesRegex(UserError, "is no longer open \\(Not Applicable\\)"):
            line.with_user(self.user_manager).action_not_applicable()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager informs the owners"):
            recall.with_user(self.user_workshop).action_notify_owners()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager closes a recall campaign"):
            recall.with_user(self.user_workshop).action_close()
        self.assertIs(manager_recall.action_close(), True)
        self.assertEqual(recall.state, "closed")
        with self.assertRaisesRegex(UserError, "is already closed"):
            manager_recall.action_close()
        other_line = recall.line_ids - line
        with self.assertRaisesRegex(UserError, "is closed: its units can no longer change"):
            other_line.with_user(self.user_manager).action_not_applicable()
        with self.assertRaisesRegex(UserError, "is closed: no unit can be added"):
            manager_recall.action_add_serials_from_products()
        with self.assertRaisesRegex(UserError, "is not running"):
            manager_recall.action_notify_owners()
