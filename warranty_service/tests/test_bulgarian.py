import re
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import format_date

from .test_claim import ClaimCommon

# Run by `make test` in a step of their own, on the test database once l10n_bg is installed into it with the
# bg_BG language loaded (tools/test.sh): the main suite runs before, on the database as the addon leaves it.
BG_TAGS = ("post_install", "-at_install", "-standard", "warranty_bg")


def _bulgarian_company(env, name):
    """A Bulgarian dealer: the l10n_bg chart loaded on it, after the addon, and the euro."""
    if not env["res.lang"]._lang_get("bg_BG"):
        raise AssertionError("these tests need the bg_BG language loaded (make test loads it with l10n_bg)")
    company = env["res.company"].create({"name": name, "country_id": env.ref("base.bg").id})
    env.user.company_ids |= company
    env["account.chart.template"].try_loading("bg", company, install_demo=False)
    # Bulgaria pays in euro since 2026 (Odoo 18's data still gives the country the lev)
    env.ref("base.EUR").active = True
    company.currency_id = env.ref("base.EUR")
    if not env["stock.warehouse"].search([("company_id", "=", company.id)]):
        env["stock.warehouse"].create({"name": "Пловдив", "code": "PLV", "company_id": company.id})
    return company


@tagged(*BG_TAGS)
class TestBulgarianDealer(ClaimCommon):
    """A Bulgarian company on the l10n_bg chart claims with no visit to the warranty settings."""

    @classmethod
    def _get_test_company(cls):
        return _bulgarian_company(cls.env, "Сервиз Тракия ЕООД")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"name": "Иван Петров", "lang": "bg_BG"})
        cls.bg_env = cls.env(context=dict(cls.env.context, lang="bg_BG"))
        cls.user_accountant.lang = "bg_BG"

    def _balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return sum(lines.mapped("balance"))

    def test_accounts_from_the_chart(self):
        company = self.company.with_company(self.company)
        self.assertEqual(company.chart_template, "bg")
        self.assertEqual(company.currency_id.name, "EUR")
        codes = {
            "warranty_parts_account_id": "709100", "warranty_labor_account_id": "709200",
            "warranty_accrual_account_id": "419100", "warranty_writeoff_account_id": "609100",
        }
        for field, code in codes.items():
            self.assertEqual(company[field].code, code, f"{field}: numbered in the Bulgarian chart's range")
        self.assertEqual(company.warranty_journal_id.type, "sale")
        # Named in Bulgarian for the Bulgarian users, as the chart's own accounts
        parts = company.warranty_parts_account_id
        self.assertEqual(parts.with_context(lang="en_US").name, "Warranty parts recovery")
        self.assertEqual(parts.with_context(lang="bg_BG").name, "Възстановени разходи за гаранционни части")

    def test_claim_to_paid_invoice_without_settings(self):
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-10"):
            claim.action_submit()
        claim.action_accept()
        company = self.company
        claim.with_user(self.user_accountant).action_create_invoice()
        invoice = claim.invoice_ids
        self.assertEqual(invoice.journal_id, company.warranty_journal_id, "on the warranty invoices journal")
        self.assertEqual(invoice.currency_id.name, "EUR")
        self.assertEqual(invoice.amount_total, 230.0)
        invoice.action_post()
        self.assertEqual(self._balance(company.warranty_parts_account_id), -55.0)
        self.assertEqual(self._balance(company.warranty_labor_account_id), -175.0)
        self.assertEqual(self._balance(company.warranty_accrual_account_id), 0.0, "invoiced: nothing left to invoice")
        with freeze_time("2026-07-10"):
            self.env["account.payment.register"].with_user(self.user_accountant).with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(claim.state, "paid")
        self.assertEqual((claim.amount_paid, claim.amount_open), (230.0, 0.0))

    def test_certificate_in_the_customers_language(self):
        self.registration.date_start = date(2026, 3, 15)
        html = self._render("warranty_service.action_report_warranty_certificate", self.registration)
        self.assertIn("Гаранционна карта", html, "the Bulgarian title")
        self.assertNotIn("Warranty Certificate", html)
        bg_date = format_date(self.env(context={"lang": "bg_BG"}), date(2026, 3, 15))
        self.assertEqual(bg_date, "15.03.2026", "the Bulgarian date format")
        self.assertIn(bg_date, html)
        self.assertNotIn("03/15/2026", html)
        self.assertIn("Иван Петров", html)

    def test_reclamation_act_in_the_manufacturers_language(self):
        """The customer reads Bulgarian, the manufacturer English: each document in its recipient's language."""
        self.manufacturer.lang = "en_US"
        claim = self._claim(self._done_repair())
        html = self._render("warranty_service.action_report_reclamation_act", claim)
        self.assertIn("Reclamation Act", html)
        self.manufacturer.lang = "bg_BG"
        html = self._render("warranty_service.action_report_reclamation_act", claim)
        self.assertIn("Рекламационен протокол", html)
        self.assertNotIn("Reclamation Act", html)

    def test_repair_act_in_the_customers_language(self):
        repair = self._done_repair()
        html = self._render("warranty_service.action_report_repair_act", repair)
        self.assertIn("Протокол за ремонт", html)
        self.assertNotIn("Repair Act", html)

    def test_recall_letter_in_the_owners_language(self):
        recall = self.env["warranty.recall"].create({
            "name": "Смяна на задния семеринг",
            "campaign_code": "RC-BG-01",
            "manufacturer_id": self.manufacturer.id,
            "product_ids": [Command.set(self.van.ids)],
            "operation_id": self.operation_seal.id,
        })
        recall.action_add_serials_from_products()
        recall.action_open()
        recall.with_user(self.user_manager).action_notify_owners()
        mails = self.env["mail.mail"].search(
            [("model", "=", "warranty.recall.line"), ("res_id", "in", recall.line_ids.ids)]
        )
        self.assertTrue(mails)
        for mail in mails:
            self.assertIn("Уважаеми/а", mail.body_html)
            self.assertIn("Иван Петров", mail.body_html)
            self.assertNotIn("Dear", mail.body_html)
            self.assertIn("Вашата техника", mail.subject)

    def _render(self, report, records):
        # Printed by an English-speaking user: the document follows its recipient, not the user
        html = self.env["ir.actions.report"].with_context(lang="en_US")._render_qweb_html(report, records.ids)[0]
        return re.sub(r"\s+", " ", html.decode())


@tagged(*BG_TAGS)
class TestLookupTourBulgarian(HttpCase):
    """The workshop master's serial lookup, for a user who works in Bulgarian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create({
            "name": "Трактор", "type": "consu", "is_storable": True, "tracking": "serial", "warranty_months": 24,
        })
        lot = cls.env["stock.lot"].create({"name": "VIN-BG-1", "product_id": product.id})
        customer = cls.env["res.partner"].create({"name": "Иван Петров", "lang": "bg_BG"})
        cls.registration = cls.env["warranty.registration"].create({"lot_id": lot.id, "partner_id": customer.id})
        cls.master = new_test_user(
            cls.env, login="ws_tour_bg", groups="warranty_service.group_warranty_workshop", lang="bg_BG",
        )

    def test_lookup_in_bulgarian(self):
        self.start_tour(
            "/odoo/action-warranty_service.stock_lot_action_warranty", "warranty_service_lookup_bg_tour",
            login="ws_tour_bg",
        )
        printed = self.registration.message_ids.filtered(lambda m: "Гаранционната карта е отпечатана." in m.body)
        self.assertEqual(len(printed), 1, "printed once, and logged in the user's language")
