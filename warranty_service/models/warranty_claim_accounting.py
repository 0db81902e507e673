from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError


class WarrantyClaim(models.Model):
    """The claims accounting (accrual at submission, write-off, re-billing, allowance, chargebacks)."""

    _inherit = "warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    # Claims accounting: booked as owed at submission, cleared by the invoice and the write-off
    is_accrued = fields.Boolean(
        string="Booked at Submission",
        readonly=True,
        copy=False,
        help="The claimed amount was booked as owed (claims to invoice) when the claim was submitted.",
    )
    write_off_move_id = fields.Many2one(
        "account.move",
        string="Write-off Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="The entry that moved the rejected amount to the write-off account.",
    )
    amount_written_off = fields.Monetary(string="Written Off", readonly=True, copy=False, tracking=True)
    rebill_move_id = fields.Many2one(
        "account.move",
        string="Re-billed to Customer",
        readonly=True,
        copy=False,
        check_company=True,
        help="The customer invoice of the rejected amount, when a Warranty Manager decided the customer pays it.",
    )
    rebill_reason = fields.Text(string="Re-billing Reason", readonly=True, copy=False, tracking=True)

    amount_allowance = fields.Monetary(
        string="Doubtful (Allowance)", readonly=True, copy=False,
        help="What the last month-end booked of this claim in the allowance for doubtful claims: owed for longer "
        "than the company's days (Settings).",
    )
    # Month-end: what the manufacturer's audits took back of the claim once paid
    chargeback_line_ids = fields.One2many("warranty.claim.chargeback.line", "claim_id", string="Chargebacks")
    amount_charged_back = fields.Monetary(
        string="Charged Back", compute="_compute_amount_charged_back", store=True,
        help="What the manufacturer's audits took back of this paid claim (booked or disputed, not reversed).",
    )

    @api.depends("chargeback_line_ids.amount", "chargeback_line_ids.state")
    def _compute_amount_charged_back(self):
        for claim in self:
            claim.amount_charged_back = sum(
                claim.chargeback_line_ids.filtered(lambda line: line.state in ("posted", "disputed")).mapped("amount")
            )

    @api.model
    def action_book_allowance(self):
        """Month-end: reverse last month's allowance for doubtful claims and book it anew for the claims still owed
        after the company's days. Returns the list of the claims in it (the report of the allowance)."""
        self._check_group(
            "warranty_service.group_warranty_accountant",
            _("Only a Warranty Accountant or Manager books the allowance for doubtful claims."),
        )
        company = self.env.company
        company._book_warranty_allowance(fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": _("Doubtful Claims"),
            "view_mode": "list,form",
            "views": [(self.env.ref("warranty_service.warranty_claim_view_list_doubtful").id, "list"), (False, "form")],
            "domain": [("amount_allowance", ">", 0), ("company_id", "=", company.id)],
            "context": {"create": False},
        }

    @api.model
    def _cron_book_allowance(self):
        """Scheduled on the 1st: the allowance of every company that set its accounts, as of the month's last day."""
        month_end = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        for company in self.env["res.company"].search([
            ("warranty_allowance_account_id", "!=", False), ("warranty_allowance_expense_account_id", "!=", False),
        ]):
            company._book_warranty_allowance(month_end)
        return True

    def action_view_chargebacks(self):
        """The chargebacks of the claim."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "warranty.claim.chargeback", "name": _("Chargebacks"),
            "view_mode": "list,form", "domain": [("line_ids.claim_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_write_off(self):
        """Close the claims: what the manufacturer rejected goes, once, to the write-off account."""
        self._check_closable()
        company = self.company_id
        if not company.warranty_writeoff_account_id:
            raise UserError(
                _("Set the rejected claims write-off account in Warranty > Configuration > Settings first.")
            )
        amounts = self._get_amounts_to_close()
        line_vals = []
        for claim in self:
            amount = amounts[claim.id]
            line_vals += [
                {
                    "name": _("%(name)s: rejected by %(maker)s", name=claim.name, maker=claim.manufacturer_id.name),
                    "account_id": company.warranty_writeoff_account_id.id,
                    "balance": amount,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
                {
                    "name": claim.name,
                    "account_id": company.warranty_accrual_account_id.id,
                    "balance": -amount,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
            ]
        move = self._post_warranty_entry("write_off", _("Rejected warranty claims written off"), line_vals)
        for claim in self:
            # sudo: the write-off fields are written by this action only
            claim.sudo().write({"write_off_move_id": move.id, "amount_written_off": amounts[claim.id]})
            claim.message_post(
                body=_(
                    "%(amount)s rejected by the manufacturer written off (%(entry)s).",
                    amount=amounts[claim.id],
                    entry=move.name,
                )
            )
        return True

    def action_rebill_customer(self, reason=None):
        """A Warranty Manager decides the customer pays what the manufacturer rejected: a customer invoice."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager decides to re-bill a rejected claim to the customer."))
        if not (reason or "").strip():
            raise UserError(_("Enter why the customer pays what the manufacturer rejected."))
        self._check_closable()
        amounts = self._get_amounts_to_close()
        invoices = self.env["account.move"]
        for claim in self:
            if not claim.partner_id:
                raise UserError(_("Claim %(name)s has no customer to re-bill.", name=claim.name))
            # sudo: the Warranty Manager books this one invoice without being an accountant
            invoice = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": claim.partner_id.id,
                        "company_id": claim.company_id.id,
                        "invoice_origin": claim.name,
                        "warranty_entry_kind": "rebill",
                        "narration": reason,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": _(
                                        "%(name)s (%(unit)s): rejected by %(maker)s. %(reason)s",
                                        name=claim.name,
                                        unit=claim.lot_id.name or claim.product_id.display_name or "",
                                        maker=claim.manufacturer_id.name,
                                        reason=reason,
                                    ),
                                    "quantity": 1,
                                    "price_unit": amounts[claim.id],
                                    # It clears what was booked as owed by the manufacturer
                                    "account_id": claim.company_id.warranty_accrual_account_id.id,
                                    "warranty_claim_id": claim.id,
                                }
                            )
                        ],
                    }
                )
            )
            # sudo: the re-billing fields are written by this action only
            claim.sudo().write({"rebill_move_id": invoice.id, "rebill_reason": reason})
            invoices |= invoice
        return self._action_open_moves(invoices, _("Re-billed to Customers"))

    # Business helpers

    def _action_open_moves(self, moves, name):
        # As core's invoicing does: one document opens in its form, several in the invoice list
        # (customer, number, amounts), never a bare list of numbers
        action = {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": name,
            "context": {"create": False},
        }
        if len(moves) == 1:
            return {**action, "views": [(self.env.ref("account.view_move_form").id, "form")], "res_id": moves.id}
        return {
            **action,
            "views": [(self.env.ref("account.view_invoice_tree").id, "list"),
                      (self.env.ref("account.view_move_form").id, "form")],
            "domain": [("id", "in", moves.ids)],
        }

    def _check_claims_accounting(self):
        """Companies that book claims at submission need all their warranty accounts, before anything is written."""
        for company in self.company_id.filtered("warranty_accrual_account_id"):
            if not company.warranty_parts_account_id or not company.warranty_labor_account_id:
                raise UserError(
                    _(
                        "Set the warranty parts and labour recovery accounts in Warranty > Configuration > Settings "
                        "first: submitted claims are booked on them."
                    )
                )

    def _post_submission_accrual(self):
        """Book the claimed amount as owed by the manufacturer (against the recovery income) when it is submitted.

        A resubmitted revision books only its difference with what was booked before. Claims invoiced before the
        company booked claims at submission keep being booked at invoicing, so nothing is counted twice.
        """
        claims = self.filtered(
            lambda c: c.company_id.warranty_accrual_account_id and (c.is_accrued or not c.invoice_ids)
        )
        if not claims:
            return
        booked = defaultdict(float)
        # sudo: the engineer who submits keeps no accounting rights; the entry is the company's
        for claim, account, balance in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("warranty_claim_id", "in", claims.ids),
                    ("move_id.warranty_entry_kind", "=", "accrual"),
                    ("parent_state", "=", "posted"),
                ],
                ["warranty_claim_id", "account_id"],
                ["balance:sum"],
            )
        ):
            booked[claim.id, account.id] -= balance
        for company, company_claims in claims.grouped("company_id").items():
            accrual_account = company.warranty_accrual_account_id
            line_vals = []
            for claim in company_claims:
                target = defaultdict(float)
                for line in claim.line_ids:
                    target[company._get_warranty_income_account(line.line_type).id] += line.amount_claimed
                accounts = set(target) | {
                    account_id
                    for claim_id, account_id in booked
                    if claim_id == claim.id and account_id != accrual_account.id
                }
                total = 0.0
                for account_id in sorted(accounts):
                    delta = claim.currency_id.round(target[account_id] - booked[claim.id, account_id])
                    if not claim.currency_id.is_zero(delta):
                        line_vals.append(
                            {
                                "name": claim.name,
                                "account_id": account_id,
                                "balance": -delta,
                                "partner_id": claim.manufacturer_id.id,
                                "warranty_claim_id": claim.id,
                            }
                        )
                        total += delta
                if not claim.currency_id.is_zero(total):
                    line_vals.append(
                        {
                            "name": claim.name,
                            "account_id": accrual_account.id,
                            "balance": total,
                            "partner_id": claim.manufacturer_id.id,
                            "warranty_claim_id": claim.id,
                        }
                    )
            # sudo: the booking flag is written by the submission only
            company_claims.sudo().is_accrued = True
            if line_vals:
                company_claims._post_warranty_entry("accrual", _("Warranty claims submitted"), line_vals)

    def _post_warranty_entry(self, kind, ref, line_vals):
        """One posted journal entry in the company's miscellaneous journal for these claims."""
        company = self.company_id
        company.ensure_one()
        # sudo: engineers submit and accountants close claims; neither edits journals, the entry is the company's
        Move = self.env["account.move"].sudo().with_company(company)
        journal = Move.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "general")],
            limit=1,
        )
        if not journal:
            raise UserError(
                _("Company %(company)s has no miscellaneous journal to book warranty claims in.", company=company.name)
            )
        # The analytic distribution models apply as core applies them, looked up once per account and
        # partner: core's own compute would look them up once per line of these entries
        distributions = {}
        Account, Partner = self.env["account.account"], self.env["res.partner"]
        for vals in line_vals:
            key = (vals["account_id"], vals.get("partner_id"))
            if key not in distributions:
                partner = Partner.browse(key[1])
                distributions[key] = (
                    Move.env["account.analytic.distribution.model"]._get_distribution(
                        {
                            "product_id": False,
                            "product_categ_id": False,
                            "partner_id": partner.id,
                            "partner_category_id": partner.category_id.ids,
                            "account_prefix": Account.browse(key[0]).code,
                            "company_id": company.id,
                        }
                    )
                    or False
                )
            vals["analytic_distribution"] = distributions[key]
        move = Move.create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                # A remittance netted states its own date
                "date": self.env.context.get("warranty_entry_date") or fields.Date.context_today(self),
                "ref": f"{ref}: {', '.join(self.mapped('name'))}"[:250],
                "warranty_entry_kind": kind,
                "line_ids": [Command.create(vals) for vals in line_vals],
            }
        )
        move.action_post()
        return move.with_env(self.env)

    def _check_closable(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_accountant"):
            raise AccessError(_("Only a Warranty Accountant or Manager closes the rejected part of claims."))
        if len(self.company_id) > 1:
            raise UserError(_("Close the claims of one company at a time."))
        for claim in self:
            if claim.state not in ("rejected", "partially_accepted", "paid"):
                raise UserError(
                    _(
                        "Claim %(name)s has no decided rejection to close (it is %(state)s).",
                        name=claim.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[claim.state],
                    )
                )
            if claim.write_off_move_id or (claim.rebill_move_id and claim.rebill_move_id.state != "cancel"):
                raise UserError(
                    _("The rejected amount of claim %(name)s is already written off or re-billed.", name=claim.name)
                )
            if not claim.is_accrued:
                raise UserError(
                    _(
                        "Claim %(name)s was not booked when it was submitted (no claims-to-invoice account was set): "
                        "its rejected amount was never counted as income, there is nothing to write off.",
                        name=claim.name,
                    )
                )

    def _get_amounts_to_close(self):
        """Per claim: what is booked as owed and will never be invoiced to the manufacturer."""
        balances = dict(
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("warranty_claim_id", "in", self.ids),
                    ("parent_state", "=", "posted"),
                    ("account_id", "in", self.company_id.warranty_accrual_account_id.ids),
                ],
                ["warranty_claim_id"],
                ["balance:sum"],
            )
        )
        invoiced = self._get_invoiced_by_line(posted_only=True)
        amounts = {}
        for claim in self:
            to_invoice = claim.amount_accepted - sum(invoiced[line.id] for line in claim.line_ids)
            amount = claim.currency_id.round(balances.get(claim, 0.0) - to_invoice)
            if claim.currency_id.compare_amounts(amount, 0.0) <= 0:
                raise UserError(_("Claim %(name)s has no rejected amount left to close.", name=claim.name))
            amounts[claim.id] = amount
        return amounts

    def _reverse_write_off(self):
        """A later revision was accepted: the earlier write-off of these claims is booked back."""
        line_vals = []
        for claim in self:
            company = claim.company_id
            line_vals += [
                {
                    "name": _("%(name)s: accepted on revision %(revision)s", name=claim.name, revision=claim.revision),
                    "account_id": company.warranty_writeoff_account_id.id,
                    "balance": -claim.amount_written_off,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
                {
                    "name": claim.name,
                    "account_id": company.warranty_accrual_account_id.id,
                    "balance": claim.amount_written_off,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
            ]
        for claims in self.grouped("company_id").values():
            company_lines = [vals for vals in line_vals if vals["warranty_claim_id"] in claims.ids]
            move = claims._post_warranty_entry("write_off", _("Write-off reversed after resubmission"), company_lines)
            for claim in claims:
                claim.message_post(
                    body=_(
                        "Write-off of %(amount)s reversed (%(entry)s): the resubmitted claim was accepted.",
                        amount=claim.amount_written_off,
                        entry=move.name,
                    )
                )
        # sudo: the write-off fields are written by the claim's actions only
        self.sudo().write({"write_off_move_id": False, "amount_written_off": 0.0})
