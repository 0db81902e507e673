import re
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import WarrantyCommon

RAW_EMAIL = """Return-Path: <{email}>
From: {name} <{email}>
To: complaints@example.com
Subject: {subject}
Date: Fri, 20 Nov 2026 08:00:00 +0000
Message-ID: <{message_id}@example.com>
Content-Type: text/plain; charset="utf-8"

{body}
"""


@tagged("post_install", "-at_install")
class TestComplaint(WarrantyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.warranty_complaint_deadline_days = 14
        cls.category_noise = cls.env["warranty.complaint.category"].create({"name": "Noise", "deadline_days": 5})
        cls.category_paint = cls.env["warranty.complaint.category"].create({"name": "Paint", "deadline_days": 30})
        cls.van_lot, cls.van_lot2 = cls._create_lots(cls.van, "VIN-CMP-1", "VIN-CMP-2")
        cls.registration = cls.env["warranty.registration"].create({
            "lot_id": cls.van_lot.id, "partner_id": cls.customer.id, "date_start": "2026-01-10",
        })
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Owner", "email": "other@example.com"})

    def _complaint(self, user=None, **values):
        env = self.env(user=user) if user else self.env
        return env["warranty.complaint"].create({
            "partner_id": self.customer.id,
            "registration_id": self.registration.id,
            "description": "The engine knocks when cold.",
            "channel": "phone",
            **values,
        })

    def test_number_deadline_per_category(self):
        complaint = self._complaint(user=self.user_workshop, category_id=self.category_noise.id)
        self.assertRegex(complaint.name, r"^CMP/2026/\d{5}$")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.lot_id, self.van_lot)
        self.assertEqual(complaint.deadline_date, fields.Date.to_date("2026-11-25"))
        paint = self._complaint(category_id=self.category_paint.id)
        self.assertEqual(paint.deadline_date, fields.Date.to_date("2026-12-20"))
        # Without a category: the company's days
        plain = self._complaint()
        self.assertEqual(plain.deadline_date, fields.Date.to_date("2026-12-04"))
        self.assertIn(self.customer, complaint.message_partner_ids, "the customer follows their complaint")

    def test_category_deadline_must_be_positive(self):
        with self.assertRefused("A complaint deadline is at least 1 day."):
            self.category_noise.deadline_days = 0

    def test_state_flow_workshop(self):
        complaint = self._complaint(user=self.user_workshop, category_id=self.category_noise.id)
        complaint = complaint.with_user(self.user_workshop)
        self.assertIs(complaint.action_start(), True)
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.user_id, self.user_workshop, "who starts it is responsible")
        with self.assertRefused("Complaint .* is not new: it is already being handled."):
            complaint.action_start()
        with self.assertRefused("Write the answer to complaint .* before sending it."):
            complaint.action_answer()
        complaint.answer = "The tappets were adjusted free of charge."
        self.assertIs(complaint.action_answer(), True)
        self.assertEqual(complaint.state, "answered")
        self.assertEqual(complaint.answered_date, fields.Datetime.to_datetime("2026-11-20 09:00:00"))
        self.assertEqual(complaint.answer_days, 0)
        self.assertTrue(complaint.deadline_kept)
        with self.assertRefused("was answered: what the customer was told stays as sent"):
            complaint.answer = "Something else"
        with self.assertRefused("was already answered or closed"):
            complaint.action_answer()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager reopens"):
            complaint.action_reopen()
        self.assertIs(complaint.action_close(), True)
        self.assertEqual(complaint.state, "closed")
        self.assertIs(complaint.with_user(self.user_manager).action_reopen(), True)
        self.assertEqual(complaint.state, "in_progress")
        self.assertFalse(complaint.answered_date)

    def test_state_not_writable(self):
        complaint = self._complaint()
        for user in (self.user_workshop, self.user_manager):
            with self.assertRefused("status moves with its buttons"):
                complaint.with_user(user).write({"state": "closed"})
            with self.assertRefused("status moves with its buttons"):
                complaint.with_user(user).write({"answered_date": "2026-11-01 10:00:00"})
        with self.assertRefused("A complaint starts as New"):
            self.env["warranty.complaint"].with_user(self.user_manager).create({
                "partner_id": self.customer.id, "description": "x", "state": "answered",
            })
        with self.assertRefused("Complaint .* can be closed once it is answered."):
            complaint.with_user(self.user_workshop).action_close()
        complaint.with_user(self.user_workshop).action_start()
        with self.assertRefused("Only a new complaint can be deleted"):
            complaint.with_user(self.user_manager).unlink()

    def test_roles(self):
        # Parts staff have nothing to do with complaints; the accountant only reads them
        with self.assertRaises(AccessError):
            self._complaint(user=self.user_parts)
        complaint = self._complaint(user=self.user_workshop)
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_parts).read(["name"])
        self.assertEqual(complaint.with_user(self.user_accountant).name, complaint.name)
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_accountant).write({"answer": "x"})
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager handles"):
            complaint.with_user(self.user_accountant).action_start()
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_workshop).unlink()
        # The workshop writes and answers; a new complaint can be deleted by a manager
        complaint.with_user(self.user_workshop).write({"category_id": self.category_paint.id})
        self.assertTrue(complaint.with_user(self.user_manager).unlink())

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Dealer"})
        foreign = self.env["warranty.complaint"].with_company(other_company).create({
            "partner_id": self.customer.id, "description": "Foreign complaint", "company_id": other_company.id,
        })
        self.assertFalse(
            self.env["warranty.complaint"].with_user(self.user_manager).search([("id", "=", foreign.id)]),
            "a complaint of another company is not seen",
        )
        foreign_category = self.env["warranty.complaint.category"].create({
            "name": "Foreign", "company_id": other_company.id,
        })
        with self.assertRefused("Incompatible companies"):
            self._complaint(category_id=foreign_category.id)

    def test_answer_mail_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        template = self.env.ref("warranty_service.mail_template_complaint_answer")
        template.with_context(lang="fr_FR").subject = "Votre réclamation {{ object.name }} : notre réponse"
        complaint = self._complaint(answer="Nous avons réglé les poussoirs.")
        complaint.with_user(self.user_workshop).action_answer()
        message = complaint.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertEqual(message.subject, f"Votre réclamation {complaint.name} : notre réponse")
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn("Nous avons réglé les poussoirs.", str(message.body))
        self.assertIn(f"/my/complaints/{complaint.id}?access_token=", str(message.body))

    def test_overdue_and_activities(self):
        late = self._complaint(category_id=self.category_noise.id, received_date="2026-11-01 10:00:00")
        late.with_user(self.user_workshop).action_start()
        on_time = self._complaint(category_id=self.category_paint.id, received_date="2026-11-01 10:00:00")
        self.assertTrue(late.is_overdue)
        self.assertFalse(on_time.is_overdue)
        overdue = self.env["warranty.complaint"].search([("is_overdue", "=", True), ("id", "in", (late | on_time).ids)])
        self.assertEqual(overdue, late)
        not_overdue = self.env["warranty.complaint"].search(
            [("is_overdue", "=", False), ("id", "in", (late | on_time).ids)]
        )
        self.assertEqual(not_overdue, on_time)
        # A repair confirmed for a promised date that has passed
        repair = self.env["repair.order"].create({
            "product_id": self.van.id, "lot_id": self.van_lot.id, "partner_id": self.customer.id,
            "schedule_date": "2026-11-10 08:00:00", "user_id": self.user_workshop.id,
        })
        self.assertFalse(repair.warranty_is_late, "a draft promises nothing yet")
        repair.action_validate()
        self.assertTrue(repair.warranty_is_late)
        self.assertIn(repair, self.env["repair.order"].search([("warranty_is_late", "=", True)]))
        self.env["warranty.complaint"]._cron_schedule_deadline_activities()
        activity_type = self.env.ref("warranty_service.mail_activity_type_deadline_passed")
        late_activity = late.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(late_activity.user_id, self.user_workshop)
        self.assertFalse(on_time.activity_ids)
        self.assertEqual(repair.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id,
                         self.user_workshop)
        # The workshop's kanban flags the repair of an overdue complaint, for every reader of repairs
        late.repair_id = repair
        self.assertTrue(repair.with_user(self.user_parts).warranty_complaint_overdue)
        # Once a day, not once per run
        self.env["warranty.complaint"]._cron_schedule_deadline_activities()
        self.assertEqual(len(late.activity_ids), 1)
        # Answering clears the to-do; answered late, the deadline was not kept
        late.answer = "Sorry for the delay: fixed."
        late.with_user(self.user_workshop).action_answer()
        self.assertFalse(late.activity_ids)
        self.assertFalse(late.deadline_kept)
        self.assertEqual(late.answer_days, 19)

    def test_register_per_month_and_category(self):
        specs = [
            ("2026-09-03 10:00:00", self.category_noise, "2026-09-05 10:00:00"),  # in time
            ("2026-09-20 10:00:00", self.category_noise, "2026-09-30 10:00:00"),  # late (5 days)
            ("2026-09-21 10:00:00", self.category_paint, "2026-09-25 10:00:00"),  # in time
            ("2026-10-02 10:00:00", self.category_noise, None),  # not answered
        ]
        complaints = self.env["warranty.complaint"]
        for received, category, answered in specs:
            complaint = self._complaint(received_date=received, category_id=category.id, answer="Answer.")
            if answered:
                complaint.with_user(self.user_workshop).action_answer()
                # sudo: backdate the answer as if the action had run that day (the action writes it with sudo too)
                complaint.sudo().answered_date = answered
            complaints |= complaint
        groups = self.env["warranty.complaint"]._read_group(
            [("id", "in", complaints.ids)], ["received_date:month", "category_id"],
            ["__count", "answered_in_time_count:sum", "answer_days:avg"],
        )
        result = {
            (month.strftime("%Y-%m"), category.name): (count, in_time, days) for month, category, count, in_time, days
            in groups
        }
        self.assertEqual(result, {
            ("2026-09", "Noise"): (2, 1, 6.0),
            ("2026-09", "Paint"): (1, 1, 4.0),
            ("2026-10", "Noise"): (1, 0, 0.0),
        })

    def test_create_repair_from_complaint(self):
        complaint = self._complaint()
        without_unit = self._complaint(registration_id=False)
        with self.assertRefused("Choose the customer's unit on complaint .* before creating its repair."):
            without_unit.with_user(self.user_workshop).action_create_repair()
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager handles"):
            complaint.with_user(self.user_accountant).action_create_repair()
        action = complaint.with_user(self.user_workshop).action_create_repair()
        repair = complaint.repair_id
        self.assertEqual(action["res_model"], "repair.order")
        self.assertEqual(action["res_id"], repair.id)
        self.assertEqual(repair.lot_id, self.van_lot)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertEqual(repair.warranty_registration_id, self.registration)
        self.assertEqual(repair.warranty_coverage, "manufacturer", "coverage found as for any repair")
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(repair.complaint_ids, complaint)
        with self.assertRefused("Complaint .* already has repair"):
            complaint.with_user(self.user_workshop).action_create_repair()

    def test_unit_complaints_button(self):
        complaint = self._complaint()
        registration = self.registration.with_user(self.user_workshop)
        self.assertEqual(registration.complaint_count, 1)
        action = registration.action_view_complaints()
        self.assertEqual(self.env["warranty.complaint"].search(action["domain"]), complaint)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_staff_form(self):
        form = Form(self.env["warranty.complaint"].with_user(self.user_workshop))
        form.partner_id = self.customer
        form.registration_id = self.registration
        form.category_id = self.category_noise
        form.description = "Rattle from the dashboard."
        complaint = form.save()
        self.assertEqual(complaint.channel, "counter")
        self.assertEqual(complaint.lot_id, self.van_lot)


