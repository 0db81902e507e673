from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

# Written by the action methods only (they write with sudo), never through write()/create() of a user: the
# life cycle, the money booked and the numbering
CLAIM_ACTION_FIELDS = frozenset({
    "name", "state", "submission_date", "revision", "is_accrued", "write_off_move_id", "amount_written_off",
    "rebill_move_id", "rebill_reason", "date_paid", "invoice_ids", "deadline_date", "amount_claimed",
    "amount_accepted", "amount_rejected", "reimbursement_state", "amount_paid", "amount_open", "days_to_payment",
    "amount_short", "acceptance_rate", "return_picking_id", "manufacturer_return_picking_id",
    "amount_short_paid_off", "days_to_payment_weighted", "amount_charged_back", "amount_allowance",
})
# Set when the claim is made: what it is about never changes afterwards
CLAIM_FIXED_FIELDS = frozenset({"company_id", "repair_id", "recall_id", "registration_id"})
# What the claim says: the workshop writes it while the claim is a draft, then it is frozen for everyone
CLAIM_CONTENT_FIELDS = frozenset({
    "manufacturer_id", "lot_id", "product_id", "partner_id", "failure_date", "repair_date", "odometer_km",
    "defect_code_ids", "causal_part_id", "failure_cause", "late_reason",
})
class WarrantyClaim(models.Model):
    _name = "warranty.claim"
    _description = "Warranty Claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline_date, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "manufacturer_reference", "lot_id.name"]

    name = fields.Char(string="Claim Number", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True, index=True, tracking=True,
                                      check_company=True)
    # The repair and the unit
    repair_id = fields.Many2one("repair.order", string="Repair Order", index="btree_not_null", check_company=True,
                                readonly=True)
    registration_id = fields.Many2one("warranty.registration", string="Warranty Registration", check_company=True)
    recall_id = fields.Many2one(
        "warranty.recall",
        string="Recall Campaign",
        index="btree_not_null",
        check_company=True,
        readonly=True,
        help="The campaign whose work this claim charges, at the campaign's terms.",
    )
    lot_id = fields.Many2one("stock.lot", string="Serial Number", check_company=True, index="btree_not_null")
    product_id = fields.Many2one("product.product", string="Unit", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    failure_date = fields.Date(tracking=True)
    repair_date = fields.Date(
        tracking=True,
        help="The day the repair was completed; a claim made from a repair takes it from the repair.",
    )
    odometer_km = fields.Integer(string="Odometer (km)")
    defect_code_ids = fields.Many2many("warranty.defect.code", string="Defect Codes", check_company=True)
    causal_part_id = fields.Many2one("product.product", string="Causal Part", check_company=True)
    failure_cause = fields.Text()
    # Money
    line_ids = fields.One2many("warranty.claim.line", "claim_id", string="Lines", copy=True)
    amount_claimed = fields.Monetary(string="Claimed", compute="_compute_amounts", store=True, tracking=True)
    amount_accepted = fields.Monetary(string="Accepted", compute="_compute_amounts", store=True, tracking=True)
    amount_rejected = fields.Monetary(string="Rejected", compute="_compute_amounts", store=True)
    # Life cycle
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("partially_accepted", "Partially Accepted"),
            ("rejected", "Rejected"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        # The kanban shows the life cycle in its order, with its empty columns (core's ordered stages)
        group_expand="_group_expand_states",
        help="Draft: being prepared from the repair.\nSubmitted: sent to the manufacturer, waiting for a decision.\n"
        "Accepted / Partially Accepted: the manufacturer pays all / part of the claim.\n"
        "Rejected: the manufacturer pays nothing; it may be corrected and resubmitted as a new revision.\n"
        "Paid: the reimbursement was received.\nCancelled: withdrawn.",
    )
    submission_date = fields.Date(string="Submitted On", readonly=True, copy=False)
    deadline_date = fields.Date(
        string="Deadline",
        compute="_compute_deadline_date",
        store=True,
        index=True,
        help="Last day to submit: the repair date plus the manufacturer's claim deadline. Only a Warranty "
        "Manager submits a claim after it, with the reason.",
    )
    deadline_state = fields.Selection(
        [("ok", "On Time"), ("soon", "Due Soon"), ("overdue", "Overdue")],
        compute="_compute_deadline_state",
        string="Deadline Status",
    )
    is_warranty_manager = fields.Boolean(
        compute="_compute_is_warranty_manager",
        help="The current user may move the repair date and submit late (the form opens those fields to them).",
    )
    late_reason = fields.Text(
        string="Late Submission Reason",
        tracking=True,
        copy=False,
        help="Why a Warranty Manager let this claim go out after its deadline.",
    )
    manufacturer_reference = fields.Char(
        tracking=True, copy=False, index="btree_not_null"
    )
    rejection_reason = fields.Text(tracking=True, copy=False)
    revision = fields.Integer(
        default=0,
        readonly=True,
        copy=False,
        tracking=True,
        help="How many times the claim was resubmitted after a rejection.",
    )

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(name, company_id)", "A claim number must be unique."),
        # Parallel "Create Warranty Claim" clicks on one repair: only the database can refuse all but one
        (
            "repair_open_claim_uniq",
            "EXCLUDE (repair_id WITH =) WHERE (repair_id IS NOT NULL AND state != 'cancel')",
            "This repair already has a warranty claim: open it from the repair instead of creating another one.",
        ),
    ]

    def _group_expand_states(self, states, domain):
        # Cancelled claims are out of the flow: their column shows only when some are listed
        return [state for state, __ in self._fields["state"].selection if state != "cancel" or state in states]

    @api.model
    def _read_group_fill_results(self, domain, groupby, annoted_aggregates, read_group_result, read_group_order=None):
        result = super()._read_group_fill_results(
            domain, groupby, annoted_aggregates, read_group_result, read_group_order=read_group_order
        )
        if groupby == "state":
            # Paid and cancelled claims are closed: folded as core folds its last stages, the board keeps the
            # claims still moving in view
            for line in result:
                line["__fold"] = line.get("state") in ("paid", "cancel")
        return result

    @api.depends("line_ids.amount_claimed", "line_ids.amount_accepted", "state")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("amount_claimed"))
            decided = claim.state in ("accepted", "partially_accepted", "rejected", "paid")
            claim.amount_accepted = sum(claim.line_ids.mapped("amount_accepted")) if decided else 0.0
            claim.amount_rejected = claim.amount_claimed - claim.amount_accepted if decided else 0.0

    @api.depends_context("uid")
    def _compute_is_warranty_manager(self):
        self.is_warranty_manager = self._is_warranty_manager()

    @api.depends("repair_date", "manufacturer_id")
    def _compute_deadline_date(self):
        for claim in self:
            days = claim.manufacturer_id.warranty_claim_deadline_days
            claim.deadline_date = claim.repair_date + timedelta(days=days) if claim.repair_date and days else False

    @api.depends("deadline_date", "state")
    @api.depends_context("date")
    def _compute_deadline_state(self):
        today = fields.Date.context_today(self)
        for claim in self:
            if claim.state != "draft" or not claim.deadline_date:
                claim.deadline_state = "ok"
            elif claim.deadline_date < today:
                claim.deadline_state = "overdue"
            elif claim.deadline_date <= today + timedelta(days=3):
                claim.deadline_state = "soon"
            else:
                claim.deadline_state = "ok"

    @api.constrains("defect_code_ids", "company_id")
    def _check_defect_codes_company(self):
        # check_company on a many2many passes when one of the records fits: each code must. sudo: the codes of
        # another company are exactly those the user cannot read
        for claim in self.sudo():
            foreign = claim.defect_code_ids.filtered(
                lambda code, claim=claim: code.company_id not in (claim.company_id, code.browse())
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Defect code %(code)s belongs to %(company)s: claim %(name)s of %(claim_company)s uses its own "
                        "company's codes.",
                        code=foreign[0].code,
                        company=foreign[0].company_id.name,
                        name=claim.name,
                        claim_company=claim.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_create_rights(vals_list)
        # A claim made from a repair states the repair's date and registration: the deadline and the coverage
        # run from them, and only a Warranty Manager states another repair date
        is_manager = self._is_warranty_manager()
        for vals in vals_list:
            if vals.get("repair_id"):
                repair = self.env["repair.order"].browse(vals["repair_id"])
                vals["registration_id"] = repair.warranty_registration_id.id
                if not (is_manager and vals.get("repair_date")):
                    vals["repair_date"] = self._get_repair_date(repair)
        new = self.env._("New")
        # Each manufacturer numbers its own claims: one allocation per manufacturer, not per claim
        to_name = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", new) in (new, False):
                to_name[vals["manufacturer_id"]].append(vals)
        for manufacturer_id, manufacturer_vals in to_name.items():
            sequence = self.env["res.partner"].browse(manufacturer_id)._get_warranty_claim_sequence()
            for vals, name in zip(manufacturer_vals, sequence._next_batch(len(manufacturer_vals)), strict=False):
                vals["name"] = name
        return super().create(vals_list)

    def write(self, vals):
        self._check_write_rights(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(claim.state not in ("draft", "cancel") for claim in self):
            raise UserError(_("A claim sent to the manufacturer cannot be deleted: cancel it instead."))

    def action_submit(self):
        """Send the claim to the manufacturer: complete, on time (or overridden), parts set aside."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager submits warranty claims."),
        )
        today = fields.Date.context_today(self)
        is_manager = self._is_warranty_manager()
        for claim in self:
            if claim.state != "draft":
                raise UserError(_("Claim %(name)s is not a draft: it cannot be submitted.", name=claim.name))
            missing = []
            if not claim.line_ids:
                missing.append(_("lines"))
            # A pre-delivery inspection is paid for the inspection: there is no defect to state
            if not claim.defect_code_ids and claim.claim_type != "pdi":
                missing.append(_("a defect code"))
            if not claim.causal_part_id and claim.claim_type != "pdi":
                missing.append(_("the causal part"))
            if missing:
                raise UserError(
                    _(
                        "Claim %(name)s is incomplete: add %(missing)s before submitting it.",
                        name=claim.name,
                        missing=", ".join(missing),
                    )
                )
            if claim.deadline_date and claim.deadline_date < today:
                if not (claim.late_reason or "").strip():
                    raise UserError(
                        _(
                            "Claim %(name)s is past its deadline (%(deadline)s): a Warranty Manager must enter the "
                            "reason for the late submission.",
                            name=claim.name,
                            deadline=format_date(self.env, claim.deadline_date),
                        )
                    )
                if not is_manager:
                    raise AccessError(
                        _(
                            "Claim %(name)s is past its deadline: only a Warranty Manager can submit it late.",
                            name=claim.name,
                        )
                    )
        self._check_claims_accounting()
        # sudo: the state and the submission date are written by this action only (see _check_write_rights)
        self.sudo().write({"state": "submitted", "submission_date": today})
        self._set_aside_returned_parts()
        self._post_submission_accrual()
        return True

    def action_accept(self):
        """Record the manufacturer's decision: lines still pending are accepted in full, the claim follows its lines.

        Clicking *Accepted* means "what I did not decide line by line is paid as claimed": each pending line
        becomes ``accepted`` at its claimed amount. Lines already decided keep their decision (``partial``, or
        ``rejected`` at 0.00 with the manufacturer's rejection code). The claim is then Accepted (all lines
        accepted), Rejected (all rejected) or Partially Accepted.
        """
        self._check_decision_rights()
        self._check_decidable()
        lines = self.line_ids
        self._check_not_below_invoiced(
            {line: line.amount_claimed if line.decision == "pending" else line.amount_accepted for line in lines}
        )
        pending = lines.filtered(lambda line: line.decision == "pending")
        # sudo: decisions are written by the decision actions; the amount follows the decision per line
        pending.sudo().write({"decision": "accepted"})
        self._apply_line_decisions()
        # An earlier revision's write-off is undone: the manufacturer pays after all
        self.filtered(lambda c: c.state != "rejected" and c.write_off_move_id)._reverse_write_off()
        return True

    def action_reject(self, reason=None):
        """Record the manufacturer's rejection of the whole claim, with its reason."""
        self._check_decision_rights()
        self._check_decidable()
        self._check_not_below_invoiced({line: 0.0 for line in self.line_ids})
        for claim in self:
            claim_reason = reason or claim.rejection_reason
            if not (claim_reason or "").strip():
                raise UserError(_("Enter the manufacturer's reason for rejecting claim %(name)s.", name=claim.name))
            # sudo: state and decisions are written by the decision actions only
            claim.sudo().write({"rejection_reason": claim_reason, "state": "rejected"})
            # Every line is rejected; one without a code of its own carries the claim's reason as its code
            claim.line_ids.filtered(lambda line: not line.rejection_code).sudo().write({"rejection_code": claim_reason})
            claim.line_ids.sudo().write({"decision": "rejected", "amount_accepted": 0.0})
        return True

    def action_resubmit(self):
        """Reopen a rejected or partially accepted claim as a new revision, keeping its history."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager corrects and resubmits warranty claims."),
        )
        for claim in self:
            if claim.state not in ("rejected", "partially_accepted"):
                raise UserError(
                    _(
                        "Only a rejected or partially accepted claim can be resubmitted (%(name)s).",
                        name=claim.name,
                    )
                )
            if claim.rebill_move_id and claim.rebill_move_id.state != "cancel":
                raise UserError(
                    _(
                        "The rejected amount of claim %(name)s was re-billed to the customer (%(invoice)s): cancel or "
                        "credit that invoice before resubmitting the claim.",
                        name=claim.name,
                        invoice=claim.rebill_move_id.display_name,
                    )
                )
        for claim in self:
            # The revision's figures stay in the history: the next revision starts from them in draft
            figures = "; ".join(
                self.env._(
                    "%(line)s: %(quantity)s x %(price)s = %(claimed)s, %(decision)s %(accepted)s%(code)s",
                    line=line.name,
                    quantity=line.quantity,
                    price=line.price_unit,
                    claimed=line.amount_claimed,
                    decision=line._get_decision_label(),
                    accepted=line.amount_accepted,
                    code=" (" + line.rejection_code + ")" if line.rejection_code else "",
                )
                for line in claim.line_ids
            )
            claim.message_post(
                body=_(
                    "Revision %(revision)s closed: %(accepted)s accepted of %(claimed)s claimed. %(reason)s "
                    "Lines: %(figures)s",
                    revision=claim.revision,
                    accepted=claim.amount_accepted,
                    claimed=claim.amount_claimed,
                    reason=claim.rejection_reason or "",
                    figures=figures,
                )
            )
            # sudo: the life cycle and the revision are written by this action only
            claim.sudo().write(
                {
                    "state": "draft",
                    "revision": claim.revision + 1,
                    "submission_date": False,
                    "rejection_reason": False,
                }
            )
        self.line_ids.sudo().write({"decision": "pending", "amount_accepted": 0.0, "rejection_code": False})
        return True

    def action_cancel(self):
        """Withdraw the claim: the workshop cancels its drafts, a Warranty Manager a claim already sent."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager cancels warranty claims."),
        )
        for claim in self:
            if claim.state not in ("draft", "submitted", "rejected"):
                raise UserError(
                    _(
                        "Claim %(name)s is %(state)s: only a draft, submitted or rejected claim can be cancelled.",
                        name=claim.name,
                        state=claim._get_state_label(),
                    )
                )
        if any(claim.state != "draft" for claim in self) and not self._is_warranty_manager():
            raise AccessError(
                _("A claim sent to the manufacturer is withdrawn by a Warranty Manager only: cancel drafts only.")
            )
        # sudo: the state is written by the actions only
        self.sudo().write({"state": "cancel"})
        return True

    def action_print_reclamation_act(self):
        """Print the reclamation act that goes to the manufacturer with the part."""
        return self.env.ref("warranty_service.action_report_reclamation_act").report_action(self)

    def _check_decidable(self):
        for claim in self:
            if claim.state != "submitted":
                raise UserError(
                    _(
                        "Claim %(name)s was not submitted: the manufacturer has nothing to decide.",
                        name=claim.name,
                    )
                )

    def _apply_line_decisions(self):
        """The claim follows its decided lines: all accepted, all rejected, or partially accepted."""
        for claim in self:
            decisions = set(claim.line_ids.mapped("decision"))
            if decisions == {"accepted"}:
                vals = {"state": "accepted"}
            elif decisions == {"rejected"}:
                codes = ", ".join(sorted(set(claim.line_ids.mapped("rejection_code"))))
                vals = {
                    "state": "rejected",
                    "rejection_reason": claim.rejection_reason
                    or _("Every line rejected by the manufacturer (%(codes)s).", codes=codes),
                }
            else:
                vals = {"state": "partially_accepted"}
            # sudo: the state is written by the decision actions only
            claim.sudo().write(vals)

    def _check_group(self, group, message):
        """Refuse the callers outside ``group`` (the superuser, i.e. code running with sudo, passes)."""
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)

    def _check_decision_rights(self):
        self._check_group(
            "warranty_service.group_warranty_accountant",
            _("Only a Warranty Accountant or Manager records the manufacturer's decision on a claim."),
        )

    def _is_warranty_manager(self):
        return self.env.su or self.env.user.has_group("warranty_service.group_warranty_manager")

    def _get_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model
    def _check_create_rights(self, vals_list):
        """What a user may state when creating a claim: its content, never its life cycle or its money."""
        for vals in vals_list:
            protected = [
                name
                for name in CLAIM_ACTION_FIELDS & set(vals)
                if vals[name]
                and not (name == "state" and vals[name] == "draft")
                and not (name == "name" and vals[name] == self.env._("New"))
            ]
            if protected:
                raise AccessError(
                    _(
                        "A new claim is a draft: %(fields)s are set by its actions (submit, decide, invoice), "
                        "not by hand.",
                        fields=self._describe_fields(protected),
                    )
                )
            if not vals.get("repair_id") and not self._is_warranty_manager():
                raise AccessError(
                    _(
                        "Claims are made from done repairs (Create Warranty Claim on the repair); only a Warranty "
                        "Manager writes a claim by hand."
                    )
                )

    def _check_write_rights(self, vals):
        """Who may change what: the model enforces what the form shows (see the README's roles table).

        The life cycle and the money are written by the actions only (with sudo); what the claim says is
        written by the workshop while it is a draft and frozen for everyone once it is sent; the manufacturer's
        reference and reason are recorded by a Warranty Accountant or Manager while the claim is decided.
        """
        names = set(vals)
        trusted = self.env.su
        if not trusted:
            protected = names & (CLAIM_ACTION_FIELDS | CLAIM_FIXED_FIELDS)
            if protected:
                raise AccessError(
                    _(
                        "%(fields)s of a warranty claim change only through its actions (submit, decide, resubmit, "
                        "invoice), not by editing the claim.",
                        fields=self._describe_fields(protected),
                    )
                )
        content = names & CLAIM_CONTENT_FIELDS
        if content:
            sent = self.filtered(lambda c: c.state != "draft")
            if sent:
                raise UserError(
                    _(
                        "Claim %(name)s was sent to the manufacturer: its unit, dates and diagnosis (%(fields)s) "
                        "cannot change any more. Once the manufacturer has decided, correct it with Resubmit.",
                        name=sent[0].name,
                        fields=self._describe_fields(content),
                    )
                )
            if not trusted:
                self._check_group(
                    "warranty_service.group_warranty_workshop",
                    _("Only the workshop or a Warranty Manager prepares warranty claims."),
                )
                if "late_reason" in content and not self._is_warranty_manager():
                    raise AccessError(_("Only a Warranty Manager lets a claim go out after its deadline."))
                if "repair_date" in content:
                    self._check_repair_date_move(vals["repair_date"])
        if not trusted and "manufacturer_reference" in names:
            for claim in self:
                if claim.state == "draft":
                    claim._check_group(
                        "warranty_service.group_warranty_workshop",
                        _("Only the workshop or a Warranty Manager prepares warranty claims."),
                    )
                elif claim.state == "cancel":
                    raise UserError(_("Claim %(name)s is cancelled.", name=claim.name))
                else:
                    claim._check_decision_rights()
        if not trusted and "rejection_reason" in names:
            self._check_decision_rights()
            self._check_decidable()

    def _describe_fields(self, names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))

    @api.model
    def _check_repair_date_move(self, value):
        """The repair date decides the claim's deadline: the workshop states it when it makes the claim (by hand,
        or the repair's), and only a Warranty Manager moves it afterwards, for every claim. Nobody moves it once
        the deadline it gave has passed: the claim is then overdue, and goes out only with the Manager's reason
        for the late submission (``late_reason``), never as if it were on time."""
        try:
            new_date = fields.Date.to_date(value)
        except ValueError:
            new_date = None  # not a date: moved (the field's own conversion refuses it)
        moved = self.filtered(lambda claim: claim.repair_date != new_date)
        if not moved:
            return
        if not self._is_warranty_manager():
            from_repair = moved.filtered("repair_id")
            if from_repair:
                raise AccessError(
                    _(
                        "Claim %(name)s takes its repair date from repair %(repair)s: only a Warranty Manager "
                        "can change it (and with it the claim's deadline).",
                        name=from_repair[0].name,
                        repair=from_repair[0].repair_id.name,
                    )
                )
            raise AccessError(
                _(
                    "The repair date of claim %(name)s sets its deadline: it is stated when the claim is made, and "
                    "only a Warranty Manager can change it afterwards.",
                    name=moved[0].name,
                )
            )
        today = fields.Date.context_today(self)
        overdue = moved.filtered(lambda claim: claim.deadline_date and claim.deadline_date < today)
        if overdue:
            raise UserError(
                _(
                    "Claim %(name)s is past its deadline (%(deadline)s): its repair date cannot move any more. A "
                    "Warranty Manager submits it late, with the reason for the late submission.",
                    name=overdue[0].name,
                    deadline=format_date(self.env, overdue[0].deadline_date),
                )
            )

    def _get_repair_date(self, repair):
        """The day ``repair`` was completed, in the user's time zone: the claim's deadline runs from it."""
        return fields.Datetime.context_timestamp(self, repair.date_done or fields.Datetime.now()).date()
