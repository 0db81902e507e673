"""Issue 27, item 10: an owner reads over XML-RPC what their portal shows them, no staff-only field.

The calls are the ORM's as the portal user, the ones their XML-RPC scripts make; the caches are emptied first
so that every value is read from the database as them.
"""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestPortalReadsWhatThePortalShows(WarrantyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._create_lots(cls.van, "VIN-PF-1")
        cls.registration = cls.env["warranty.registration"].create({
            "lot_id": cls.lot.id, "partner_id": cls.customer.id, "date_start": "2026-01-10",
        })
        cls.owner = new_test_user(cls.env, login="ws_pf_owner", groups="base.group_portal", partner_id=cls.customer.id)
        cls.repair = cls.env["repair.order"].create({
            "product_id": cls.van.id, "lot_id": cls.lot.id, "partner_id": cls.customer.id, "odometer_km": 4200,
            "internal_notes": "<p>Customer haggles: do not grant goodwill</p>",
        })
        cls.category = cls.env["warranty.complaint.category"].create({"name": "Noise", "deadline_days": 5})
        cls.drafting, cls.answered = cls.env["warranty.complaint"].create([
            {"partner_id": cls.customer.id, "registration_id": cls.registration.id, "description": "Knocks",
             "category_id": cls.category.id},
            {"partner_id": cls.customer.id, "registration_id": cls.registration.id, "description": "Squeaks"},
        ])
        cls.answered.repair_id = cls.repair
        (cls.drafting | cls.answered).with_user(cls.user_workshop).action_start()
        cls.answered.answer = "We replaced the belt."
        cls.answered.with_user(cls.user_workshop).action_answer()
        cls.drafting.answer = "Draft: blame the driver?"

    def _as_owner(self, records):
        self.env.invalidate_all()
        return records.with_user(self.owner)

    def test_repair_internal_notes_refused(self):
        repair = self._as_owner(self.repair)
        with self.assertRaisesRegex(AccessError, "Internal Notes of Repair Order are the dealer's internal"):
            repair.read(["internal_notes"])
        with self.assertRaises(AccessError):
            repair.search_read([("id", "=", repair.id)], ["name", "internal_notes"])
        with self.assertRaises(AccessError, msg="nor guessed by searching on it"):
            repair.search([("internal_notes", "ilike", "haggles")])
        with self.assertRaises(AccessError, msg="nor read in code that runs as the owner"):
            self._as_owner(self.repair).internal_notes  # noqa: B018
        for field in ("goodwill_reason", "failure_cause", "claim_ids", "user_id", "move_ids"):
            with self.assertRaises(AccessError, msg=f"{field} is the workshop's"):
                self._as_owner(self.repair).read([field])
        self.assertNotIn("internal_notes", repair.fields_get())
        everything = self._as_owner(self.repair).read()[0]
        self.assertNotIn("internal_notes", everything)
        self.assertNotIn("goodwill_reason", everything)
        # What the portal shows stays readable
        values = self._as_owner(self.repair).read([
            "name", "state", "product_id", "lot_id", "schedule_date", "date_done", "odometer_km", "warranty_coverage",
            "warranty_coverage_reason", "complaint_ids", "access_url", "display_name",
        ])[0]
        self.assertEqual(values["odometer_km"], 4200)
        self.assertEqual(values["lot_id"][0], self.lot.id)
        self.assertEqual(values["complaint_ids"], self.answered.ids)
        repair = self._as_owner(self.repair)
        self.assertEqual((repair.name, repair.odometer_km), (self.repair.name, 4200))
        self.assertEqual(self.env["repair.order"].with_user(self.owner).search([]), self.repair)
        # The staff read it all
        self.env.invalidate_all()
        self.assertIn("do not grant goodwill", self.repair.with_user(self.user_workshop).internal_notes)

    def test_complaint_answer_read_once_sent(self):
        drafting = self._as_owner(self.drafting)
        with self.assertRaisesRegex(AccessError, "Answer of Customer Complaint are the dealer's internal information"):
            drafting.read(["answer"])
        with self.assertRaises(AccessError):
            self._as_owner(self.drafting).answer  # noqa: B018
        with self.assertRaises(AccessError, msg="nor guessed by searching on it"):
            self.env["warranty.complaint"].with_user(self.owner).search([("answer", "ilike", "blame")])
        self.assertNotIn("answer", self._as_owner(self.drafting).read()[0])
        self.assertEqual(self._as_owner(self.answered).read(["answer"])[0]["answer"], "We replaced the belt.")
        self.assertEqual(self._as_owner(self.answered).answer, "We replaced the belt.")
        self.assertEqual(self._as_owner(self.answered).read()[0]["answer"], "We replaced the belt.")
        # The staff's side of a complaint is not the owner's
        for field in ("user_id", "claim_id", "channel", "answer_days", "activity_ids"):
            with self.assertRaises(AccessError, msg=f"{field} is the staff's"):
                self._as_owner(self.answered).read([field])
        # What the complaint pages show stays readable
        values = self._as_owner(self.drafting | self.answered).read([
            "name", "state", "registration_id", "lot_id", "product_id", "received_date", "category_id",
            "deadline_date", "description", "answered_date", "repair_id", "access_url", "display_name",
        ])
        self.assertEqual([v["description"] for v in values], ["Knocks", "Squeaks"])
        self.assertEqual(values[0]["category_id"][0], self.category.id)
        self.assertEqual(values[1]["repair_id"][0], self.repair.id)
        self.assertEqual(
            self.env["warranty.complaint"].with_user(self.owner).search([], order="received_date desc, id desc"),
            self.answered | self.drafting,
        )
        self.assertEqual(self._as_owner(self.category).read(["name"])[0]["name"], "Noise")
        with self.assertRaises(AccessError):
            self._as_owner(self.category).read(["deadline_days"])

    def test_unit_staff_fields_refused(self):
        unit = self._as_owner(self.registration)
        values = unit.read([
            "name", "lot_id", "product_id", "state", "date_start", "date_end", "mileage_limit_km",
            "extension_product_id", "date_end_extended", "extension_mileage_limit_km", "date_expiry", "access_url",
        ])[0]
        self.assertEqual(values["state"], "active")
        self.assertEqual(values["lot_id"][0], self.lot.id)
        for field in ("sale_order_id", "picking_id", "void_reason", "claim_count", "manufacturer_id"):
            with self.assertRaises(AccessError, msg=f"{field} is the dealer's"):
                self._as_owner(self.registration).read([field])
        self.assertEqual(self.env["warranty.registration"].with_user(self.owner).search([]), self.registration)
