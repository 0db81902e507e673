"""Issue 12, claims: the server decides who may change a claim's money, decisions, dates and lines.

Every test runs as a user of one warranty group (``new_test_user``), on claims made from a done repair, with
the dates frozen: the repair is done on 2026-06-02, the claim's deadline is 2026-07-02.
"""
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_claim import ClaimCommon


class ClaimIntegrityCommon(ClaimCommon):

    # The claims are made and submitted on 2026-06-10, within their deadline, whatever today is
    freeze_time = "2026-06-10 09:00:00"

    def _submitted(self):
        claim = self._claim(self._done_repair())
        claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(claim.state, "submitted")
        return claim

    @staticmethod
    def _lines(claim):
        part = claim.line_ids.filtered(lambda line: line.line_type == "part")
        return part, claim.line_ids.filtered(lambda line: line.line_type == "labor")


@tagged("post_install", "-at_install")
class TestClaimRights(ClaimIntegrityCommon):
    def test_workshop_cannot_decide_nor_write_state_or_money(self):
        claim = self._submitted()
        part, labour = self._lines(claim)
        as_workshop = claim.with_user(self.user_workshop)
        with self.assertRaisesRegex(
            AccessError, "Only a Warranty Accountant or Manager records the manufacturer's decision"
        ):
            as_workshop.action_accept()
        with self.assertRaisesRegex(
            AccessError, "Only a Warranty Accountant or Manager records the manufacturer's decision"
        ):
            as_workshop.action_reject("Not a factory defect")
        for vals in ({"state": "accepted"}, {"amount_accepted": 6500.0}, {"state": "paid"}):
            with self.assertRaisesRegex(AccessError, "change only through its actions"):
                as_workshop.write(vals)
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records"):
            labour.with_user(self.user_workshop).write({"amount_accepted": 175.0})
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records"):
            part.with_user(self.user_workshop).write({"decision": "accepted"})
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records"):
            as_workshop.write({"line_ids": [Command.update(labour.id, {"amount_accepted": 175.0})]})
        self.assertEqual((claim.state, claim.amount_accepted), ("submitted", 0.0))
        self.assertEqual(set(claim.line_ids.mapped("decision")), {"pending"})

    def test_nobody_writes_the_life_cycle_by_hand(self):
        claim = self._submitted()
        for user in (self.user_manager, self.user_accountant, self.user_workshop):
            for vals in (
                {"state": "paid"},
                {"submission_date": "2026-07-30"},
                {"revision": 3},
                {"is_accrued": True},
                {"deadline_date": "2026-12-31"},
                {"date_paid": "2026-06-11"},
                {"name": "TM-WC-99999"},
            ):
                with self.assertRaisesRegex(AccessError, "change only through its actions"):
                    claim.with_user(user).write(vals)
        with self.assertRaisesRegex(AccessError, "change only through its actions"):
            claim.with_user(self.user_manager).write({"repair_id": self._done_repair().id})
        with self.assertRaisesRegex(AccessError, "A new claim is a draft"):
            self.env["warranty.claim"].with_user(self.user_manager).create(
                {
                    "manufacturer_id": self.manufacturer.id,
                    "state": "accepted",
                }
            )
        self.assertEqual(claim.state, "submitted")

    def test_claims_come_from_repairs(self):
        with self.assertRaisesRegex(AccessError, "Claims are made from done repairs"):
            self.env["warranty.claim"].with_user(self.user_workshop).create({"manufacturer_id": self.manufacturer.id})
        repair = self._done_repair()
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager makes warranty claims"):
            repair.with_user(self.user_accountant).action_create_warranty_claim()
        claim = self._claim(repair)
        with self.assertRaisesRegex(AccessError, "A new claim line is not decided yet"):
            self.env["warranty.claim.line"].with_user(self.user_workshop).create(
                {
                    "claim_id": claim.id,
                    "name": "Extra",
                    "price_unit": 10.0,
                    "amount_accepted": 10.0,
                }
            )

    def test_accountant_decides_but_does_not_prepare(self):
        claim = self._claim(self._done_repair())
        part, labour = self._lines(claim)
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager submits"):
            claim.with_user(self.user_accountant).action_submit()
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager prepares"):
            part.with_user(self.user_accountant).price_unit = 99.0
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager prepares"):
            claim.with_user(self.user_accountant).failure_cause = "Misuse"
        claim.with_user(self.user_workshop).action_submit()
        labour.with_user(self.user_accountant).write({"amount_accepted": 150.0, "rejection_code": "R-HRS"})
        self.assertIs(claim.with_user(self.user_accountant).action_accept(), True)
        self.assertEqual(claim.state, "partially_accepted")
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager corrects and resubmits"):
            claim.with_user(self.user_accountant).action_resubmit()

    def test_cancel_by_role_and_state(self):
        draft = self._claim(self._done_repair())
        self.assertIs(draft.with_user(self.user_workshop).action_cancel(), True)
        self.assertEqual(draft.state, "cancel")
        sent = self._submitted()
        with self.assertRaisesRegex(AccessError, "withdrawn by a Warranty Manager only"):
            sent.with_user(self.user_workshop).action_cancel()
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager cancels"):
            sent.with_user(self.user_accountant).action_cancel()
        accepted = self._submitted()
        accepted.with_user(self.user_accountant).action_accept()
        with self.assertRaisesRegex(
            UserError, "is Accepted: only a draft, submitted or rejected claim can be cancelled"
        ):
            accepted.with_user(self.user_manager).action_cancel()
        self.assertIs(sent.with_user(self.user_manager).action_cancel(), True)
        self.assertEqual(sent.state, "cancel")


