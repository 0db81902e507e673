import logging

from odoo import _lt, api, models

_logger = logging.getLogger(__name__)

# What the claims need on a company with a chart of accounts, set up on install and whenever a chart is loaded.
# One row per res.company field; other modules append rows (or a key to a row) to this table:
#   field:         the res.company Many2one to fill when it is empty
#   (an upgrade or a chart reload finds what it created before: journal by code, account by name and type)
#   account_type:  account.account type of a created account
#   name:          translatable name of a created account (or journal)
#   codes:         start code of a created account per chart template code ("default" for any other chart):
#                  the first free code from it is taken
#   chart_xmlids:  per chart template, accounts of the chart that suit the purpose (taken before creating one)
#   journal_type / journal_code: a journal instead of an account
WARRANTY_ACCOUNTING_SETUP = [
    {
        "field": "warranty_parts_account_id",
        "account_type": "income",
        "name": _lt("Warranty parts recovery"),
        "codes": {"bg": "709100", "generic_coa": "451000", "default": "7091"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_labor_account_id",
        "account_type": "income",
        "name": _lt("Warranty labour recovery"),
        "codes": {"bg": "709200", "generic_coa": "452000", "default": "7092"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_accrual_account_id",
        "account_type": "asset_current",
        "name": _lt("Warranty claims to invoice"),
        "codes": {"bg": "419100", "generic_coa": "129000", "default": "1471"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_writeoff_account_id",
        "account_type": "expense",
        "name": _lt("Rejected warranty claims"),
        "codes": {"bg": "609100", "generic_coa": "649000", "default": "6911"},
        "chart_xmlids": {},
    },
    # Month-end (short pays, chargebacks, allowance) and the work the dealer bears (repair jobs)
    {
        "field": "warranty_short_pay_account_id",
        "account_type": "expense",
        "name": _lt("Warranty claims paid short"),
        "codes": {"bg": "609500", "generic_coa": "649400", "default": "6915"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_chargeback_account_id",
        "account_type": "expense",
        "name": _lt("Warranty chargebacks"),
        "codes": {"bg": "609600", "generic_coa": "649500", "default": "6916"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_allowance_account_id",
        "account_type": "asset_current",
        "name": _lt("Allowance for doubtful warranty claims"),
        "codes": {"bg": "419900", "generic_coa": "129100", "default": "1479"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_allowance_expense_account_id",
        "account_type": "expense",
        "name": _lt("Doubtful warranty claims"),
        "codes": {"bg": "609700", "generic_coa": "649600", "default": "6917"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_internal_expense_account_id",
        "account_type": "expense",
        "name": _lt("Internal workshop work"),
        "codes": {"bg": "609200", "generic_coa": "649100", "default": "6912"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_goodwill_expense_account_id",
        "account_type": "expense",
        "name": _lt("Dealer goodwill"),
        "codes": {"bg": "609300", "generic_coa": "649200", "default": "6913"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_job_cost_account_id",
        "account_type": "expense_direct_cost",
        "name": _lt("Workshop costs absorbed"),
        "codes": {"bg": "609400", "generic_coa": "649300", "default": "6914"},
        "chart_xmlids": {},
    },
    {
        "field": "warranty_journal_id",
        "journal_type": "sale",
        "journal_code": "WAR",
        "name": _lt("Warranty Invoices"),
    },
]


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        # A chart loaded after the addon (a localization installed later, a new company): its claims accounts
        result = super()._post_load_data(template_code, company, template_data)
        company = company or self.env.company
        if not company.parent_id:
            company._warranty_setup_accounting()
        return result

    @api.model
    def _warranty_setup_all_companies(self):
        """Set up the claims accounting of every company that has a chart (the install hook)."""
        companies = self.env["res.company"].search([("chart_template", "!=", False), ("parent_id", "=", False)])
        for company in companies:
            company._warranty_setup_accounting()
        return True

    @api.model
    def _warranty_log_setup(self, company, row, record, created):
        _logger.info(
            "warranty_service: %s of %s: %s %s",
            row["field"], company.name, "created" if created else "chosen", record.display_name,
        )
