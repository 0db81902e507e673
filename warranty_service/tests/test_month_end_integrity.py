"""Issue 27, items 4 to 7: a remittance booked once, a chargeback never above what was paid, the imports of one
company and one accountant, and amounts that are amounts. Each test replays the attack as the accountant.

The parallel requests (two imports of one file, two chargebacks of one claim) are in the end-to-end tests
(tests/test_e2e_month_end_races.py): here the database's part of the guarantee is tested past the Python check,
as a parallel request reaches it.
"""
import base64
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.warranty_service.wizard.warranty_remittance_import import WarrantyRemittanceImport

from .test_month_end import MonthEndCommon

ACCOUNTANT = "warranty_service.group_warranty_accountant"
MANAGER = "warranty_service.group_warranty_manager"


@tagged("post_install", "-at_install")
class TestRemittanceBookedOnce(MonthEndCommon):

    def _figures(self, claim):
        """Every balance of the manufacturer's journal items, per account, and what the claim was paid."""
        balances = self.env["account.move.line"]._read_group(
            [("partner_id", "=", self.manufacturer.id), ("parent_state", "=", "posted")],
            ["account_id"], ["balance:sum"],
        )
        return (
            sorted((account.code, round(balance, 2)) for account, balance in balances),
            claim.amount_paid,
            claim.amount_open,
            self.env["account.payment"].search_count([("partner_id", "=", self.manufacturer.id)]),
        )

    def test_one_import_is_applied_once(self):
        claim = self._claims([100.0])
        wizard = self._remittance([(claim, 40.0)], 40.0)
        wizard.action_preview()
        wizard.action_apply()
        self.assertEqual((claim.reimbursement_state, claim.amount_paid, claim.amount_open), ("partial", 40.0, 60.0))
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 60.0)
        before = self._figures(claim)
        with self.assertRefused("This remittance was already applied: nothing was changed again"):
            wizard.action_apply()
        self.assertEqual(self._figures(claim), before, "not one cent booked again")
        self.assertEqual(wizard.state, "done")

    def test_the_same_file_imported_again_is_refused(self):
        claims = self._claims([100.0, 80.0])
        self._remittance([(claims[0], 40.0), (claims[1], 80.0)], 120.0).action_apply()
        before = self._figures(claims[0])
        payment = self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)])
        again = self._remittance([(claims[0], 40.0)], 40.0)
        again.action_preview()
        self.assertEqual(again.row_ids.message, f"Remittance REM-11 is already booked on claim {claims[0].name}.")
        with self.assertRefused(
            rf"Remittance REM-11 is already booked on claim\(s\) {claims[0].name} \({payment.move_id.name}\): "
            r"nothing was posted again"
        ):
            again.action_apply()
        self.assertEqual(self._figures(claims[0]), before)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 60.0)
        # The manufacturer's next payment of the claim, with its own reference, is booked
        self._remittance([(claims[0], 60.0)], 60.0, reference="REM-12").action_apply()
        self.assertEqual((claims[0].state, claims[0].amount_paid), ("paid", 100.0))
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 0.0)

    def test_database_refuses_a_parallel_booking(self):
        """A parallel import of the same file passes the check before the first commits: the unique index on
        (company, reference, claim) refuses it in words, and it posts nothing."""
        claim = self._claims([100.0])
        wizard = self._remittance([(claim, 40.0)], 40.0)
        wizard.action_preview()
        # The parallel import books the same file meanwhile
        self.env["warranty.remittance.booking"].create({
            "company_id": self.company.id, "claim_id": claim.id, "reference": "REM-11", "amount": 40.0,
        })
        with patch.object(WarrantyRemittanceImport, "_check_not_booked_yet", lambda self: None), \
                mute_logger("odoo.sql_db"), \
                self.assertRaisesRegex(UserError, "This remittance is being booked by another import at the same "
                                                  "time: nothing was posted"):
            wizard.action_apply()
        self.assertEqual((claim.amount_paid, claim.amount_open), (0.0, 100.0))
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)]))
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 100.0)