@tagged("post_install", "-at_install")
class TestComplaintMailGateway(WarrantyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot1, cls.lot2 = cls._create_lots(cls.van, "VIN-MAIL-1", "VIN-MAIL-2")
        cls.reg1, cls.reg2 = cls.env["warranty.registration"].create([
            {"lot_id": cls.lot1.id, "partner_id": cls.customer.id, "date_start": "2026-01-10"},
            {"lot_id": cls.lot2.id, "partner_id": cls.customer.id, "date_start": "2026-02-10"},
        ])

    def _process(self, email, name, subject, body, message_id):
        raw = RAW_EMAIL.format(email=email, name=name, subject=subject, body=body, message_id=message_id)
        res_id = self.env["mail.thread"].message_process("warranty.complaint", raw)
        return self.env["warranty.complaint"].browse(res_id)

    def test_intake_finds_sender_and_named_unit(self):
        complaint = self._process(
            "jensen@example.com", "Farmer Jensen", "Problem with VIN-MAIL-2",
            "Hello,\nmy van VIN-MAIL-2 leaks oil since Monday.", "cmp-1",
        )
        self.assertTrue(complaint)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.registration_id, self.reg2)
        self.assertEqual(complaint.channel, "email")
        self.assertIn("leaks oil", complaint.description)
        self.assertEqual(complaint.received_date, datetime(2026, 11, 20, 8, 0))
        self.assertRegex(complaint.name, r"^CMP/")
        self.assertEqual(complaint.message_ids[-1].subject, "Problem with VIN-MAIL-2")

    def test_intake_through_the_alias(self):
        # Routed by the recipient alone, as the incoming mail server does (no model given)
        alias = self.env.ref("warranty_service.mail_alias_warranty_complaint")
        domain = self.env["mail.alias.domain"].create({"name": "dealer.example.com"})
        alias.alias_domain_id = domain
        raw = RAW_EMAIL.format(
            email="jensen@example.com", name="Farmer Jensen", subject="VIN-MAIL-1 does not start",
            body="It does not start in the morning.", message_id="cmp-alias",
        ).replace("To: complaints@example.com", "To: complaints@dealer.example.com")
        res_id = self.env["mail.thread"].message_process(False, raw)
        complaint = self.env["warranty.complaint"].browse(res_id)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.registration_id, self.reg1)
        self.assertEqual(complaint.channel, "email")

    def test_intake_unit_ambiguous_or_unknown_sender(self):
        complaint = self._process(
            "jensen@example.com", "Farmer Jensen", "Problem", "My van leaks oil.", "cmp-2",
        )
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertFalse(complaint.registration_id, "two units, none named: staff choose")
        stranger = self._process(
            "new.owner@example.com", "New Owner", "Noise", "Something rattles.", "cmp-3",
        )
        self.assertEqual(stranger.partner_id.email, "new.owner@example.com")
        self.assertFalse(stranger.registration_id)
        self.assertEqual(stranger.state, "new")

    def test_reply_goes_to_the_same_complaint(self):
        complaint = self._process(
            "jensen@example.com", "Farmer Jensen", "Problem VIN-MAIL-1", "Brakes squeal.", "cmp-4",
        )
        reply = RAW_EMAIL.format(
            email="jensen@example.com", name="Farmer Jensen", subject="Re: Problem VIN-MAIL-1",
            body="Here is more information.", message_id="cmp-5",
        ).replace("Message-ID:", "In-Reply-To: <cmp-4@example.com>\nMessage-ID:")
        self.env["mail.thread"].message_process("warranty.complaint", reply)
        self.assertEqual(self.env["warranty.complaint"].search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertIn("more information", str(complaint.message_ids[0].body))


@tagged("post_install", "-at_install")
class TestComplaintPortalRules(WarrantyCommon):
    """The record rules behind the portal pages: an owner reads their own, never another's, never writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Owner", "email": "other@example.com"})
        cls.lot_own, cls.lot_other = cls._create_lots(cls.van, "VIN-PR-1", "VIN-PR-2")
        cls.reg_own, cls.reg_other = cls.env["warranty.registration"].create([
            {"lot_id": cls.lot_own.id, "partner_id": cls.customer.id, "date_start": "2026-01-10"},
            {"lot_id": cls.lot_other.id, "partner_id": cls.other_customer.id, "date_start": "2026-01-10"},
        ])
        cls.portal_user = new_test_user(
            cls.env, login="ws_owner", groups="base.group_portal", partner_id=cls.customer.id,
        )
        cls.complaint_own, cls.complaint_other = cls.env["warranty.complaint"].create([
            {"partner_id": cls.customer.id, "registration_id": cls.reg_own.id, "description": "Own"},
            {"partner_id": cls.other_customer.id, "registration_id": cls.reg_other.id, "description": "Other"},
        ])
        cls.repair_own, cls.repair_other = cls.env["repair.order"].create([
            {"product_id": cls.van.id, "lot_id": cls.lot_own.id, "partner_id": cls.customer.id},
            {"product_id": cls.van.id, "lot_id": cls.lot_other.id, "partner_id": cls.other_customer.id},
        ])
        cls.attachment_other = cls.env["ir.attachment"].create({
            "name": "other.png", "raw": b"\x89PNG other", "res_model": "warranty.complaint",
            "res_id": cls.complaint_other.id,
        })

    def test_owner_reads_own_only(self):
        env = self.env(user=self.portal_user)
        self.assertEqual(env["warranty.registration"].search([]), self.reg_own)
        self.assertEqual(env["warranty.complaint"].search([]), self.complaint_own)
        self.assertEqual(env["repair.order"].search([]), self.repair_own)
        for record in (self.reg_other, self.complaint_other, self.repair_other, self.attachment_other):
            with self.assertRaises(AccessError, msg=f"{record} must not be readable"):
                record.with_user(self.portal_user).read(["display_name"])
        self.assertEqual(self.reg_own.with_user(self.portal_user).lot_id, self.lot_own)

    def test_owner_writes_nothing(self):
        with self.assertRaises(AccessError):
            self.reg_own.with_user(self.portal_user).write({"mileage_limit_km": 1})
        with self.assertRaises(AccessError):
            self.complaint_own.with_user(self.portal_user).write({"description": "changed"})
        with self.assertRaises(AccessError):
            self.env["warranty.complaint"].with_user(self.portal_user).create({
                "partner_id": self.customer.id, "description": "direct",
            })
        with self.assertRaises(AccessError):
            self.complaint_own.with_user(self.portal_user).action_start()
        with self.assertRaises(AccessError):
            self.repair_own.with_user(self.portal_user).write({"odometer_km": 5})


@tagged("post_install", "-at_install")
class TestComplaintRepairOfItsUnit(WarrantyCommon):
    """Issue 27, item 9: a complaint's repair is one of the complaint's unit and customer, whatever the caller
    sends (the form's domain is only a suggestion): the owner's portal shows the complaint's repair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Owner", "email": "other@example.com"})
        cls.lot_own, cls.lot_other = cls._create_lots(cls.van, "VIN-CR-1", "VIN-CR-2")
        cls.reg_own, cls.reg_other = cls.env["warranty.registration"].create([
            {"lot_id": cls.lot_own.id, "partner_id": cls.customer.id, "date_start": "2026-01-10"},
            {"lot_id": cls.lot_other.id, "partner_id": cls.other_customer.id, "date_start": "2026-01-10"},
        ])
        cls.repair_own, cls.repair_other_unit, cls.repair_other_customer = cls.env["repair.order"].create([
            {"product_id": cls.van.id, "lot_id": cls.lot_own.id, "partner_id": cls.customer.id},
            {"product_id": cls.van.id, "lot_id": cls.lot_other.id, "partner_id": cls.other_customer.id},
            # The same unit, in the hands of its earlier owner
            {"product_id": cls.van.id, "lot_id": cls.lot_own.id, "partner_id": cls.other_customer.id},
        ])

    def _vals(self, **values):
        return {
            "partner_id": self.customer.id, "registration_id": self.reg_own.id,
            "description": "The engine knocks when cold.", "channel": "phone", **values,
        }

    def test_repair_of_another_unit_refused(self):
        Complaint = self.env["warranty.complaint"].with_user(self.user_workshop)
        message = (
            r"Complaint CMP/\d+/\d+ is about unit VIN-CR-1 of Farmer Jensen: its repair must be a repair of that unit "
            rf"and customer, and {re.escape(self.repair_other_unit.name)} is not \(unit VIN-CR-2 of Other Owner\)\."
        )
        with self.assertRefused(message):
            Complaint.create(self._vals(repair_id=self.repair_other_unit.id))
        complaint = Complaint.create(self._vals())
        with self.assertRefused(message):
            complaint.write({"repair_id": self.repair_other_unit.id})
        other_customer = re.escape(self.repair_other_customer.name)
        with self.assertRefused(rf"and {other_customer} is not \(unit VIN-CR-1 of Other Owner\)"):
            complaint.write({"repair_id": self.repair_other_customer.id})
        with self.assertRefused("its repair must be a repair of that unit and customer"):
            self.repair_other_unit.with_user(self.user_workshop).write({"complaint_ids": [(4, complaint.id)]})
        self.assertFalse(complaint.repair_id)
        # The repair of its own unit and customer is linked; the unit then no longer changes under it
        complaint.write({"repair_id": self.repair_own.id})
        self.assertEqual(complaint.repair_id, self.repair_own)
        with self.assertRefused("its repair must be a repair of that unit and customer"):
            complaint.write({"registration_id": self.reg_other.id, "partner_id": self.other_customer.id})
        self.assertEqual(complaint.registration_id, self.reg_own)
