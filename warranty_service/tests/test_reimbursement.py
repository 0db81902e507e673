from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models import warranty_claim_reimbursement
from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestReimbursement(ClaimCommon):
    """Accepted claims become receivables (or expected credit notes) and follow their payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.parts_account = Account.create({"code": "791910", "name": "Test parts recovery", "account_type": "income"})
        cls.labour_account = Account.create(
            {"code": "791920", "name": "Test labour recovery", "account_type": "income"}
        )
        cls.accrual_account = Account.create({
            "code": "147910", "name": "Test claims to invoice", "account_type": "asset_current",
        })
        cls.writeoff_account = Account.create({
            "code": "691910", "name": "Test rejected claims", "account_type": "expense",
        })
        cls.env.company.write({
            "warranty_parts_account_id": cls.parts_account.id,
            "warranty_labor_account_id": cls.labour_account.id,
            "warranty_accrual_account_id": cls.accrual_account.id,
            "warranty_writeoff_account_id": cls.writeoff_account.id,
        })
        cls.other_maker = cls.env["res.partner"].create({
            "name": "Credit Note Motors", "is_company": True, "warranty_reimbursement_method": "credit_note",
        })

    def setUp(self):
        super().setUp()
        self.assertTrue(
            self.env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", self.env.company.id)]),
            "these tests need the chart of accounts that make test installs with the demo database",
        )

    def _accepted_claim(self, labour_accepted=None):
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-10"):
            claim.action_submit()
        if labour_accepted is not None:
            claim.line_ids.filtered(lambda line: line.line_type == "labor").amount_accepted = labour_accepted
        claim.action_accept()
        return claim

    def _balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return sum(lines.mapped("balance"))

    def _pay(self, invoice, amount=None):
        wizard = self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount} if amount else {})
        return wizard._create_payments()

    def test_invoice_mode_from_acceptance_to_paid(self):
        claim = self._accepted_claim()
        self.assertEqual(claim.reimbursement_state, "not_invoiced")
        claim.with_user(self.user_accountant).action_create_invoice()
        invoice = claim.invoice_ids
        self.assertEqual((invoice.move_type, invoice.partner_id), ("out_invoice", self.manufacturer))
        self.assertEqual(invoice.invoice_origin, claim.name)
        self.assertEqual(invoice.amount_total, 230.0)
        self.assertEqual(invoice.invoice_line_ids.account_id, self.accrual_account,
                         "booked at submission: the invoice clears the claims to invoice")
        self.assertEqual(invoice.invoice_line_ids.warranty_claim_line_id, claim.line_ids)
        self.assertEqual(claim.reimbursement_state, "invoiced")
        self.assertEqual(self._balance(self.parts_account), -55.0, "parts income booked at submission")
        self.assertEqual(self._balance(self.labour_account), -175.0, "labour on its own account")
        self.assertEqual(self._balance(self.accrual_account), 230.0, "owed by the manufacturer, not invoiced yet")
        invoice.action_post()
        self.assertEqual(self._balance(self.accrual_account), 0.0, "the invoice turns it into a receivable")
        receivable_account = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").account_id
        receivable = self.env["account.move.line"].search([
            ("account_id", "=", receivable_account.id),
            ("partner_id", "=", self.manufacturer.id), ("parent_state", "=", "posted"),
        ])
        self.assertEqual(sum(receivable.mapped("balance")), 230.0, "the manufacturer owes it on its receivable")
        self.assertEqual(self._balance(self.parts_account) + self._balance(self.labour_account), -230.0,
                         "the income is counted once")
        with freeze_time("2026-07-10"):
            self._pay(invoice)
        self.assertEqual(claim.reimbursement_state, "paid")
        self.assertEqual(claim.state, "paid")
        self.assertEqual((claim.amount_paid, claim.amount_open), (230.0, 0.0))
        self.assertEqual(claim.days_to_payment, 30)
        self.assertEqual(claim.acceptance_rate, 100.0)
        self.assertFalse(self.env["warranty.claim.aging"].search([("claim_id", "=", claim.id)]), "nothing owed")

    def test_partial_payment_and_reversal(self):
        claim = self._accepted_claim(labour_accepted=150.0)
        self.assertEqual(claim.state, "partially_accepted")
        claim.with_user(self.user_accountant).action_create_invoice()
        invoice = claim.invoice_ids
        self.assertEqual(invoice.amount_total, 205.0, "only the accepted amount")
        invoice.action_post()
        self._pay(invoice, amount=100.0)
        self.assertEqual(claim.reimbursement_state, "partial")
        self.assertEqual(claim.state, "partially_accepted")
        self.assertEqual((claim.amount_paid, claim.amount_open), (100.0, 105.0))
        aging = self.env["warranty.claim.aging"].with_user(self.user_accountant).search([("claim_id", "=", claim.id)])
        self.assertEqual(aging.amount_open, 105.0)
        self.assertEqual(aging.age, "90_plus", "submitted on 2026-06-10, more than 90 days ago")
        def decision():
            self.env.invalidate_all()
            return (claim.amount_claimed, claim.amount_accepted, claim.amount_rejected, claim.acceptance_rate,
                    claim.line_ids.mapped("amount_rejected"), claim.deadline_state)

        decided = decision()
        self.assertTrue(decided[2], "part of the claim was rejected")
        payment = self._pay(invoice, amount=105.0)
        self.assertEqual(claim.state, "paid")
        # Paid changes nothing of the decision (these fields are protected while the claim becomes Paid)
        self.assertEqual(decision(), decided)
        # The payment is taken back: the claim is owed again
        payment.action_draft()
        self.assertEqual(claim.reimbursement_state, "partial")
        self.assertEqual(claim.state, "partially_accepted")

    def test_grouped_per_manufacturer(self):
        claims = self._accepted_claim() | self._accepted_claim()
        claims.with_user(self.user_accountant).action_create_invoice()
        self.assertEqual(len(claims.invoice_ids), 1, "one invoice for the manufacturer")
        self.assertEqual(claims.invoice_ids.amount_total, 460.0)
        claims.invoice_ids.action_post()
        self.assertEqual(len(claims.invoice_ids.line_ids.filtered(lambda line: line.display_type == "payment_term")),
                         2, "a receivable line per claim")
        self._pay(claims.invoice_ids, amount=230.0)
        self.assertEqual(sorted(claims.mapped("amount_paid")), [0.0, 230.0],
                         "a grouped payment pays the claims whose lines it is reconciled with, never a share")
        self.assertEqual(sorted(claims.mapped("state")), ["accepted", "paid"])
        self.assertEqual(len(claims.invoice_ids.invoice_line_ids), 4)
        with self.assertRefused("is already invoiced"):
            claims.filtered(lambda claim: claim.state != "paid").with_user(self.user_accountant).action_create_invoice()

    def test_reference_of_a_grouped_invoice(self):
        single, *pair = self._accepted_claim(), self._accepted_claim(), self._accepted_claim()
        pair = pair[0] | pair[1]
        for claim, reference in zip(single | pair, ("MFR-A", "MFR-B", "MFR-C"), strict=True):
            claim.manufacturer_reference = reference
        # Above the limit (10 claims; 1 here) the invoice's reference gives the range only: core copies it onto every
        # journal item, and hundreds of references made each of them costly to update (issue 26); its lines name them
        with patch.object(warranty_claim_reimbursement, "MAX_CLAIM_REFERENCES_ON_INVOICE", 1):
            single.with_user(self.user_accountant).action_create_invoice()
            pair.with_user(self.user_accountant).action_create_invoice()
        self.assertEqual(single.invoice_ids.ref, "MFR-A")
        self.assertEqual(pair.invoice_ids.ref, "2 claims, MFR-B to MFR-C")
        self.assertEqual(len(pair.invoice_ids), 1)
        names = pair.invoice_ids.invoice_line_ids.mapped("name")
        self.assertTrue(any("(MFR-B)" in name for name in names) and any("(MFR-C)" in name for name in names), names)

    def test_credit_note_mode(self):
        self.van.warranty_manufacturer_id = self.other_maker
        self.other_maker.warranty_labor_rate = 50
        claim = self._accepted_claim()
        self.assertEqual(claim.manufacturer_id, self.other_maker)
        claim.with_user(self.user_accountant).action_create_invoice()
        credit_note = claim.invoice_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("in_refund", "draft"),
                         "the credit note the manufacturer will send, ready to be matched")
        credit_note.invoice_date = "2026-07-01"
        credit_note.action_post()
        self.assertEqual(self._balance(self.accrual_account), 0.0, "the credit note clears what was owed")
        payable = self.env["account.move.line"].search([
            ("account_id", "=", credit_note.partner_id.property_account_payable_id.id),
            ("partner_id", "=", self.other_maker.id), ("parent_state", "=", "posted"),
        ])
        self.assertEqual(sum(payable.mapped("balance")), credit_note.amount_total,
                         "the manufacturer owes it as a credit on our parts payable")
        self._pay(credit_note)
        self.assertEqual(claim.state, "paid")

    def test_only_accountants_invoice(self):
        claim = self._accepted_claim()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager books the reimbursement"):
            claim.with_user(self.user_workshop).action_create_invoice()
        draft = self._claim(self._done_repair())
        with self.assertRefused("is not accepted: there is nothing to invoice"):
            draft.with_user(self.user_accountant).action_create_invoice()

    def test_accounts_must_be_set(self):
        claim = self._accepted_claim()
        self.env.company.warranty_parts_account_id = False
        with self.assertRefused("Set the warranty parts and labour recovery accounts"):
            claim.with_user(self.user_accountant).action_create_invoice()

    def _remittance(self, rows, header=None, received=None):
        import base64
        import csv
        import io
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header or ["claim_number", "revision", "amount_paid", "payment_reference", "date"])
        writer.writerows(rows)
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        return self.env["warranty.remittance.import"].with_user(self.user_accountant).create({
            "manufacturer_id": self.manufacturer.id,
            "journal_id": bank.id,
            "amount_received": received if received is not None else sum(
                float(row[2]) for row in rows if len(row) > 2
            ),
            "data": base64.b64encode(buffer.getvalue().encode()),
        })

    def _invoiced_claims(self, count):
        claims = self.env["warranty.claim"]
        for _i in range(count):
            claims |= self._accepted_claim()
        for claim in claims:  # one invoice each
            claim.with_user(self.user_accountant).action_create_invoice()
        claims.invoice_ids.action_post()
        return claims

    def test_remittance_pays_many_claims(self):
        full, short = self._invoiced_claims(2)
        wizard = self._remittance([
            [full.name, "0", "230.00", "REM-2026-07", "2026-07-15"],
            [short.name, "0", "200.00", "REM-2026-07", "2026-07-15"],
        ])
        wizard.action_preview()
        self.assertEqual((wizard.error_count, wizard.amount_total), (0, 430.0))
        wizard.action_apply()
        self.assertEqual(full.state, "paid")
        self.assertEqual((short.reimbursement_state, short.amount_open), ("partial", 30.0))
        payments = self.env["account.payment"].search([("memo", "=", "REM-2026-07")])
        self.assertEqual(payments.mapped("amount"), [430.0], "one payment for the whole remittance")

    def test_remittance_with_a_bad_row_posts_nothing(self):
        claim = self._invoiced_claims(1)
        wizard = self._remittance([
            [claim.name, "0", "300.00", "REM-X", "2026-07-15"],   # above what is open
            ["NOPE-1", "0", "10", "REM-X", "2026-07-15"],         # unknown claim
        ])
        wizard.action_preview()
        messages = wizard.row_ids.mapped("message")
        self.assertEqual(wizard.error_count, 2)
        self.assertTrue(any("300.0 paid on claim" in (m or "") for m in messages))
        self.assertTrue(any("Unknown claim NOPE-1" in (m or "") for m in messages))
        with self.assertRefused(r"The remittance has 2 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertEqual(claim.reimbursement_state, "invoiced")
        self.assertFalse(self.env["account.payment"].search([("memo", "=", "REM-X")]))
        with self.assertRefused("lacks the column\\(s\\) amount_paid"):
            self._remittance(
                [], header=["claim_number", "revision", "amount", "payment_reference", "date"]
            ).action_preview()

    # Closing the rejected part: write-off, re-billing, and what a resubmission undoes

    def _rejected_claim(self):
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-10"):
            claim.action_submit()
        claim.action_reject("Seal not covered: wear part")
        return claim

    def test_write_off_and_its_reversal_after_resubmission(self):
        claim = self._rejected_claim()
        self.assertEqual((claim.state, claim.amount_rejected), ("rejected", 230.0))
        with self.assertRefused("is not accepted: there is nothing to invoice"):
            claim.with_user(self.user_accountant).action_create_invoice()
        self.assertEqual(self._balance(self.accrual_account), 230.0)
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager closes"):
            claim.with_user(self.user_workshop).action_write_off()
        claim.with_user(self.user_accountant).action_write_off()
        self.assertEqual((claim.amount_written_off, claim.write_off_move_id.state), (230.0, "posted"))
        self.assertEqual(self._balance(self.writeoff_account), 230.0, "the rejected amount is an expense")
        self.assertEqual(self._balance(self.accrual_account), 0.0, "nothing is owed any more")
        with self.assertRefused("is already written off or re-billed"):
            claim.with_user(self.user_accountant).action_write_off()

        # The manufacturer accepts the corrected revision: the write-off is booked back, then invoiced
        claim.action_resubmit()
        with freeze_time("2026-07-01"):
            claim.action_submit()
        self.assertEqual(self._balance(self.parts_account) + self._balance(self.labour_account), -230.0,
                         "a resubmission of the same amounts books nothing again")
        claim.action_accept()
        self.assertEqual(self._balance(self.writeoff_account), 0.0, "the write-off is reversed")
        self.assertEqual(self._balance(self.accrual_account), 230.0)
        self.assertFalse(claim.write_off_move_id)
        claim.with_user(self.user_accountant).action_create_invoice()
        claim.invoice_ids.action_post()
        self.assertEqual(self._balance(self.accrual_account), 0.0)
        self.assertEqual(self._balance(self.parts_account) + self._balance(self.labour_account), -230.0)
        self.assertEqual(claim.reimbursement_state, "invoiced")

    def test_partial_acceptance_invoiced_then_rest_written_off(self):
        claim = self._accepted_claim(labour_accepted=150.0)
        claim.with_user(self.user_accountant).action_create_invoice()
        claim.invoice_ids.action_post()
        self._pay(claim.invoice_ids)
        self.assertEqual(claim.state, "paid")
        self.assertEqual(self._balance(self.accrual_account), 25.0, "the rejected 25 is still booked as owed")
        claim.with_user(self.user_accountant).action_write_off()
        self.assertEqual(self._balance(self.writeoff_account), 25.0)
        self.assertEqual(self._balance(self.accrual_account), 0.0)
        self.assertEqual(self._balance(self.parts_account) + self._balance(self.labour_account), -230.0)

    def test_resubmitted_claim_invoices_only_the_increase(self):
        claim = self._accepted_claim(labour_accepted=150.0)
        claim.with_user(self.user_accountant).action_create_invoice()
        first = claim.invoice_ids
        first.action_post()
        claim.action_resubmit()
        with freeze_time("2026-06-20"):
            claim.action_submit()
        claim.line_ids.filtered(lambda line: line.line_type == "labor").amount_accepted = 100.0
        with self.assertRefused(r"already invoiced for 150.0 on .*: issue a credit note"):
            claim.action_accept()
        with self.assertRefused("already invoiced for"):
            claim.action_reject("Not a factory defect")
        claim.line_ids.filtered(lambda line: line.line_type == "labor").amount_accepted = 175.0
        claim.action_accept()
        self.assertEqual((claim.state, claim.amount_to_invoice), ("accepted", 25.0))
        claim.with_user(self.user_accountant).action_create_invoice()
        second = claim.invoice_ids - first
        self.assertEqual(second.amount_total, 25.0, "only what the new revision added")
        second.action_post()
        self.assertEqual(self._balance(self.accrual_account), 0.0)
        with self.assertRefused("is already invoiced"):
            claim.with_user(self.user_accountant).action_create_invoice()

    def test_rebilled_to_the_customer(self):
        claim = self._rejected_claim()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager decides to re-bill"):
            claim.with_user(self.user_accountant).action_rebill_customer("Misuse")
        with self.assertRefused("Enter why the customer pays"):
            claim.with_user(self.user_manager).action_rebill_customer("  ")
        self.env["warranty.claim.rebill"].with_user(self.user_manager).with_context(
            active_model="warranty.claim", active_ids=claim.ids,
        ).create({"reason": "Misuse found at inspection"}).action_confirm()
        invoice = claim.rebill_move_id
        self.assertEqual(
            (invoice.move_type, invoice.partner_id, invoice.amount_total), ("out_invoice", self.customer, 230.0)
        )
        self.assertIn("Misuse found at inspection", str(invoice.narration))
        self.assertIn("Misuse found at inspection", invoice.invoice_line_ids.name)
        invoice.action_post()
        self.assertEqual(self._balance(self.accrual_account), 0.0, "the customer pays what was owed")
        self.assertEqual(self._balance(self.writeoff_account), 0.0, "nothing written off")
        with self.assertRefused("is already written off or re-billed"):
            claim.with_user(self.user_accountant).action_write_off()
        with self.assertRefused("was re-billed to the customer"):
            claim.action_resubmit()

    def test_closing_refusals(self):
        accepted = self._accepted_claim()
        with self.assertRefused("has no decided rejection to close"):
            accepted.with_user(self.user_accountant).action_write_off()
        draft = self._claim(self._done_repair())
        with self.assertRefused("has no decided rejection to close"):
            draft.with_user(self.user_accountant).action_write_off()
        claim = self._rejected_claim()
        self.env.company.warranty_writeoff_account_id = False
        with self.assertRefused("Set the rejected claims write-off account"):
            claim.with_user(self.user_accountant).action_write_off()
        self.assertFalse(self.env["account.move"].search([
            ("warranty_entry_kind", "=", "write_off"), ("line_ids.warranty_claim_id", "=", claim.id),
        ]), "nothing posted")

    def test_claims_not_booked_at_submission(self):
        self.env.company.warranty_accrual_account_id = False
        claim = self._rejected_claim()
        self.assertFalse(claim.is_accrued)
        self.assertEqual(self._balance(self.parts_account), 0.0, "nothing is booked before the invoice")
        with self.assertRefused("was not booked when it was submitted"):
            claim.with_user(self.user_accountant).action_write_off()
        accepted = self._accepted_claim()
        accepted.with_user(self.user_accountant).action_create_invoice()
        accepted.invoice_ids.action_post()
        self.assertEqual(self._balance(self.parts_account) + self._balance(self.labour_account), -230.0,
                         "the income is booked by the invoice instead")

    def test_submission_needs_the_recovery_accounts(self):
        claim = self._claim(self._done_repair())
        self.env.company.warranty_labor_account_id = False
        with self.assertRefused("submitted claims are booked on them"), freeze_time("2026-06-10"):
            claim.action_submit()
        self.assertEqual(claim.state, "draft", "nothing half-written")
        self.assertFalse(claim.return_picking_id)

    def test_roles_on_money(self):
        # Only accountants and managers import remittances
        with self.assertRaises(AccessError):
            self.env["warranty.remittance.import"].with_user(self.user_workshop).create({
                "manufacturer_id": self.manufacturer.id, "journal_id": False,
            })
        with self.assertRaises(AccessError):
            self.env["warranty.remittance.import"].with_user(self.user_parts).check_access("create")
        # The amounts of another company's claims stay out of sight of this company's staff
        other = self.env["res.company"].create({"name": "Other Dealer"})
        foreign = self.env["warranty.claim"].create({
            "manufacturer_id": self.manufacturer.id, "company_id": other.id,
            "line_ids": [Command.create({"name": "Seal", "price_unit": 99.0})],
        })
        with self.assertRaises(AccessError, msg="parts staff read no claim amounts at all"):
            self.env["warranty.claim"].with_user(self.user_parts).search([])
        for user in (self.user_workshop, self.user_accountant):
            claims = self.env["warranty.claim"].with_user(user).search([("manufacturer_id", "=", self.manufacturer.id)])
            self.assertNotIn(foreign, claims, f"{user.login} does not see the other company's claim")
            lines = self.env["warranty.claim.line"].with_user(user).search([("claim_id", "=", foreign.id)])
            self.assertFalse(lines, f"{user.login} does not see its amounts")

    def test_credit_note_on_the_invoice_takes_it_back(self):
        claim = self._accepted_claim()
        claim.with_user(self.user_accountant).action_create_invoice()
        invoice = claim.invoice_ids
        invoice.action_post()
        reversal = self.env["account.move.reversal"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"journal_id": invoice.journal_id.id, "reason": "Wrong labour rate"})
        reversal.refund_moves()
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        self.assertEqual(credit_note.invoice_line_ids.warranty_claim_line_id, claim.line_ids,
                         "the credit note takes back the claim's lines")
        credit_note.action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(claim.state, "accepted", "a credited invoice is not a payment")
        self.assertEqual((claim.reimbursement_state, claim.amount_to_invoice), ("not_invoiced", 230.0))
        self.assertEqual(self._balance(self.accrual_account), 230.0, "owed again until invoiced anew")
        claim.with_user(self.user_accountant).action_create_invoice()
        self.assertEqual((claim.invoice_ids - invoice).amount_total, 230.0)