@tagged("post_install", "-at_install")
class TestClaimFrozen(ClaimIntegrityCommon):
    def test_lines_of_a_submitted_claim_are_frozen_for_everyone(self):
        claim = self._submitted()
        part, labour = self._lines(claim)
        frozen = "its lines cannot be added, changed or deleted"
        for user in (self.user_workshop, self.user_accountant, self.user_manager):
            for vals in (
                {"price_unit": 3000.0},
                {"quantity": 20},
                {"name": "Engine"},
                {"line_type": "other"},
                {"product_id": self.van.id},
                {"labor_operation_id": self.operation_test.id},
            ):
                with self.assertRaisesRegex(UserError, frozen):
                    part.with_user(user).write(vals)
            as_user = claim.with_user(user)
            with self.assertRaisesRegex(UserError, frozen):
                as_user.write(
                    {"line_ids": [Command.update(labour.id, {"quantity": 40.0, "hours_override_reason": "x"})]}
                )
        # The accountant neither creates nor deletes lines at all (access rights)
        for user in (self.user_workshop, self.user_manager):
            as_user = claim.with_user(user)
            with self.assertRaisesRegex(UserError, frozen):
                as_user.write({"line_ids": [Command.create({"name": "Gearbox", "price_unit": 6000.0})]})
            # The labour line: deleting the part line is refused first because its part waits in the returns
            with self.assertRaisesRegex(UserError, frozen):
                as_user.write({"line_ids": [Command.delete(labour.id)]})
        with self.assertRaisesRegex(UserError, frozen):
            labour.with_user(self.user_workshop).unlink()
        with self.assertRaisesRegex(UserError, "waits in the warranty returns: ship or scrap it before deleting"):
            part.with_user(self.user_workshop).unlink()
        with self.assertRaisesRegex(UserError, frozen):
            self.env["warranty.claim.line"].with_user(self.user_workshop).create(
                {
                    "claim_id": claim.id,
                    "name": "Gearbox",
                    "price_unit": 6000.0,
                }
            )
        with self.assertRaisesRegex(UserError, "A claim line belongs to its claim"):
            part.with_user(self.user_workshop).claim_id = self._claim(self._done_repair())
        self.assertEqual((claim.amount_claimed, len(claim.line_ids)), (230.0, 2))

    def test_unit_and_dates_of_a_submitted_claim_are_frozen(self):
        claim = self._submitted()
        for user in (self.user_workshop, self.user_manager):
            for vals in (
                {"repair_date": "2026-06-09"},
                {"failure_date": "2026-06-09"},
                {"odometer_km": 1},
                {"lot_id": self.lot_extended.id},
                {"manufacturer_id": self.customer.id},
                {"causal_part_id": self.van.id},
                {"defect_code_ids": [Command.clear()]},
            ):
                with self.assertRaisesRegex(UserError, "was sent to the manufacturer: its unit, dates and diagnosis"):
                    claim.with_user(user).write(vals)

    def test_an_overdue_claim_needs_a_manager(self):
        claim = self._claim(self._done_repair())
        self.assertEqual(str(claim.deadline_date), "2026-07-02")
        with freeze_time("2026-08-01"):
            as_workshop = claim.with_user(self.user_workshop)
            with self.assertRaisesRegex(AccessError, "change only through its actions"):
                as_workshop.deadline_date = "2026-09-30"
            with self.assertRaisesRegex(AccessError, "takes its repair date from repair .*: only a Warranty Manager"):
                as_workshop.repair_date = "2026-07-25"
            with self.assertRaisesRegex(AccessError, "Only a Warranty Manager lets a claim go out after its deadline"):
                as_workshop.late_reason = "Forgot"
            with self.assertRaisesRegex(UserError, "is past its deadline"):
                as_workshop.action_submit()
            self.assertEqual(claim.state, "draft")
            claim.with_user(self.user_manager).late_reason = "Part analysis by the manufacturer took five weeks"
            self.assertIs(claim.with_user(self.user_manager).action_submit(), True)
        self.assertEqual(claim.state, "submitted")
        with self.assertRaisesRegex(UserError, "was sent to the manufacturer"):
            claim.with_user(self.user_manager).late_reason = False
        self.assertEqual(claim.late_reason, "Part analysis by the manufacturer took five weeks")

    def test_repair_date_comes_from_the_repair(self):
        repair = self._done_repair()
        claim = (
            self.env["warranty.claim"]
            .with_user(self.user_workshop)
            .create(
                {
                    **repair._prepare_warranty_claim_vals(),
                    "repair_date": "2026-09-01",
                    "registration_id": False,
                }
            )
        )
        self.assertEqual(str(claim.repair_date), "2026-06-02", "the repair's date, not the one sent")
        self.assertEqual(str(claim.deadline_date), "2026-07-02")
        self.assertEqual(claim.registration_id, self.registration, "the repair's registration")
        # A Warranty Manager may move it while the claim is a draft; the deadline follows
        claim.with_user(self.user_manager).repair_date = "2026-06-05"
        self.assertEqual(str(claim.deadline_date), "2026-07-05")

    def test_repair_date_of_a_claim_written_by_hand(self):
        """Issue 26: the repair date decides the deadline of every claim, with a repair or without one."""
        claim = self.env["warranty.claim"].with_user(self.user_manager).create(
            {"manufacturer_id": self.manufacturer.id, "repair_date": "2026-06-05"}
        )
        self.assertFalse(claim.repair_id)
        self.assertEqual(str(claim.deadline_date), "2026-07-05")
        as_workshop = claim.with_user(self.user_workshop)
        with self.assertRaisesRegex(
            AccessError,
            rf"The repair date of claim {claim.name} sets its deadline: it is stated when the claim is made, and "
            r"only a Warranty Manager can change it afterwards\.",
        ):
            as_workshop.write({"repair_date": "2026-06-09"})
        self.assertEqual(str(claim.deadline_date), "2026-07-05")
        as_workshop.write({"repair_date": "2026-06-05", "odometer_km": 12000})  # the form saving it unchanged
        claim.with_user(self.user_manager).repair_date = "2026-06-06"
        self.assertEqual(str(claim.deadline_date), "2026-07-06")
        with freeze_time("2026-08-01"):
            with self.assertRaisesRegex(AccessError, "sets its deadline: .* only a Warranty Manager can change it"):
                as_workshop.write({"repair_date": "2026-07-25"})
            # Overdue: nobody makes it look on time, only the late submission with its reason remains
            with self.assertRaisesRegex(
                UserError,
                rf"Claim {claim.name} is past its deadline \(07/06/2026\): its repair date cannot move any more\. A "
                r"Warranty Manager submits it late, with the reason for the late submission\.",
            ):
                claim.with_user(self.user_manager).write({"repair_date": "2026-07-25"})
        self.assertEqual(str(claim.deadline_date), "2026-07-06")

    def test_correction_goes_through_resubmit(self):
        claim = self._submitted()
        part, labour = self._lines(claim)
        claim.with_user(self.user_accountant).action_reject("Labour time not justified")
        self.assertEqual(set(claim.line_ids.mapped("decision")), {"rejected"})
        self.assertIs(claim.with_user(self.user_workshop).action_resubmit(), True)
        self.assertEqual((claim.state, claim.revision), ("draft", 1))
        history = claim.message_ids[0].body
        self.assertIn("Revision 0 closed", history)
        self.assertIn("2.0 x 27.5 = 55.0", history, "the old figures stay in the history")
        self.assertEqual(set(claim.line_ids.mapped("decision")), {"pending"})
        labour.with_user(self.user_workshop).write({"quantity": 3.0})
        claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(claim.amount_claimed, 205.0)


