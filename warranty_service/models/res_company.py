from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


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

    def _get_warranty_income_account(self, line_type):
        """The recovery income account of a claim line's type (parts and other costs share the parts account)."""
        self.ensure_one()
        return self.warranty_labor_account_id if line_type == "labor" else self.warranty_parts_account_id

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

    # Month-end of the claims receivable (issue 15): short pays, chargebacks, allowance for doubtful claims
    warranty_short_pay_account_id = fields.Many2one(
        "account.account", string="Short-Pay Write-off Account", check_company=True,
        help="Expense of what a manufacturer pays short within its tolerance, written off when the remittance is "
        "reconciled.",
    )
    warranty_chargeback_account_id = fields.Many2one(
        "account.account", string="Chargeback Expense Account", check_company=True,
        help="Expense of the claims a manufacturer's warranty audit charged back after paying them.",
    )
    warranty_allowance_account_id = fields.Many2one(
        "account.account", string="Allowance for Doubtful Claims", check_company=True,
        help="Contra-asset account of the claims receivable booked as doubtful at month-end.",
    )
    warranty_allowance_expense_account_id = fields.Many2one(
        "account.account", string="Doubtful Claims Expense Account", check_company=True,
        help="Expense booked against the allowance for doubtful claims.",
    )
    warranty_allowance_days = fields.Integer(
        string="Doubtful After (days)", default=90,
        help="Claims still owed this many days after their submission go into the allowance at month-end.",
    )

    @api.constrains("warranty_allowance_days")
    def _check_warranty_allowance_days(self):
        for company in self:
            if company.warranty_allowance_days <= 0:
                raise ValidationError(_("Claims become doubtful after at least 1 day (%(company)s).",
                                        company=company.name))

    def _book_warranty_allowance(self, date):
        """Reverse the last allowance for doubtful claims of this company and book the claims owed for longer than
        its days on ``date``: Dr doubtful claims expense / Cr allowance, a line per claim."""
        self.ensure_one()
        if not self.warranty_allowance_account_id or not self.warranty_allowance_expense_account_id:
            raise UserError(_(
                "Set the allowance for doubtful claims and its expense account in Warranty > Configuration > "
                "Settings first (%(company)s).", company=self.name,
            ))
        # The scheduled job and an accountant's click at once would both reverse last month's allowance: the
        # second waits here for the first, then finds its allowance to reverse
        self.env.cr.execute(SQL("SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE", self.id))
        Claim = self.env["warranty.claim"].sudo().with_company(self)
        # sudo: the month-end entry is the company's; the caller's rights were checked by the action
        Move = self.env["account.move"].sudo()
        previous = Move.search([
            ("company_id", "=", self.id), ("warranty_entry_kind", "=", "allowance"), ("state", "=", "posted"),
            ("reversal_move_ids", "=", False), ("reversed_entry_id", "=", False),
        ])
        if previous:
            reversals = previous._reverse_moves(
                [{"date": date, "ref": _("Reversal of %(entry)s", entry=move.name), "warranty_entry_kind": "allowance"}
                 for move in previous],
            )
            reversals.action_post()
        Claim.search([("company_id", "=", self.id), ("amount_allowance", "!=", 0)]).write({"amount_allowance": 0.0})
        doubtful = Claim.search([
            ("company_id", "=", self.id),
            ("state", "in", ("accepted", "partially_accepted")),
            ("amount_open", ">", 0),
            ("submission_date", "<=", date - timedelta(days=self.warranty_allowance_days)),
        ])
        if not doubtful:
            return Move
        line_vals = []
        for claim in doubtful:
            label = _("%(claim)s: doubtful, owed since %(date)s", claim=claim.name, date=claim.submission_date)
            line_vals += [
                {"name": label, "account_id": self.warranty_allowance_expense_account_id.id,
                 "balance": claim.amount_open, "partner_id": claim.manufacturer_id.id, "warranty_claim_id": claim.id},
                {"name": label, "account_id": self.warranty_allowance_account_id.id,
                 "balance": -claim.amount_open, "partner_id": claim.manufacturer_id.id,
                 "warranty_claim_id": claim.id},
            ]
        move = doubtful.with_context(warranty_entry_date=date)._post_warranty_entry(
            "allowance", _("Allowance for doubtful claims at %(date)s", date=date), line_vals,
        )
        for claim in doubtful:
            claim.amount_allowance = claim.amount_open
        return move
