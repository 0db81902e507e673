from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .account_chart_template import WARRANTY_ACCOUNTING_SETUP


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
            # env._ below: the language is not found from inside a comprehension
            reversals = previous._reverse_moves(
                [{
                    "date": date,
                    "ref": self.env._("Reversal of %(entry)s", entry=move.name),
                    "warranty_entry_kind": "allowance",
                } for move in previous],
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
    # Claims accounting set up on install and when a chart is loaded (table in account_chart_template.py)
    def _warranty_setup_accounting(self):
        """Fill the company's empty claims accounts and journal: chosen from its chart, else created, once.

        Only companies with a chart of accounts: without one there is nothing to choose from or number
        against, and the claims keep asking for the settings.
        """
        for company in self.filtered("chart_template"):
            # The chart's ref() and the code search work on the active company
            company = company.with_company(company).sudo()  # sudo: set-up by the install or the chart loader
            for row in WARRANTY_ACCOUNTING_SETUP:
                if company[row["field"]]:
                    continue
                record, created = company._warranty_find_or_create_setup_record(row)
                company[row["field"]] = record
                self.env["account.chart.template"]._warranty_log_setup(company, row, record, created)
        return True

    def _warranty_find_or_create_setup_record(self, row):
        """(record, created) for a row of the set-up table: the one created before, a chart's, or a new one.

        Found again by its code (journal) or English name and type (account) rather than by an xml id: xml ids of
        warranty_service would put the per-company records into the module's translation template.
        """
        self.ensure_one()
        name = row["name"]._translate("en_US")
        if row.get("journal_type"):
            Journal = self.env["account.journal"].with_context(lang="en_US")
            record = Journal.search([
                *Journal._check_company_domain(self), ("type", "=", row["journal_type"]),
                "|", ("code", "=", row["journal_code"]), ("name", "=", name),
            ], order="code", limit=1)
            created = not record
            if created:
                # The code may be another journal's (codes are unique per company): the first free WAR2, WAR3...
                taken = set(Journal.with_context(active_test=False).search(
                    Journal._check_company_domain(self)
                ).mapped("code"))
                prefix = row["journal_code"]
                code = next(code for code in (prefix, *(f"{prefix}{n}" for n in range(2, 100))) if code not in taken)
                record = Journal.create({
                    "name": name, "code": code, "type": row["journal_type"], "company_id": self.id,
                })
        else:
            Account = self.env["account.account"].with_context(lang="en_US")
            record = Account.search([
                *Account._check_company_domain(self), ("name", "=", name), ("account_type", "=", row["account_type"]),
            ], limit=1)
            ChartTemplate = self.env["account.chart.template"].with_company(self)
            for chart_xmlid in row.get("chart_xmlids", {}).get(self.chart_template, []) if not record else []:
                record = ChartTemplate.ref(chart_xmlid, raise_if_not_found=False)
                if record:
                    break
            created = not record
            if created:
                start_code = row["codes"].get(self.chart_template)
                if not start_code:
                    # Another chart: the default code, as long as the chart's codes of that type
                    start_code = row["codes"]["default"]
                    sample = Account.search([
                        *Account._check_company_domain(self), ("account_type", "=", row["account_type"]),
                    ], limit=1)
                    start_code = start_code.ljust(len(sample.code or ""), "0")
                record = Account.create({
                    "name": name,
                    "code": Account._search_new_account_code(start_code, cache=set()),
                    "account_type": row["account_type"],
                    "company_ids": [self.id],
                })
        if created:
            # Named in every installed language, as the chart's own accounts are
            record.update_field_translations("name", {
                lang: row["name"]._translate(lang) for lang, _name in self.env["res.lang"].get_installed()
            })
        return record, created