@tagged("post_install", "-at_install")
class TestChargebackFrozen(MonthEndCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claim = cls._paid_claim()

    @classmethod
    def _paid_claim(cls):
        claims = cls._claims(cls, [100.0])
        cls._remittance(cls, [(claims, 100.0)], 100.0, reference="REM-CB").action_apply()
        return claims

    def _chargeback(self, amount, name):
        return self.env["warranty.claim.chargeback"].with_user(self.user_accountant).create({
            "name": name, "manufacturer_id": self.manufacturer.id, "date": "2026-11-18", "reason": "labour_time",
            "line_ids": [Command.create({"claim_id": self.claim.id, "amount": amount})],
        })

    def test_lines_of_a_booked_chargeback_are_frozen(self):
        self.assertEqual(self.claim.state, "paid")
        chargeback = self._chargeback(100.0, "AUD-F1")
        chargeback.action_post()
        line = chargeback.line_ids.with_user(self.user_accountant)
        message = "Chargeback AUD-F1 is booked: its claims and amounts cannot be added, changed or removed"
        with self.assertRefused(message):
            line.unlink()
        with self.assertRefused(message):
            line.write({"amount": 1.0})
        with self.assertRefused("A booked chargeback cannot be changed: dispute or reverse it"):
            chargeback.with_user(self.user_accountant).write({"line_ids": [Command.unlink(line.id)]})
        with self.assertRefused(message):
            self.env["warranty.claim.chargeback.line"].with_user(self.user_accountant).create({
                "chargeback_id": chargeback.id, "claim_id": self.claim.id, "amount": 5.0,
            })
        # For everyone: the superuser neither
        with self.assertRefused(message):
            chargeback.line_ids.sudo().unlink()
        self.assertEqual((chargeback.amount_total, self.claim.amount_charged_back), (100.0, 100.0))
        self.assertEqual(self._balance(self.chargeback_account), 100.0)

    def test_charged_back_is_what_the_entries_booked(self):
        chargeback = self._chargeback(100.0, "AUD-F2")
        chargeback.action_post()
        # Even if the lines vanished (as they could be deleted before), the entry says what was taken back
        self.env.cr.execute("DELETE FROM warranty_claim_chargeback_line WHERE chargeback_id = %s", [chargeback.id])
        self.env.invalidate_all()
        second = self._chargeback(60.0, "AUD-F3")
        with self.assertRefused(r"60\.0 charged back on claim .*, which was paid 100\.0 \(100\.0 charged back "
                                r"already\)"):
            second.action_post()
        self.assertEqual(self._balance(self.chargeback_account), 100.0, "160.00 never charged back on 100.00 paid")
        self.assertEqual(second.state, "draft")

    def test_a_reversed_chargeback_frees_the_claim(self):
        chargeback = self._chargeback(70.0, "AUD-F4")
        chargeback.action_post()
        with self.assertRefused(r"40\.0 charged back on claim .*, which was paid 100\.0 \(70\.0 charged back"):
            self._chargeback(40.0, "AUD-F5").action_post()
        chargeback.with_user(self.user_manager).action_reverse()
        self._chargeback(100.0, "AUD-F6").action_post()
        self.assertEqual(self._balance(self.chargeback_account), 100.0)


@tagged("post_install", "-at_install")
class TestImportsOfTheirCompany(MonthEndCommon):
    """A pending import is its company's and its importer's; what it read from the file is the server's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Dealer Two (imports)"})
        cls.accountant2 = new_test_user(
            cls.env, login="ws_accountant_imp2", name="Ivo Accountant Two", groups=ACCOUNTANT,
            company_id=cls.company2.id, company_ids=[Command.set(cls.company2.ids)],
        )
        cls.colleague = new_test_user(cls.env, login="ws_accountant_imp1", name="Cleo Colleague", groups=ACCOUNTANT)
        csv_text = "claim_number,revision,amount_paid,payment_reference,date\nX-1,0,100.00,REM-2,2026-11-15\n"
        cls.import2 = cls.env["warranty.remittance.import"].with_user(cls.accountant2).create({
            "manufacturer_id": cls.manufacturer.id, "amount_received": 100.0,
            "data": base64.b64encode(csv_text.encode()),
        })
        cls.import2.action_preview()
        decisions = "claim_number,revision,line_ref,accepted_amount,rejection_code,manufacturer_reference\n"
        cls.decision2 = cls.env["warranty.claim.import"].with_user(cls.accountant2).create({
            "manufacturer_id": cls.manufacturer.id, "data": base64.b64encode(decisions.encode()),
        })

    def test_another_companys_import_is_neither_read_nor_written(self):
        self.assertEqual(self.import2.company_id, self.company2)
        self.assertEqual(self.decision2.company_id, self.company2)
        for user in (self.user_accountant, self.user_manager):
            for record in (self.import2, self.import2.row_ids, self.decision2):
                with self.assertRaises(AccessError):
                    record.with_user(user).read(["id"])
            with self.assertRaises(AccessError):
                self.import2.with_user(user).write({"amount_received": 60.0})
            with self.assertRaises(AccessError):
                self.import2.row_ids.with_user(user).write({"amount_paid": 60.0})
            self.assertFalse(self.env["warranty.remittance.import"].with_user(user).search(
                [("id", "=", self.import2.id)]))
            with self.assertRaises(AccessError):
                self.env["warranty.remittance.import"].with_user(user).create({
                    "manufacturer_id": self.manufacturer.id, "company_id": self.company2.id, "data": b"eA==",
                })
        self.assertEqual((self.import2.amount_received, self.import2.row_ids.claim_number), (100.0, "X-1"))

    def test_a_pending_import_is_its_importers(self):
        wizard = self._remittance([(self._claims([100.0]), 100.0)], 100.0)
        with self.assertRaises(AccessError):
            wizard.with_user(self.colleague).read(["amount_received"])
        with self.assertRaises(AccessError):
            wizard.with_user(self.colleague).action_apply()

    def test_what_the_import_read_is_written_by_its_actions_only(self):
        claim = self._claims([100.0])
        wizard = self._remittance([(claim, 100.0)], 100.0)
        with self.assertRaisesRegex(AccessError, "The rows, state and entries of a remittance import are written by "
                                                 "its actions"):
            wizard.write({"state": "preview"})
        wizard.action_preview()
        row = wizard.row_ids
        for vals in ({"state": "upload"}, {"payment_id": 1}, {"row_ids": [Command.clear()]}):
            with self.assertRaisesRegex(AccessError, "are written by its actions"):
                wizard.write(vals)
        for vals in ({"amount_paid": 60.0}, {"status": "ok"}, {"claim_id": claim.id}):
            with self.assertRaisesRegex(AccessError, "The rows of an imported file are read from the file"):
                row.write(vals)
        with self.assertRaisesRegex(AccessError, "The rows of an imported file are read from the file"):
            row.unlink()
        with self.assertRaisesRegex(AccessError, "The rows of an imported file are read from the file"):
            self.env["warranty.remittance.import.row"].with_user(self.user_accountant).create({
                "wizard_id": wizard.id, "claim_id": claim.id, "amount_paid": 1.0,
            })
        with self.assertRefused("This remittance was already read: it cannot be changed any more"):
            wizard.write({"amount_received": 60.0})
        with self.assertRaisesRegex(AccessError, "rows and state are not written by hand"):
            self.env["warranty.remittance.import"].with_user(self.user_accountant).create({
                "manufacturer_id": self.manufacturer.id, "data": b"eA==", "state": "preview",
            })
        wizard.action_apply()
        self.assertEqual((claim.state, claim.amount_paid), ("paid", 100.0), "100.00 booked, as the file says")


@tagged("post_install", "-at_install")
class TestImportedAmounts(MonthEndCommon):
    """Not-a-number, infinite and absurd amounts, and binary characters, are refused in words."""

    def _file(self, model, text, **vals):
        return self.env[model].with_user(self.user_accountant).create({
            "manufacturer_id": self.manufacturer.id, "data": base64.b64encode(text.encode()), **vals,
        })

    def test_remittance_amounts(self):
        claims = self._claims([100.0, 100.0, 100.0])
        text = "claim_number,revision,amount_paid,payment_reference,date\n" + "".join(
            f"{claim.name},0,{amount},REM-N,2026-11-15\n" for claim, amount in zip(claims, ("nan", "inf", "1e308"),
                                                                                   strict=True)
        )
        wizard = self._file("warranty.remittance.import", text, journal_id=self.bank.id, amount_received=100.0)
        wizard.action_preview()
        self.assertEqual(sorted(wizard.row_ids.mapped("message")), [
            f'Row {row}: "{value}" in column amount_paid is not an amount: write it with digits and a decimal '
            "point, e.g. 125.50."
            for row, value in ((2, "nan"), (3, "inf"), (4, "1e308"))
        ])
        with self.assertRefused(r"The remittance has 3 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertEqual(claims.mapped("amount_paid"), [0.0, 0.0, 0.0])
        self.assertFalse(self.env["account.payment"].search([("partner_id", "=", self.manufacturer.id)]))

    def test_decision_amounts(self):
        claim = self._claims([100.0], decide=False)
        text = ("claim_number,revision,line_ref,accepted_amount,rejection_code,manufacturer_reference\n"
                f"{claim.name},0,{claim.line_ids.id},NaN,,M-1\n")
        wizard = self._file("warranty.claim.import", text)
        wizard.action_preview()
        self.assertEqual(wizard.row_ids.message, 'Row 2: "NaN" in column accepted_amount is not an amount: write it '
                                                 "with digits and a decimal point, e.g. 125.50.")
        with self.assertRefused(r"The decision file has 1 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertEqual((claim.state, claim.amount_accepted), ("submitted", 0.0))

    def test_nul_character(self):
        claim = self._claims([100.0])
        text = ("claim_number,revision,amount_paid,payment_reference,date\n"
                f"{claim.name},0,100.00,REM-\x00,2026-11-15\n")
        wizard = self._file("warranty.remittance.import", text, journal_id=self.bank.id, amount_received=100.0)
        with self.assertRefused("Line 2 of the remittance contains a NUL character: it is not a CSV text file, "
                                "nothing was imported"):
            wizard.action_preview()
        with self.assertRefused("Line 2 of the remittance contains a NUL character"):
            wizard.action_apply()
        self.assertEqual((claim.amount_paid, wizard.state), (0.0, "upload"))
        decision = self._file("warranty.claim.import", "claim_number,revision,line_ref,accepted_amount,"
                                                       "rejection_code,manufacturer_reference\n\x00")
        with self.assertRefused("Line 2 of the decision file contains a NUL character"):
            decision.action_preview()
