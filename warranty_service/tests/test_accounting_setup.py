from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from ..hooks import post_init_hook
from ..models.account_chart_template import WARRANTY_ACCOUNTING_SETUP

ACCOUNT_FIELDS = [row["field"] for row in WARRANTY_ACCOUNTING_SETUP if not row.get("journal_type")]


@tagged("post_install", "-at_install")
class TestAccountingSetup(TransactionCase):
    """The claims accounts and journal exist as soon as a company has a chart: on install, on a chart loaded
    later, and never twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Chart Later Motors"})
        cls.env.user.company_ids |= cls.company
        # A chart loaded after the addon is installed: the chart loader sets the claims up
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)

    def _count(self, company):
        return (
            self.env["account.account"].search_count([("company_ids", "in", company.ids)]),
            self.env["account.journal"].search_count([("company_id", "=", company.id)]),
        )

    def test_chart_loaded_later(self):
        company = self.company.with_company(self.company)  # account codes are per company
        expected_types = {row["field"]: row["account_type"] for row in WARRANTY_ACCOUNTING_SETUP
                          if not row.get("journal_type")}
        for field in ACCOUNT_FIELDS:
            account = company[field]
            self.assertTrue(account, f"{field} set up by the chart loading")
            self.assertEqual(account.company_ids, company)
            self.assertEqual(account.account_type, expected_types[field])
        self.assertEqual(
            len(set(company[field] for field in ACCOUNT_FIELDS)), len(ACCOUNT_FIELDS), "one account per purpose"
        )
        self.assertEqual(company.warranty_parts_account_id.code, "451000", "numbered in the chart's income range")
        self.assertEqual(company.warranty_parts_account_id.name, "Warranty parts recovery")
        self.assertEqual(company.warranty_writeoff_account_id.code, "649000")
        journal = company.warranty_journal_id
        self.assertEqual((journal.type, journal.code, journal.company_id), ("sale", "WAR", company))

    def test_idempotent(self):
        company = self.company
        before = self._count(company)
        accounts = {field: company[field] for field in ACCOUNT_FIELDS + ["warranty_journal_id"]}
        post_init_hook(self.env)  # an upgrade or a second run of the hook
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)  # a reload
        self.assertEqual(self._count(company), before, "nothing created twice")
        # Emptied by mistake: the hook takes the same account and journal back rather than making new ones
        company.write({"warranty_parts_account_id": False, "warranty_journal_id": False})
        post_init_hook(self.env)
        self.assertEqual(self._count(company), before)
        for field, record in accounts.items():
            self.assertEqual(company[field], record, field)

    def test_settings_kept(self):
        """A company's own choice is not replaced."""
        own = self.env["account.account"].with_company(self.company).create({
            "code": "459900", "name": "Our own recovery", "account_type": "income", "company_ids": [self.company.id],
        })
        self.company.warranty_labor_account_id = own
        post_init_hook(self.env)
        self.assertEqual(self.company.warranty_labor_account_id, own)

    def test_journal_code_taken(self):
        """Another journal of the company has the code: the warranty journal takes the next free one."""
        company = self.company
        # The company had a journal coded WAR before the addon came
        company.warranty_journal_id.unlink()
        self.env["account.journal"].create({"name": "Warehouse", "code": "WAR", "type": "general",
                                            "company_id": company.id})
        post_init_hook(self.env)
        journal = company.warranty_journal_id
        self.assertEqual((journal.code, journal.type, journal.name), ("WAR2", "sale", "Warranty Invoices"))
        before = self._count(company)
        company.warranty_journal_id = False
        post_init_hook(self.env)
        self.assertEqual(company.warranty_journal_id, journal, "found again, by its name")
        self.assertEqual(self._count(company), before)

    def test_chosen_from_the_chart(self):
        """A row that names a suitable account of the chart takes it rather than creating one."""
        company = self.env["res.company"].create({"name": "Chosen Account Motors"})
        self.env.user.company_ids |= company
        row = next(row for row in WARRANTY_ACCOUNTING_SETUP if row["field"] == "warranty_writeoff_account_id")
        with patch.dict(row, {"chart_xmlids": {"generic_coa": ["expense_sales"]}}):
            self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        account = company.with_company(company).warranty_writeoff_account_id
        self.assertEqual(account, self.env.ref(f"account.{company.id}_expense_sales"))
        self.assertEqual(account.with_company(company).code, "962000", "the chart's own account")

    def test_code_taken(self):
        """The preferred code is used by another account: the next free one."""
        company = self.env["res.company"].create({"name": "Code Taken Motors"})
        self.env.user.company_ids |= company
        company = company.with_company(company)
        # The chart is not loaded yet: the company has no accounts to set up
        post_init_hook(self.env)
        self.assertFalse(company.warranty_parts_account_id, "no chart, nothing to choose or create")
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        self.assertEqual(company.warranty_parts_account_id.code, "451000")
        company.warranty_parts_account_id.name = "Renamed by the accountant"
        company.warranty_parts_account_id = False
        post_init_hook(self.env)
        self.assertEqual(company.warranty_parts_account_id.code, "451001", "451000 is taken")
