import base64
import csv
import io

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import WarrantyCommon, set_claims_accounting


class MonthEndCommon(WarrantyCommon):
    """Claims made by hand (no repair needed) to test what the accountant does with their money."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = set_claims_accounting(cls.env, "Month", ("791501", "791502", "147501"))
        Account = cls.env["account.account"]
        cls.short_account, cls.chargeback_account, cls.allowance_account, cls.allowance_expense = Account.create([
            {"code": "691501", "name": "Test short pays", "account_type": "expense"},
            {"code": "691502", "name": "Test chargebacks", "account_type": "expense"},
            {"code": "149501", "name": "Test allowance for doubtful claims", "account_type": "asset_current"},
            {"code": "691503", "name": "Test doubtful claims", "account_type": "expense"},
        ])
        cls.writeoff_account = Account.create({"code": "691504", "name": "Test rejected", "account_type": "expense"})
        cls.company.write({
            "warranty_short_pay_account_id": cls.short_account.id,
            "warranty_chargeback_account_id": cls.chargeback_account.id,
            "warranty_allowance_account_id": cls.allowance_account.id,
            "warranty_allowance_expense_account_id": cls.allowance_expense.id,
            "warranty_writeoff_account_id": cls.writeoff_account.id,
        })
        cls.manufacturer.write({
            "warranty_claim_prefix": "ME-WC-",
            "warranty_short_pay_tolerance_amount": 1.0,
            "warranty_short_pay_tolerance_percent": 0.0,
        })
        cls.defect = cls.env["warranty.defect.code"].create({"code": "ME-1", "name": "Leak"})
        cls.part = cls.env["product.product"].create({"name": "Month-end Seal", "type": "consu"})
        cls.receivable = cls.manufacturer.property_account_receivable_id
        cls.payable = cls.manufacturer.property_account_payable_id

    def _claims(self, amounts, submitted_on="2026-09-01", invoice=True, grouped=True, decide=True):
        """Claims of the manufacturer for ``amounts`` (one labour line each), submitted, accepted and invoiced."""
        claims = self.env["warranty.claim"].create([{
            "manufacturer_id": self.manufacturer.id,
            "defect_code_ids": [Command.link(self.defect.id)],
            "causal_part_id": self.part.id,
            "line_ids": [Command.create({"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
        } for amount in amounts])
        with freeze_time(submitted_on):
            claims.action_submit()
            if decide:
                claims.action_accept()
            if decide and invoice:
                for batch in ([claims] if grouped else list(claims)):
                    batch.with_user(self.user_accountant).action_create_invoice()
                claims.invoice_ids.action_post()
        return claims

    def _balance(self, account, partner=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return round(sum(self.env["account.move.line"].search(domain).mapped("balance")), 2)

    def _remittance(self, rows, received, settlement="bank", reference="REM-11", date="2026-11-15"):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["claim_number", "revision", "amount_paid", "payment_reference", "date"])
        writer.writerows([claim.name, claim.revision, f"{amount:.2f}", reference, date] for claim, amount in rows)
        return self.env["warranty.remittance.import"].with_user(self.user_accountant).create({
            "manufacturer_id": self.manufacturer.id,
            "settlement": settlement,
            "journal_id": self.bank.id if settlement == "bank" else False,
            "amount_received": received,
            "data": base64.b64encode(buffer.getvalue().encode()),
        })

    def _terms(self, claim):
        return claim.invoice_ids.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.warranty_claim_id == claim
        )

    def _match_statement_line(self, payment, amount):
        """A bank statement line of ``amount`` matched with ``payment``, as Odoo Community does it.

        Community has no bank reconciliation widget (it is in Enterprise's account_accountant): as core's own
        tests do (account/tests/test_account_payment.py), the statement line's suspense line takes the payment's
        outstanding account and is reconciled with the payment's liquidity line.
        """
        statement_line = self.env["account.bank.statement.line"].create({
            "payment_ref": payment.memo,
            "journal_id": self.bank.id,
            "partner_id": self.manufacturer.id,
            "amount": amount,
            "date": "2026-11-16",
        })
        __, suspense, __ = statement_line.with_context(skip_account_move_synchronization=True)._seek_for_lines()
        liquidity = payment.move_id.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)
        suspense.with_context(skip_account_move_synchronization=True).account_id = liquidity.account_id
        (suspense | liquidity).reconcile()
        return statement_line


@tagged("post_install", "-at_install")
class TestExactAttribution(MonthEndCommon):

    def test_grouped_invoice_paid_for_one_claim_only(self):
        first, second = self._claims([361.50, 162.50])
        invoice = first.invoice_ids
        self.assertEqual((len(invoice), invoice.amount_total), (1, 524.0))
        self.assertEqual(self._terms(first).balance, 361.50, "each claim is owed on a receivable line of its own")
        self.assertEqual(self._terms(second).balance, 162.50)
        # A manual payment of 361.50, reconciled with the line of the first claim only
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.manufacturer.id,
            "journal_id": self.bank.id, "amount": 361.50, "date": "2026-11-10",
        })
        payment.action_post()
        counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.receivable)
        (counterpart | self._terms(first)).reconcile()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual((first.state, first.reimbursement_state, first.amount_paid, first.amount_open),
                         ("paid", "paid", 361.50, 0.0), "paid in full, although its invoice is not")
        self.assertEqual((second.state, second.reimbursement_state, second.amount_paid, second.amount_open),
                         ("accepted", "invoiced", 0.0, 162.50), "never credited with what it was not paid")
        self.assertEqual(first.days_to_payment, 70, "paid on the payment's day, 70 days after 2026-09-01")
        aging = self.env["warranty.claim.aging"].search([("claim_id", "in", (first | second).ids)])
        self.assertEqual(aging.claim_id, second, "the aging chases the unpaid claim only")
        self.assertEqual(aging.amount_open, 162.50)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 162.50)
        # Undone: the claim is owed again
        payment.action_draft()
        self.assertEqual((first.state, first.amount_paid, first.amount_open), ("accepted", 0.0, 361.50))

    def test_partial_payment_of_a_claim_line(self):
        first, second = self._claims([361.50, 162.50])
        wizard = self._remittance([(second, 100.0)], 100.0)
        wizard.action_preview()
        wizard.action_apply()
        self.assertEqual((second.reimbursement_state, second.amount_paid, second.amount_open), ("partial", 100.0, 62.5))
        self.assertEqual((first.reimbursement_state, first.amount_paid), ("invoiced", 0.0))

    def test_credit_note_of_the_invoice_is_not_a_payment(self):
        claim = self._claims([230.0])
        invoice = claim.invoice_ids
        reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"journal_id": invoice.journal_id.id, "reason": "Wrong rate"})
        reversal.refund_moves()
        refund = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        refund.action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual((claim.state, claim.amount_paid, claim.reimbursement_state), ("accepted", 0.0, "not_invoiced"))


@tagged("post_install", "-at_install")
class TestRemittanceReceipt(MonthEndCommon):

    def test_lines_must_add_up_to_the_received_total(self):
        claims = self._claims([230.0, 100.0])
        wizard = self._remittance([(claims[0], 230.0), (claims[1], 100.0)], 320.0)
        wizard.action_preview()
        with self.assertRefused(
            r"The remittance's lines add up to .*330\.00.*, not to the received total of .*320\.00.*: nothing was "
            r"posted"
        ):
            wizard.action_apply()
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)]))
        self.assertEqual(claims.mapped("state"), ["accepted", "accepted"])
        wizard = self._remittance([(claims[0], 230.0)], 0.0)
        with self.assertRefused("Enter the received total of the remittance"):
            wizard.action_apply()

    def test_only_accountants_apply(self):
        claims = self._claims([230.0])
        wizard = self._remittance([(claims, 230.0)], 230.0)
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager imports remittances"):
            wizard.with_user(self.user_workshop).action_apply()

    def test_one_payment_with_short_pays(self):
        # Tolerance: 1.00 (and no percentage). 0.40 short is written off, 5.00 short stays owed
        full, short, over = self._claims([230.0, 230.0, 230.0], grouped=False)
        wizard = self._remittance([(full, 230.0), (short, 229.60), (over, 225.0)], 684.60)
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0)
        wizard.action_apply()
        payment = self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)])
        self.assertEqual(len(payment), 1, "one payment for the whole remittance")
        self.assertEqual((payment.amount, payment.memo, str(payment.date)), (684.60, "REM-11", "2026-11-15"))
        self.assertEqual(wizard.payment_id, payment)
        self.assertEqual((full.state, full.amount_paid, full.amount_short_paid_off), ("paid", 230.0, 0.0))
        self.assertEqual((short.state, short.amount_paid, short.amount_short_paid_off, short.amount_open),
                         ("paid", 229.60, 0.40, 0.0), "within tolerance: settled, the difference visible")
        self.assertEqual((over.state, over.reimbursement_state, over.amount_paid, over.amount_open),
                         ("accepted", "partial", 225.0, 5.0), "above tolerance: partly paid, still owed")
        self.assertIn(over, self.env["warranty.claim"].search([("amount_short", ">", 0)]),
                      "listed among the claims paid short")
        self.assertEqual(self._balance(self.short_account), 0.40)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 5.0)
        self.assertEqual(self._balance(payment.outstanding_account_id, self.manufacturer), 684.60)
        # The bank statement line of the transfer matches the one payment
        self._match_statement_line(payment, 684.60)
        self.assertTrue(payment.is_matched)
        self.assertEqual(self._balance(payment.outstanding_account_id, self.manufacturer), 0.0)
        self.assertEqual(self._balance(self.bank.default_account_id), 684.60)

    def test_tolerance_rules(self):
        euro = self.company.currency_id
        maker = self.manufacturer
        maker.write({"warranty_short_pay_tolerance_amount": 0.0, "warranty_short_pay_tolerance_percent": 0.0})
        self.assertFalse(maker._is_warranty_short_pay_tolerated(0.01, 100.0, euro), "no tolerance set")
        maker.warranty_short_pay_tolerance_percent = 0.5
        self.assertTrue(maker._is_warranty_short_pay_tolerated(0.50, 100.0, euro), "0.5 % of 100.00")
        self.assertFalse(maker._is_warranty_short_pay_tolerated(0.51, 100.0, euro))
        maker.warranty_short_pay_tolerance_amount = 0.30
        self.assertFalse(maker._is_warranty_short_pay_tolerated(0.40, 100.0, euro), "with both, within both")
        self.assertTrue(maker._is_warranty_short_pay_tolerated(0.30, 100.0, euro))
        self.assertFalse(maker._is_warranty_short_pay_tolerated(0.0, 100.0, euro), "nothing short")
        with self.assertRefused("The short-pay tolerance of Test Motors AG"):
            maker.warranty_short_pay_tolerance_percent = 120

    def test_short_pay_needs_its_account(self):
        claim = self._claims([230.0])
        self.company.warranty_short_pay_account_id = False
        wizard = self._remittance([(claim, 229.60)], 229.60)
        with self.assertRefused("set the short-pay write-off account"):
            wizard.action_apply()
        self.assertEqual(claim.amount_paid, 0.0, "nothing half-written")

    def test_remittance_of_500_claims(self):
        # The case: 500 claims, three short pays under the tolerance (1.00) and one above it
        claims = self._claims([100.0] * 500)
        shorts = {claims[10]: 0.25, claims[20]: 0.50, claims[30]: 0.99, claims[40]: 10.0}
        rows = [(claim, 100.0 - shorts.get(claim, 0.0)) for claim in claims]
        received = round(sum(amount for __, amount in rows), 2)
        self.assertEqual(received, 49988.26)
        wizard = self._remittance(rows, received, reference="REM-500")
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0)
        wizard.action_apply()
        payment = self.env["account.payment"].search([("memo", "=", "REM-500")])
        self.assertEqual((len(payment), payment.amount), (1, 49988.26), "one payment")
        self._match_statement_line(payment, received)
        self.assertTrue(payment.is_matched, "the one bank statement line matches the one payment")
        self.assertEqual(sorted(set(claims.mapped("state"))), ["accepted", "paid"])
        self.assertEqual(claims.filtered(lambda claim: claim.state != "paid"), claims[40])
        self.assertEqual(claims[40].amount_open, 10.0)
        self.assertEqual(sum(claims.mapped("amount_short_paid_off")), 1.74)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 10.0)
        self.assertEqual(self._balance(self.short_account), 1.74)
        self.assertEqual(self._balance(self.bank.default_account_id), 49988.26)
        self.assertEqual(self._balance(payment.outstanding_account_id, self.manufacturer), 0.0)
        self.assertEqual(self._balance(self.company.warranty_accrual_account_id), 0.0)


@tagged("post_install", "-at_install")
class TestSettlementPaths(MonthEndCommon):
    """Register payment, bank statement line, and a credit on the manufacturer's parts account: all end paid."""

    def test_register_payment(self):
        claims = self._claims([361.50, 162.50])
        self.env["account.payment.register"].with_user(self.user_accountant).with_context(
            active_model="account.move", active_ids=claims.invoice_ids.ids,
        ).create({"journal_id": self.bank.id, "payment_date": "2026-11-10"})._create_payments()
        self.assertEqual(claims.mapped("state"), ["paid", "paid"])
        self.assertEqual(claims.mapped("amount_paid"), [361.50, 162.50])
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 0.0)
        payment = self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)])
        self.assertEqual(self._balance(payment.outstanding_account_id, self.manufacturer), 524.0)

    def test_bank_statement_line(self):
        claims = self._claims([361.50, 162.50])
        wizard = self._remittance([(claims[0], 361.50), (claims[1], 162.50)], 524.0)
        wizard.action_apply()
        self._match_statement_line(wizard.payment_id, 524.0)
        self.assertEqual(claims.mapped("state"), ["paid", "paid"])
        self.assertTrue(wizard.payment_id.is_matched)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 0.0)
        self.assertEqual(self._balance(self.bank.default_account_id), 524.0)
        self.assertEqual(self._balance(self.bank.suspense_account_id, self.manufacturer), 0.0)

    def test_netted_against_the_parts_payable(self):
        # We owe the manufacturer 1,000.00 for parts; it credits 524.00 of claims on that account
        bill = self.env["account.move"].create({
            "move_type": "in_invoice", "partner_id": self.manufacturer.id, "invoice_date": "2026-11-01",
            "invoice_line_ids": [Command.create({"name": "Parts", "quantity": 1, "price_unit": 1000.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        bill.action_post()
        claims = self._claims([361.50, 162.50])
        wizard = self._remittance([(claims[0], 361.50), (claims[1], 161.90)], 523.40, settlement="netting")
        wizard.action_apply()
        self.assertEqual(wizard.move_id.warranty_entry_kind, "netting")
        self.assertEqual(claims.mapped("state"), ["paid", "paid"], "0.60 short, within the 1.00 tolerance")
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 0.0)
        self.assertEqual(self._balance(self.payable, self.manufacturer), -476.60, "1,000.00 less 523.40 credited")
        self.assertEqual(self._balance(self.short_account), 0.60)
        # The netted credit is matched with the parts bill: the bill is left owing the rest
        netted = wizard.move_id.line_ids.filtered(lambda line: line.account_id == self.payable)
        (netted | bill.line_ids.filtered(lambda line: line.account_id == self.payable)).reconcile()
        self.assertEqual((bill.payment_state, bill.amount_residual), ("partial", 476.60))

    def test_credit_note_manufacturer(self):
        # A manufacturer that pays by crediting our parts account: the expected credit note is matched with a bill
        self.manufacturer.warranty_reimbursement_method = "credit_note"
        bill = self.env["account.move"].create({
            "move_type": "in_invoice", "partner_id": self.manufacturer.id, "invoice_date": "2026-11-01",
            "invoice_line_ids": [Command.create({"name": "Parts", "quantity": 1, "price_unit": 1000.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        bill.action_post()
        claims = self._claims([361.50, 162.50], invoice=False)
        claims.with_user(self.user_accountant).action_create_invoice()
        credit_note = claims.invoice_ids
        self.assertEqual(credit_note.move_type, "in_refund")
        credit_note.invoice_date = "2026-11-10"
        credit_note.action_post()
        self.assertEqual(self._balance(self.payable, self.manufacturer), -476.0)
        payable_lines = (credit_note | bill).line_ids.filtered(lambda line: line.account_id == self.payable)
        payable_lines.reconcile()
        self.assertEqual(claims.mapped("state"), ["paid", "paid"])
        self.assertEqual(claims.mapped("amount_paid"), [361.50, 162.50])
        self.assertEqual((bill.amount_residual, credit_note.payment_state), (476.0, "paid"))
        self.assertEqual(self._balance(self.company.warranty_accrual_account_id), 0.0)


@tagged("post_install", "-at_install")
class TestRightFigures(MonthEndCommon):
    """Acceptance rate and days to payment per manufacturer, checked against values computed by hand."""

    def test_weighted_acceptance_and_days_to_payment(self):
        full, partial, rejected, undecided = self._claims([100.0, 300.0, 200.0, 1000.0], decide=False)
        full.action_accept()
        partial.line_ids.amount_accepted = 150.0
        partial.action_accept()
        rejected.action_reject("Not covered")
        self.assertEqual((partial.state, rejected.state, undecided.state),
                         ("partially_accepted", "rejected", "submitted"))
        (full | partial).with_user(self.user_accountant).action_create_invoice()
        (full | partial).invoice_ids.action_post()
        for claim, amount, day in ((full, 100.0, "2026-09-11"), (partial, 150.0, "2026-10-11")):
            wizard = self._remittance([(claim, amount)], amount, reference=f"R-{day}", date=day)
            wizard.action_apply()
        self.assertEqual((full.days_to_payment, partial.days_to_payment), (10, 40))
        claims = full | partial | rejected | undecided
        [(rate, days, weighted)] = self.env["warranty.claim"]._read_group(
            [("id", "in", claims.ids)], [],
            ["acceptance_rate:avg", "days_to_payment:avg", "days_to_payment_weighted:avg"],
        )
        # Accepted 100 + 150 + 0 of decided 100 + 300 + 200 (the undecided 1,000.00 not counted)
        self.assertAlmostEqual(rate, 100.0 * 250 / 600, places=6)
        # Paid claims only: (10 + 40) / 2; weighted by what they were paid: (10 * 100 + 40 * 150) / 250
        self.assertAlmostEqual(days, 25.0, places=6)
        self.assertAlmostEqual(weighted, 28.0, places=6)
        # The monthly report of September: the claims submitted in it, per manufacturer
        report = self.env["warranty.claim.monthly.report"].create({
            "year": 2026, "month": "9", "manufacturer_ids": [Command.set(self.manufacturer.ids)],
        })
        [section] = report._get_report_data()
        self.assertAlmostEqual(section["acceptance_rate"], 100.0 * 250 / 600, places=6)
        self.assertAlmostEqual(section["days_to_payment"], 10.0, places=6, msg="paid in September: the first claim")


@tagged("post_install", "-at_install")
class TestChargebacks(MonthEndCommon):

    def _paid_claims(self):
        claims = self._claims([361.50, 162.50])
        self._remittance([(claims[0], 361.50), (claims[1], 162.50)], 524.0).action_apply()
        self.assertEqual(claims.mapped("state"), ["paid", "paid"])
        return claims

    def _chargeback(self, lines, user=None, name="AUD-7"):
        return self.env["warranty.claim.chargeback"].with_user(user or self.user_accountant).create({
            "name": name,
            "manufacturer_id": self.manufacturer.id,
            "date": "2026-11-18",
            "reason": "labour_time",
            "line_ids": [Command.create({"claim_id": claim.id, "amount": amount}) for claim, amount in lines],
        })

    def test_book_dispute_and_reverse(self):
        first, second = self._paid_claims()
        receivable_before = self._balance(self.receivable, self.manufacturer)
        chargeback = self._chargeback([(first, 100.0), (second, 62.50)])
        self.assertEqual(chargeback.amount_total, 162.50)
        chargeback.action_post()
        self.assertEqual((chargeback.state, chargeback.move_id.warranty_entry_kind), ("posted", "chargeback"))
        self.assertEqual(self._balance(self.chargeback_account), 162.50)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), round(receivable_before - 162.50, 2),
                         "the manufacturer will deduct it: its receivable is credited")
        self.assertEqual((first.amount_charged_back, second.amount_charged_back), (100.0, 62.50))
        self.assertEqual((first.state, first.amount_paid), ("paid", 361.50), "a chargeback does not unpay the claim")
        # The analysis per reason, and the monthly report
        self.assertEqual(self.env["warranty.claim.chargeback.line"]._read_group(
            [("chargeback_id", "=", chargeback.id)], ["reason"], ["amount:sum"],
        ), [("labour_time", 162.50)])
        report = self.env["warranty.claim.monthly.report"].create({
            "year": 2026, "month": "11", "manufacturer_ids": [Command.set(self.manufacturer.ids)],
        })
        [section] = report._get_report_data()
        self.assertEqual((section["chargeback_count"], section["chargeback_amount"]), (2, 162.50))
        # Booked: not edited, only disputed or reversed
        with self.assertRefused("A booked chargeback cannot be changed"):
            chargeback.with_user(self.user_accountant).write({"reason": "other"})
        with self.assertRefused("Enter why the chargeback is disputed"):
            chargeback.with_user(self.user_accountant).action_dispute("  ")
        self.env["warranty.claim.chargeback.dispute"].with_user(self.user_accountant).create({
            "chargeback_id": chargeback.id, "note": "Times within the manufacturer's standard",
        }).action_confirm()
        self.assertEqual(chargeback.state, "disputed")
        self.assertEqual(first.amount_charged_back, 100.0, "still booked while disputed")
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager reverses a chargeback"):
            chargeback.with_user(self.user_accountant).action_reverse()
        chargeback.with_user(self.user_manager).action_reverse()
        self.assertEqual(chargeback.state, "reversed")
        self.assertEqual(self._balance(self.chargeback_account), 0.0)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), receivable_before)
        self.assertEqual((first.amount_charged_back, second.amount_charged_back), (0.0, 0.0))
        with self.assertRefused("Only a booked or disputed chargeback can be reversed"):
            chargeback.with_user(self.user_manager).action_reverse()

    def test_refusals_and_roles(self):
        first, second = self._paid_claims()
        unpaid = self._claims([50.0])
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records chargebacks"):
            self._chargeback([(first, 10.0)], user=self.user_workshop)
        with self.assertRefused("is not paid: only paid claims are charged back"):
            self._chargeback([(unpaid, 10.0)], name="AUD-8").action_post()
        with self.assertRefused(r"400\.0 charged back on claim .*, which was paid 361\.5"):
            self._chargeback([(first, 400.0)], name="AUD-9").action_post()
        with self.assertRefused("A chargeback takes back a positive amount"):
            self._chargeback([(first, -5.0)], name="AUD-10")
        self._chargeback([(first, 300.0)], name="AUD-12").action_post()
        with self.assertRefused(r"100\.0 charged back on claim .*, which was paid 361\.5 "
                                r"\(300\.0 charged back already\)"):
            self._chargeback([(first, 100.0)], name="AUD-13").action_post()
        self.company.warranty_chargeback_account_id = False
        with self.assertRefused("Set the chargeback expense account"):
            self._chargeback([(second, 10.0)], name="AUD-11").action_post()
        self.assertEqual((first.amount_charged_back, second.amount_charged_back), (300.0, 0.0))


@tagged("post_install", "-at_install")
class TestAllowance(MonthEndCommon):

    def test_month_end_allowance_reverses_last_months(self):
        old = self._claims([361.50], submitted_on="2026-07-01")
        recent = self._claims([162.50], submitted_on="2026-09-15")
        with freeze_time("2026-10-31"):
            action = self.env["warranty.claim"].with_user(self.user_accountant).action_book_allowance()
        mine = [("manufacturer_id", "=", self.manufacturer.id)]
        doubtful = self.env["warranty.claim"].search(action["domain"] + mine)
        self.assertEqual(doubtful, old, "owed for more than 90 days on 2026-10-31: the July claim only")
        self.assertEqual((old.amount_allowance, recent.amount_allowance), (361.50, 0.0))
        self.assertEqual(self._balance(self.allowance_account, self.manufacturer), -361.50)
        self.assertEqual(self._balance(self.allowance_expense, self.manufacturer), 361.50)
        aging = self.env["warranty.claim.aging"].search([("claim_id", "=", old.id)])
        self.assertEqual((aging.amount_open, aging.amount_allowance, aging.amount_net), (361.50, 361.50, 0.0),
                         "gross, allowance and net")
        # 61.50 paid in November: the November month-end reverses October's and books what is still owed
        self._remittance([(old, 61.50)], 61.50, date="2026-11-10").action_apply()
        with freeze_time("2026-11-30"):
            self.env["warranty.claim"].with_user(self.user_accountant).action_book_allowance()
        self.assertEqual(old.amount_allowance, 300.0)
        self.assertEqual(self._balance(self.allowance_account, self.manufacturer), -300.0)
        self.assertEqual(self._balance(self.allowance_expense, self.manufacturer), 300.0)
        # The scheduled job of 2027-01-01 books 2026-12-31: the September claim is now 107 days old too
        with freeze_time("2027-01-01 02:00:00"):
            self.env["warranty.claim"]._cron_book_allowance()
        self.assertEqual((old.amount_allowance, recent.amount_allowance), (300.0, 162.50))
        self.assertEqual(self._balance(self.allowance_account, self.manufacturer), -462.50)
        self.assertEqual(self._balance(self.allowance_expense, self.manufacturer), 462.50)
        entries = self.env["account.move"].search([
            ("warranty_entry_kind", "=", "allowance"), ("line_ids.partner_id", "=", self.manufacturer.id),
        ])
        self.assertEqual(len(entries), 5, "three allowances and two reversals")
        self.assertEqual(max(entries.mapped("date")).isoformat(), "2026-12-31")

    def test_refusals(self):
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager books the allowance"):
            self.env["warranty.claim"].with_user(self.user_workshop).action_book_allowance()
        self.company.warranty_allowance_account_id = False
        with self.assertRefused("Set the allowance for doubtful claims and its expense account"):
            self.env["warranty.claim"].with_user(self.user_accountant).action_book_allowance()
        with self.assertRefused("Claims become doubtful after at least 1 day"):
            self.company.warranty_allowance_days = 0