@tagged("post_install", "-at_install")
class TestClaimDecisions(ClaimIntegrityCommon):
    def test_zero_accepted_is_a_rejection_with_a_code(self):
        claim = self._submitted()
        part, labour = self._lines(claim)
        as_accountant = part.with_user(self.user_accountant)
        with self.assertRaisesRegex(
            ValidationError, "0.00 accepted means the manufacturer rejected the line; enter its rejection code"
        ):
            as_accountant.amount_accepted = 0.0
        as_accountant.write({"amount_accepted": 0.0, "rejection_code": "R-WEAR"})
        self.assertEqual(part.decision, "rejected")
        claim.with_user(self.user_accountant).action_accept()
        # The old code took 0.00 as "accepted in full" and invoiced the manufacturer for the part
        self.assertEqual((part.decision, part.amount_accepted), ("rejected", 0.0))
        self.assertEqual((labour.decision, labour.amount_accepted), ("accepted", 175.0), "pending: accepted in full")
        self.assertEqual(claim.state, "partially_accepted")
        self.assertEqual((claim.amount_accepted, claim.amount_rejected), (175.0, 55.0))

    def test_decision_and_amount_go_together(self):
        claim = self._submitted()
        part, labour = self._lines(claim)
        as_accountant = labour.with_user(self.user_accountant)
        as_accountant.amount_accepted = 150.0
        self.assertEqual(labour.decision, "partial")
        as_accountant.amount_accepted = 175.0
        self.assertEqual(labour.decision, "accepted")
        as_accountant.decision = "pending"
        self.assertEqual(labour.amount_accepted, 0.0)
        part.with_user(self.user_accountant).decision = "accepted"
        self.assertEqual(part.amount_accepted, 55.0)
        with self.assertRaisesRegex(ValidationError, "partially accepted means more than 0.00 and less than"):
            as_accountant.write({"decision": "partial", "amount_accepted": 175.0})
        with self.assertRaisesRegex(ValidationError, "cannot accept 500.0 when 175.0 was claimed"):
            as_accountant.amount_accepted = 500.0

    def test_claim_follows_its_lines(self):
        claim = self._submitted()
        claim.line_ids.with_user(self.user_accountant).write({"amount_accepted": 0.0, "rejection_code": "R-OIL"})
        claim.with_user(self.user_accountant).action_accept()
        self.assertEqual(claim.state, "rejected", "every line rejected: the claim is rejected")
        self.assertIn("R-OIL", claim.rejection_reason)
        full = self._submitted()
        full.with_user(self.user_manager).action_accept()
        self.assertEqual(full.state, "accepted")
        self.assertEqual(set(full.line_ids.mapped("decision")), {"accepted"})

    def test_decisions_only_while_submitted(self):
        claim = self._claim(self._done_repair())
        with self.assertRaisesRegex(UserError, "is not waiting for the manufacturer's decision"):
            claim.line_ids[0].with_user(self.user_accountant).amount_accepted = 10.0
        with self.assertRaisesRegex(UserError, "was not submitted: the manufacturer has nothing to decide"):
            claim.with_user(self.user_accountant).action_accept()
        claim.with_user(self.user_workshop).action_submit()
        claim.with_user(self.user_accountant).action_accept()
        with self.assertRaisesRegex(UserError, "is not waiting for the manufacturer's decision"):
            claim.line_ids[0].with_user(self.user_manager).amount_accepted = 10.0
        with self.assertRaisesRegex(UserError, "was not submitted: the manufacturer has nothing to decide"):
            claim.with_user(self.user_accountant).action_reject("Changed our mind")


