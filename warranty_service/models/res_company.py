from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    warranty_manager_user_id = fields.Many2one(
        "res.users", string="Responsible Warranty Manager",
        domain=lambda self: [("share", "=", False),
                             ("groups_id", "in", self.env.ref("warranty_service.group_warranty_manager").ids)],
        help="Receives the warranty department's to-dos of this company: notifying the manufacturer of covered "
        "repairs and investigating systematic-defect alerts.",
    )
    warranty_requisition_approval_limit = fields.Monetary(
        string="Requisition Approval Limit", currency_field="currency_id",
        help="Part requisitions worth more than this (at cost) need a Warranty Manager's approval. 0: no limit.",
    )
    warranty_parts_account_id = fields.Many2one(
        "account.account", string="Warranty Parts Recovery Account", check_company=True,
        help="Income of the parts the manufacturers reimburse.",
    )
    warranty_labor_account_id = fields.Many2one(
        "account.account", string="Warranty Labour Recovery Account", check_company=True,
        help="Income of the labour the manufacturers reimburse.",
    )
    warranty_accrual_account_id = fields.Many2one(
        "account.account", string="Warranty Claims to Invoice Account", check_company=True,
        help="What the manufacturers owe on submitted claims before it is invoiced: debited with the claimed amount "
        "when a claim is submitted (against the recovery income), cleared by the invoice of the accepted part and by "
        "the write-off or re-billing of the rejected part. Leave empty to book the income at invoicing only.",
    )
    warranty_writeoff_account_id = fields.Many2one(
        "account.account", string="Rejected Claims Write-off Account", check_company=True,
        help="Expense of the claimed amounts the manufacturers refused to pay.",
    )
    warranty_journal_id = fields.Many2one(
        "account.journal", string="Warranty Invoices Journal", check_company=True,
        domain="[('type', '=', 'sale')]", help="Journal of the invoices to manufacturers.",
    )
    # Systematic-defect alerts
    warranty_alert_min_cases = fields.Integer(
        string="Alert From (failures)", default=3,
        help="A model and defect code alert when at least this many failures happen in the period.",
    )
    warranty_alert_min_rate = fields.Float(
        string="Alert From (% of units)", default=2.0,
        help="... and when the failures reach this share of the model's registered units.",
    )
    warranty_alert_days = fields.Integer(string="Alert Period (days)", default=90)
    # Customer complaints (issue 16)
    warranty_complaint_deadline_days = fields.Integer(
        string="Complaint Answer Deadline (days)", default=14,
        help="Days to answer a customer complaint without a category; each category sets its own.",
    )
    # Repair jobs: the dealer's own costs, and the warranty on its own work
    warranty_comeback_months = fields.Integer(
        string="Comeback Period (months)", default=12,
        help="A job on the same unit with the same defect code or causal part within this period after an earlier "
        "repair is proposed as a comeback: the dealer redoes its own work for free.",
    )
    warranty_internal_expense_account_id = fields.Many2one(
        "account.account", string="Internal Work Expense Account", check_company=True,
        help="Expense of internal jobs (e.g. reconditioning used units) and comebacks, at cost, when the repair is "
        "done.",
    )
    warranty_goodwill_expense_account_id = fields.Many2one(
        "account.account", string="Dealer Goodwill Expense Account", check_company=True,
        help="Expense of the dealer's share of goodwill jobs, at cost, when the repair is done.",
    )
    warranty_job_cost_account_id = fields.Many2one(
        "account.account", string="Workshop Costs Absorbed Account", check_company=True,
        help="Credited with the cost of the work the dealer bears itself (internal jobs, comebacks, its goodwill "
        "share): the counterpart of the two expense accounts.",
    )
    warranty_job_journal_id = fields.Many2one(
        "account.journal", string="Workshop Costs Journal", check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the entries of the work the dealer bears (default: the first miscellaneous journal).",
    )

    def _get_warranty_income_account(self, line_type):
        """The recovery income account of a claim line's type (parts and other costs share the parts account)."""
        self.ensure_one()
        return self.warranty_labor_account_id if line_type == "labor" else self.warranty_parts_account_id

    @api.constrains("warranty_comeback_months")
    def _check_warranty_comeback_months(self):
        for company in self:
            if company.warranty_comeback_months < 0:
                raise ValidationError(_("The comeback period cannot be negative (%(company)s).", company=company.name))

    @api.constrains("warranty_alert_min_cases", "warranty_alert_min_rate", "warranty_alert_days")
    def _check_warranty_alert_thresholds(self):
        # 0 would alert on every single failure (or never look back at all): a typo, not a policy
        for company in self:
            if company.warranty_alert_min_cases <= 0:
                raise ValidationError(_("A systematic-defect alert needs at least 1 failure (%(company)s).",
                                        company=company.name))
            if company.warranty_alert_min_rate <= 0:
                raise ValidationError(_("The failure share that raises an alert must be above 0 %% (%(company)s).",
                                        company=company.name))
            if company.warranty_alert_days <= 0:
                raise ValidationError(_("The alert period must be at least 1 day (%(company)s).", company=company.name))
