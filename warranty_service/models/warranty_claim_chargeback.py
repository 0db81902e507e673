from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Written by the action methods only: the life cycle and the entries booked
CHARGEBACK_ACTION_FIELDS = frozenset({"state", "move_id", "reversal_move_id", "dispute_note"})


class WarrantyClaimChargeback(models.Model):
    """A manufacturer's warranty audit taking back money it paid on claims: booked, disputed, reversed."""

    _name = "warranty.claim.chargeback"
    _description = "Warranty Claim Chargeback"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Audit Reference", required=True, tracking=True,
                       help="The manufacturer's reference of the audit debit.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True, index=True,
                                      check_company=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    reason = fields.Selection(
        [
            ("documentation", "Missing or Wrong Documentation"),
            ("labour_time", "Labour Time Over Standard"),
            ("parts", "Parts Not Returned or Not Defective"),
            ("coverage", "Not Covered"),
            ("duplicate", "Duplicate Claim"),
            ("other", "Other"),
        ],
        required=True, tracking=True,
    )
    note = fields.Text(string="Auditor's Explanation")
    line_ids = fields.One2many("warranty.claim.chargeback.line", "chargeback_id", string="Claims", copy=True)
    amount_total = fields.Monetary(string="Charged Back", compute="_compute_amount_total", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Booked"), ("disputed", "Disputed"), ("reversed", "Reversed")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
        help="Draft: recorded from the audit letter.\nBooked: the expense and the manufacturer's credit are posted.\n"
        "Disputed: the dealer contests it with the manufacturer (still booked).\nReversed: the manufacturer "
        "withdrew it; the entry is reversed.",
    )
    dispute_note = fields.Text(readonly=True, copy=False, tracking=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True, copy=False, check_company=True)
    reversal_move_id = fields.Many2one("account.move", string="Reversal", readonly=True, copy=False,
                                       check_company=True)

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(name, manufacturer_id, company_id)",
         "This audit reference of the manufacturer is already recorded."),
    ]

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for chargeback in self:
            chargeback.amount_total = sum(chargeback.line_ids.mapped("amount"))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_accountant()
        for vals in vals_list:
            if CHARGEBACK_ACTION_FIELDS & {name for name, value in vals.items() if value and value != "draft"}:
                raise AccessError(_("A new chargeback is a draft: book it with its actions."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_accountant()
            if CHARGEBACK_ACTION_FIELDS & set(vals):
                raise AccessError(_("A chargeback changes state only through its actions (book, dispute, reverse)."))
            if self.filtered(lambda chargeback: chargeback.state != "draft"):
                raise UserError(_("A booked chargeback cannot be changed: dispute or reverse it."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        if self.filtered(lambda chargeback: chargeback.state != "draft"):
            raise UserError(_("A booked chargeback is not deleted: reverse it."))

    def action_post(self):
        """Book the chargeback: the expense against the manufacturer's receivable, per claim."""
        self._check_accountant()
        self._lock_claims()
        for chargeback in self:
            if chargeback.state != "draft":
                raise UserError(_("Chargeback %(name)s is already booked.", name=chargeback.name))
            chargeback._check_lines()
            company = chargeback.company_id
            if not company.warranty_chargeback_account_id:
                raise UserError(_("Set the chargeback expense account in Warranty > Configuration > Settings first."))
            receivable = chargeback.manufacturer_id.with_company(company).property_account_receivable_id
            line_vals = []
            for line in chargeback.line_ids:
                label = _("%(claim)s: chargeback %(name)s", claim=line.claim_id.name, name=chargeback.name)
                line_vals += [
                    {"name": label, "account_id": company.warranty_chargeback_account_id.id, "balance": line.amount,
                     "partner_id": chargeback.manufacturer_id.id, "warranty_claim_id": line.claim_id.id},
                    {"name": label, "account_id": receivable.id, "balance": -line.amount,
                     "partner_id": chargeback.manufacturer_id.id, "warranty_claim_id": line.claim_id.id},
                ]
            move = chargeback.line_ids.claim_id.with_context(warranty_entry_date=chargeback.date)._post_warranty_entry(
                "chargeback", _("Chargeback %(name)s", name=chargeback.name), line_vals,
            )
            # sudo: the state and entry are written by the actions only
            chargeback.sudo().write({"state": "posted", "move_id": move.id})
            for claim in chargeback.line_ids.claim_id:
                claim.message_post(body=_("Charged back by the manufacturer's audit %(name)s.", name=chargeback.name))
        return True

    def action_open_dispute(self):
        """Ask why the chargeback is disputed."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "warranty.claim.chargeback.dispute",
            "name": _("Dispute Chargeback"), "view_mode": "form", "target": "new",
            "context": {"default_chargeback_id": self.id},
        }

    def action_dispute(self, note=None):
        """The dealer contests the chargeback with the manufacturer: it stays booked until decided."""
        self._check_accountant()
        if not (note or "").strip():
            raise UserError(_("Enter why the chargeback is disputed."))
        for chargeback in self:
            if chargeback.state != "posted":
                raise UserError(_("Only a booked chargeback can be disputed (%(name)s).", name=chargeback.name))
        self.sudo().write({"state": "disputed", "dispute_note": note})
        return True

    def action_dispute_lost(self):
        """The manufacturer maintains the chargeback: back to booked."""
        self._check_accountant()
        for chargeback in self:
            if chargeback.state != "disputed":
                raise UserError(_("Chargeback %(name)s is not disputed.", name=chargeback.name))
        self.sudo().write({"state": "posted"})
        return True

    def action_reverse(self):
        """The manufacturer withdrew the chargeback (a dispute won): a Warranty Manager reverses its entry."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager reverses a chargeback."))
        for chargeback in self:
            if chargeback.state not in ("posted", "disputed"):
                raise UserError(_("Only a booked or disputed chargeback can be reversed (%(name)s).",
                                  name=chargeback.name))
            # sudo: the reversal of the company's entry, by the warranty department
            reversal = chargeback.move_id.sudo()._reverse_moves(
                [{"date": fields.Date.context_today(self), "ref": _("Reversal of chargeback %(name)s",
                                                                    name=chargeback.name)}],
            )
            reversal.action_post()
            chargeback.sudo().write({"state": "reversed", "reversal_move_id": reversal.id})
        return True

    def _check_lines_editable(self):
        booked = self.filtered(lambda chargeback: chargeback.state != "draft")
        if booked:
            raise UserError(_(
                "Chargeback %(name)s is booked: its claims and amounts cannot be added, changed or removed. Dispute "
                "or reverse it.", name=booked[0].name,
            ))

    def _check_accountant(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_accountant"):
            raise AccessError(_("Only a Warranty Accountant or Manager records chargebacks."))

    def _lock_claims(self):
        """Parallel bookings of chargebacks on one claim: the first locks the claim's row; the others wait for it and
        then, the claim changed by the first (its amount charged back), fail to serialize: Odoo retries them in a
        fresh transaction, which sees the first booking and refuses what exceeds what was paid. Locked in the
        order of the ids, so that two chargebacks of the same claims never deadlock."""
        claim_ids = sorted(set(self.line_ids.claim_id.ids))
        if claim_ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM warranty_claim WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", tuple(claim_ids),
            ))
            self.line_ids.claim_id.invalidate_recordset()

    def _get_booked_amounts(self, claims):
        """{claim id: what the chargeback entries took back of it}, from their posted journal items, net of the
        reversals: the booked figures, not the chargeback lines (a booked chargeback's lines are frozen, but the
        entries are what was booked)."""
        # sudo: every audit of these claims counts, whoever recorded it
        chargebacks = self.sudo().search([("move_id.line_ids.warranty_claim_id", "in", claims.ids)])
        moves = chargebacks.move_id | chargebacks.reversal_move_id
        booked = defaultdict(float)
        if not moves:
            return booked
        # The expense side of each claim (debited by the booking, credited by its reversal)
        for claim, balance in self.env["account.move.line"].sudo()._read_group(
            [("move_id", "in", moves.ids), ("parent_state", "=", "posted"), ("warranty_claim_id", "in", claims.ids),
             ("account_id.account_type", "!=", "asset_receivable")],
            ["warranty_claim_id"], ["balance:sum"],
        ):
            booked[claim.id] = balance
        return booked

    def _check_lines(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Chargeback %(name)s names no claim.", name=self.name))
        booked = self._get_booked_amounts(self.line_ids.claim_id)
        for line in self.line_ids:
            claim = line.claim_id
            if claim.manufacturer_id != self.manufacturer_id:
                raise UserError(_("Claim %(claim)s was made to %(other)s, not to %(maker)s.", claim=claim.name,
                                  other=claim.manufacturer_id.name, maker=self.manufacturer_id.name))
            if claim.state != "paid":
                raise UserError(_("Claim %(claim)s is not paid: only paid claims are charged back.",
                                  claim=claim.name))
            # What earlier audits took back counts too: a claim is never charged back more than it was paid
            earlier = self.currency_id.round(booked[claim.id])
            if self.currency_id.compare_amounts(line.amount + earlier, claim.amount_paid) > 0:
                raise UserError(_("%(amount)s charged back on claim %(claim)s, which was paid %(paid)s (%(earlier)s "
                                  "charged back already).", amount=line.amount, claim=claim.name,
                                  paid=claim.amount_paid, earlier=earlier))


class WarrantyClaimChargebackLine(models.Model):
    _name = "warranty.claim.chargeback.line"
    _description = "Claim of a Chargeback"
    _check_company_auto = True

    chargeback_id = fields.Many2one("warranty.claim.chargeback", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="chargeback_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="chargeback_id.currency_id")
    claim_id = fields.Many2one("warranty.claim", string="Claim", required=True, index=True, check_company=True)
    amount = fields.Monetary(required=True)
    reason_code_id = fields.Many2one(
        "warranty.claim.reason.code", string="Reason Code", index="btree_not_null", check_company=True,
        domain="[('manufacturer_id', '=', manufacturer_id)]",
        help="The manufacturer's reason code of the audit finding on this claim.",
    )
    # Stored for the analysis per reason, technician and labour operation
    manufacturer_id = fields.Many2one(related="chargeback_id.manufacturer_id", store=True)
    date = fields.Date(related="chargeback_id.date", store=True)
    reason = fields.Selection(related="chargeback_id.reason", store=True)
    state = fields.Selection(related="chargeback_id.state", store=True, string="Status")
    technician_id = fields.Many2one("res.users", string="Technician", compute="_compute_work", store=True)
    labor_operation_id = fields.Many2one("warranty.labor.operation", string="Labour Operation",
                                         compute="_compute_work", store=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A chargeback takes back a positive amount of each claim."),
        ("claim_uniq", "UNIQUE(chargeback_id, claim_id)", "A claim is named once per chargeback."),
    ]

    @api.depends("claim_id")
    def _compute_work(self):
        # The technician and operation of the claim's (first) labour: who and what the audit found fault with
        for line in self:
            labor = line.claim_id.sudo().line_ids.filtered(lambda claim_line: claim_line.line_type == "labor")[:1]
            line.labor_operation_id = labor.labor_operation_id
            line.technician_id = line.claim_id.sudo().repair_id.labor_line_ids[:1].user_id

    @api.constrains("reason_code_id", "chargeback_id")
    def _check_reason_code_manufacturer(self):
        for line in self.filtered("reason_code_id"):
            if line.reason_code_id.manufacturer_id != line.chargeback_id.manufacturer_id:
                raise ValidationError(_(
                    "Reason code %(code)s is %(other)s's, the chargeback is %(manufacturer)s's.",
                    code=line.reason_code_id.code, other=line.reason_code_id.manufacturer_id.name,
                    manufacturer=line.chargeback_id.manufacturer_id.name,
                ))

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.currency_id.compare_amounts(line.amount, 0.0) <= 0:
                raise ValidationError(_("A chargeback takes back a positive amount of each claim."))

    # The lines of a booked chargeback are what was booked: frozen for everyone (a superuser too), as its entry is.
    # Deleting them left a chargeback booked at 0.00 and let a second one take back the claim again
    @api.model_create_multi
    def create(self, vals_list):
        self.env["warranty.claim.chargeback"].browse(
            {vals["chargeback_id"] for vals in vals_list if vals.get("chargeback_id")}
        )._check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        chargebacks = self.chargeback_id
        if vals.get("chargeback_id"):
            chargebacks |= self.env["warranty.claim.chargeback"].browse(vals["chargeback_id"])
        chargebacks._check_lines_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        self.chargeback_id._check_lines_editable()