@tagged("post_install", "-at_install")
class TestClaimActionsAndCompanies(ClaimIntegrityCommon):
    def test_actions_return_values_and_check_their_start(self):
        claim = self._claim(self._done_repair())
        as_workshop = claim.with_user(self.user_workshop)
        with self.assertRaisesRegex(UserError, "Only a rejected or partially accepted claim can be resubmitted"):
            as_workshop.action_resubmit()
        self.assertIs(as_workshop.action_submit(), True)
        with self.assertRaisesRegex(UserError, "is not a draft: it cannot be submitted"):
            as_workshop.action_submit()
        self.assertIs(claim.with_user(self.user_accountant).action_reject("Not covered"), True)
        self.assertIs(as_workshop.action_resubmit(), True)
        self.assertIsInstance(as_workshop.action_print_reclamation_act(), dict)
        self.assertIsInstance(claim.with_user(self.user_accountant).action_view_invoices(), dict)

    def test_one_open_claim_per_repair_in_the_database(self):
        repair = self._done_repair()
        claim = self._claim(repair)
        vals = repair._prepare_warranty_claim_vals()
        # Past the Python check (as a parallel request is): the database refuses the second open claim
        with self.assertRefused("This repair already has a warranty claim"):
            self.env["warranty.claim"].create(vals)
            self.env.flush_all()
        claim.with_user(self.user_workshop).action_cancel()
        self.assertTrue(self._claim(repair), "a cancelled claim does not count")

    def test_related_records_of_the_claims_company(self):
        other = self.env["res.company"].create({"name": "Other Dealer"})
        foreign_code = self.env["warranty.defect.code"].create(
            {
                "code": "O-1",
                "name": "Other company's code",
                "company_id": other.id,
            }
        )
        foreign_part = self.env["product.product"].create({"name": "Other part", "company_id": other.id})
        foreign_maker = self.env["res.partner"].create({"name": "Other Motors", "company_id": other.id})
        claim = self._claim(self._done_repair())
        with self.assertRaisesRegex(ValidationError, "Defect code O-1 belongs to Other Dealer"):
            claim.with_user(self.user_workshop).defect_code_ids = [Command.link(foreign_code.id)]
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            claim.sudo().manufacturer_id = foreign_maker
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            claim.line_ids[0].sudo().product_id = foreign_part
