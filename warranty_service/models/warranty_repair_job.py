from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

PAY_TYPE_SELECTION = [
    ("customer", "Customer"),
    ("warranty", "Warranty"),
    ("extension", "Extended Warranty"),
    ("goodwill", "Goodwill"),
    ("campaign", "Campaign"),
    ("internal", "Internal"),
    ("comeback", "Comeback"),
]
# The manufacturer pays these in full; a goodwill job only its share
MANUFACTURER_PAY_TYPES = ("warranty", "extension", "campaign")
# Work the manufacturer pays (wholly or in part): above its limit, it approves it before it starts
COVERED_PAY_TYPES = ("warranty", "extension", "campaign", "goodwill")
# The repair's coverage suggests the pay type of a new job
COVERAGE_PAY_TYPE = {"manufacturer": "warranty", "extension": "extension", "goodwill": "goodwill", "none": "customer"}
# Moved by the job's action methods only
JOB_ACTION_FIELDS = frozenset({"state", "goodwill_approved_by_id", "goodwill_approval_date"})
# What a Warranty Manager approved: changing it afterwards would change what the parties agreed to pay
GOODWILL_FIELDS = frozenset({
    "pay_type", "goodwill_manufacturer_percent", "goodwill_dealer_percent", "goodwill_customer_percent",
    "goodwill_authorization",
})


class WarrantyRepairJob(models.Model):
    _name = "warranty.repair.job"
    _description = "Repair Job"
    _order = "repair_id, sequence, id"
    _check_company_auto = True
    _rec_name = "complaint"
    _rec_names_search = ["complaint", "repair_id.name"]

    repair_id = fields.Many2one(
        "repair.order", string="Repair Order", required=True, index=True, ondelete="cascade", check_company=True,
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="repair_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lot_id = fields.Many2one(
        related="repair_id.lot_id", store=True, index="btree_not_null", string="Unit", precompute=True,
    )
    state = fields.Selection(
        [("open", "Open"), ("started", "In Progress")], default="open", required=True, readonly=True, copy=False,
        help="Open: planned, not started.\nIn Progress: the work started (covered work above the manufacturer's "
        "limit only once authorized).",
    )
    # The manufacturers' "3C"
    complaint = fields.Text(required=True, help="What the customer reports, in the customer's words.")
    cause = fields.Text(help="What the diagnosis found.")
    correction = fields.Text(help="What the workshop did to correct it.")
    defect_code_ids = fields.Many2many(
        "warranty.defect.code", "warranty_repair_job_defect_code_rel", "job_id", "defect_code_id",
        string="Defect Codes", check_company=True,
    )
    causal_part_id = fields.Many2one(
        "product.product", string="Causal Part", check_company=True, index="btree_not_null",
        help="The part whose failure caused this job.",
    )
    pay_type = fields.Selection(
        PAY_TYPE_SELECTION, required=True, index=True,
        compute="_compute_pay_type", store=True, readonly=False, precompute=True,
        help="Who pays this job. Customer: the customer's invoice. Warranty, Extended Warranty, Campaign: the "
        "manufacturer's claim. Goodwill: split between manufacturer, dealer and customer. Internal: the dealer "
        "(expense). Comeback: the dealer's own work came back: free for the customer.",
    )
    labor_line_ids = fields.One2many("warranty.repair.labor", "job_id", string="Labour")
    move_ids = fields.One2many(
        "stock.move", "job_id", string="Parts", domain=[("repair_line_type", "!=", False)],
    )
    sublet_line_ids = fields.One2many("warranty.repair.sublet", "job_id", string="Sublet")
    recall_id = fields.Many2one(
        "warranty.recall", string="Recall Campaign", check_company=True, index="btree_not_null",
        help="The campaign this job carries out: the manufacturer pays it at the campaign's terms.",
    )
    # Goodwill split
    goodwill_manufacturer_percent = fields.Float(string="Manufacturer Share (%)", default=0.0)
    goodwill_dealer_percent = fields.Float(string="Dealer Share (%)", default=100.0)
    goodwill_customer_percent = fields.Float(string="Customer Share (%)", default=0.0)
    goodwill_authorization = fields.Char(
        copy=False,
        help="The manufacturer's authorization number of its goodwill share.",
    )
    goodwill_approved_by_id = fields.Many2one("res.users", string="Goodwill Approved By", readonly=True, copy=False)
    goodwill_approval_date = fields.Date(string="Goodwill Approved On", readonly=True, copy=False)
    # Prior-work authorization
    authorization_number = fields.Char(copy=False)
    authorization_amount = fields.Monetary(string="Authorized Amount", copy=False)
    authorization_date = fields.Date(string="Authorized On", copy=False)
    estimated_claim_amount = fields.Monetary(
        string="Estimated Claim", compute="_compute_estimated_claim_amount",
        help="What the manufacturer would pay for this job at its terms (its share for goodwill).",
    )
    authorization_required = fields.Boolean(compute="_compute_authorization_required")
    # Comebacks: the dealer's own work came back
    comeback_job_id = fields.Many2one(
        "warranty.repair.job", string="Comeback Of", index="btree_not_null", check_company=True,
        compute="_compute_comeback_job_id", store=True, readonly=False, precompute=True, copy=False,
        help="The earlier job on this unit, within the company's comeback period, with the same defect code or "
        "causal part: this job redoes it.",
    )
    comeback_technician_id = fields.Many2one(
        related="comeback_job_id.technician_id", store=True, string="Comeback Technician",
    )
    comeback_operation_id = fields.Many2one(
        related="comeback_job_id.operation_id", store=True, string="Comeback Operation",
    )
    technician_id = fields.Many2one(
        "res.users", string="Technician", compute="_compute_technician", store=True,
        help="The technician of the job's first labour line.",
    )
    operation_id = fields.Many2one(
        "warranty.labor.operation", string="Operation", compute="_compute_technician", store=True,
    )
    repair_state = fields.Selection(related="repair_id.state", string="Repair Status")
    date_done = fields.Datetime(related="repair_id.date_done", store=True, string="Repaired On")

    _sql_constraints = [
        (
            "goodwill_percent_range",
            "CHECK(goodwill_manufacturer_percent >= 0 AND goodwill_dealer_percent >= 0 "
            "AND goodwill_customer_percent >= 0)",
            "A goodwill share cannot be negative.",
        ),
        (
            "authorization_amount_positive",
            "CHECK(authorization_amount IS NULL OR authorization_amount >= 0)",
            "An authorized amount cannot be negative.",
        ),
    ]

    @api.depends("repair_id.warranty_coverage", "comeback_job_id")
    def _compute_pay_type(self):
        for job in self:
            if job.comeback_job_id:
                # Proposed, not imposed: the workshop may still choose another pay type
                job.pay_type = "comeback"
            elif not job.pay_type:
                job.pay_type = COVERAGE_PAY_TYPE.get(job.repair_id.warranty_coverage, "customer")

    @api.depends("defect_code_ids", "causal_part_id", "lot_id")
    def _compute_comeback_job_id(self):
        candidates = self.filtered(
            lambda job: job.lot_id and (job.defect_code_ids or job.causal_part_id) and not job.comeback_job_id
        )
        earlier = self.browse()
        if candidates:
            months = max(candidates.company_id.mapped("warranty_comeback_months") or [0])
            reference = max(
                job.repair_id.schedule_date or fields.Datetime.now() for job in candidates
            )
            # One search for the batch: the jobs of done repairs of these units within the longest period
            earlier = self.sudo().search_fetch(
                [
                    ("lot_id", "in", candidates.lot_id._origin.ids),
                    ("id", "not in", [job_id for job_id in candidates.ids if isinstance(job_id, int)]),
                    ("repair_id.state", "=", "done"),
                    ("date_done", ">=", reference - relativedelta(months=months)),
                    "|",
                    ("defect_code_ids", "in", candidates.defect_code_ids._origin.ids),
                    ("causal_part_id", "in", candidates.causal_part_id._origin.ids),
                ],
                ["lot_id", "defect_code_ids", "causal_part_id", "date_done", "company_id", "repair_id"],
                order="date_done desc, id desc",
            )
        for job in self:
            if job not in candidates:
                job.comeback_job_id = job.comeback_job_id
                continue
            since = (job.repair_id.schedule_date or fields.Datetime.now()) - relativedelta(
                months=job.company_id.warranty_comeback_months
            )
            match = earlier.filtered(
                lambda other, job=job, since=since: other.lot_id == job.lot_id._origin
                and other.company_id == job.company_id._origin
                and other.repair_id != job.repair_id._origin
                and other.date_done >= since
                and (
                    other.defect_code_ids & job.defect_code_ids._origin
                    or (job.causal_part_id and other.causal_part_id == job.causal_part_id._origin)
                )
            )[:1]
            job.comeback_job_id = match.id

    @api.depends("labor_line_ids.user_id", "labor_line_ids.operation_id")
    def _compute_technician(self):
        for job in self:
            first = job.labor_line_ids[:1]
            job.technician_id = first.user_id
            job.operation_id = first.operation_id

    @api.depends(
        "pay_type", "goodwill_manufacturer_percent", "move_ids.product_uom_qty", "labor_line_ids.hours",
        "sublet_line_ids.cost",
    )
    def _compute_estimated_claim_amount(self):
        for job in self:
            if job.pay_type not in COVERED_PAY_TYPES:
                job.estimated_claim_amount = 0.0
                continue
            amount = sum(
                vals["quantity"] * vals["price_unit"]
                for vals in job._prepare_claim_line_values(job._get_manufacturer())
            )
            job.estimated_claim_amount = job.currency_id.round(amount) if job.currency_id else amount

    @api.depends("pay_type", "estimated_claim_amount")
    def _compute_authorization_required(self):
        for job in self:
            # The estimate is only worked out for manufacturers that set a limit: starting a repair stays cheap
            limit = job._get_manufacturer().warranty_prior_approval_amount if job.pay_type in COVERED_PAY_TYPES else 0
            job.authorization_required = bool(limit) and float_compare(
                job.estimated_claim_amount, limit, precision_digits=2
            ) > 0

    @api.constrains("pay_type", "goodwill_manufacturer_percent", "goodwill_dealer_percent", "goodwill_customer_percent")
    def _check_goodwill_split(self):
        for job in self.filtered(lambda j: j.pay_type == "goodwill"):
            total = job.goodwill_manufacturer_percent + job.goodwill_dealer_percent + job.goodwill_customer_percent
            if float_compare(total, 100.0, precision_digits=2) != 0:
                raise ValidationError(
                    _(
                        "The goodwill split of job %(job)s must total 100 %% (manufacturer %(manufacturer)s %% + "
                        "dealer %(dealer)s %% + customer %(customer)s %% = %(total)s %%).",
                        job=job.display_name,
                        manufacturer=job.goodwill_manufacturer_percent,
                        dealer=job.goodwill_dealer_percent,
                        customer=job.goodwill_customer_percent,
                        total=round(total, 2),
                    )
                )

    @api.constrains("comeback_job_id", "lot_id")
    def _check_comeback_same_unit(self):
        for job in self.filtered("comeback_job_id"):
            if job.comeback_job_id.lot_id != job.lot_id or job.comeback_job_id == job:
                raise ValidationError(
                    _("Job %(job)s can only be the comeback of an earlier job on the same unit.", job=job.display_name)
                )

    @api.depends("repair_id.name", "sequence", "complaint")
    def _compute_display_name(self):
        for job in self:
            complaint = (job.complaint or "").strip().splitlines()[0][:60] if (job.complaint or "").strip() else ""
            job.display_name = f"{job.repair_id.name or ''} / {complaint}" if complaint else job.repair_id.name or ""

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any(JOB_ACTION_FIELDS & vals.keys() for vals in vals_list):
                raise UserError(_("A job is started and its goodwill approved with their buttons, not by editing."))
        jobs = super().create(vals_list)
        jobs.repair_id._check_repair_editable()
        return jobs

    def write(self, vals):
        if "repair_id" in vals:
            # For everyone, the manager included: a job's parts, labour, claim lines and goodwill approval are the
            # work of its own repair (its unit, its customer); moved, they would be claimed on another one
            moved = self.filtered(lambda job: job.repair_id.id != (vals["repair_id"] or False))
            if moved:
                raise UserError(
                    _(
                        "Job %(job)s belongs to repair %(repair)s: a job cannot be moved to another repair. Create "
                        "the job on the other repair instead.",
                        job=moved[0].display_name,
                        repair=moved[0].repair_id.name,
                    )
                )
        changed = self._get_changed_goodwill(vals)
        if not self.env.su:
            if JOB_ACTION_FIELDS & vals.keys():
                raise UserError(_("A job is started and its goodwill approved with their buttons, not by editing."))
            self.repair_id._check_repair_editable()
            if changed and not self.env.user.has_group("warranty_service.group_warranty_manager"):
                raise UserError(
                    _(
                        "The goodwill of job %(job)s is approved: its pay type and split can no longer change.",
                        job=changed[0].display_name,
                    )
                )
        result = super().write(vals)
        if changed:
            # A Warranty Manager changed what was approved: the new terms are approved anew, with the button.
            # sudo: the approval is written by the approval's action only (see JOB_ACTION_FIELDS)
            changed.sudo().write({"goodwill_approved_by_id": False, "goodwill_approval_date": False})
            bodies = {}
            for job in changed.filtered(lambda j: j.pay_type == "goodwill"):
                bodies.setdefault(job.repair_id.id, []).append(_(
                    "The goodwill of job %(job)s changed after its approval: a Warranty Manager must approve it "
                    "again.",
                    job=job.display_name,
                ))
            # Logged on the repair (a note that notifies nobody, so that a user without an e-mail address may
            # write too); the caller may write these jobs, checked above
            changed.repair_id.filtered(lambda repair: repair.id in bodies)._message_log_batch(
                {repair_id: Markup("<br/>").join(lines) for repair_id, lines in bodies.items()}
            )
        if GOODWILL_FIELDS & vals.keys():
            # Who pays changed: the customer's quotation follows
            self.repair_id._update_job_sale_prices(self.move_ids, self.labor_line_ids)
        return result

    def _get_changed_goodwill(self, vals):
        """The approved jobs of ``self`` whose pay type, split or authorization ``vals`` changes, each job
        compared with its own approved values."""
        names = GOODWILL_FIELDS & vals.keys()
        if not names:
            return self.browse()

        def differs(job, name):
            new = vals[name]
            if self._fields[name].type == "float":
                return float_compare(job[name], float(new or 0.0), precision_digits=2) != 0
            return (job[name] or False) != (new or False)

        return self.filtered(
            lambda job: job.goodwill_approved_by_id and any(differs(job, name) for name in names)
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_repair(self):
        self.repair_id._check_repair_editable()

    # Actions

    def action_start(self):
        """Start the work of the jobs: covered work above the manufacturer's limit needs its authorization first."""
        self._check_workshop()
        for job in self:
            if job.repair_id.state in ("done", "cancel"):
                raise UserError(_("Repair %(repair)s is closed.", repair=job.repair_id.name))
            if job.repair_id.state == "draft":
                raise UserError(
                    _("Confirm repair %(repair)s before starting its jobs.", repair=job.repair_id.name)
                )
        self._check_prior_authorization()
        self._check_goodwill_approved()
        # sudo: the state is moved by this action only (write() refuses it); group and rules checked above
        self.filtered(lambda job: job.state == "open").sudo().write({"state": "started"})
        return True

    def action_approve_goodwill(self):
        """A Warranty Manager approves the goodwill split of the jobs."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager approves goodwill."))
        for job in self:
            if job.repair_id.state in ("done", "cancel"):
                raise UserError(_("Repair %(repair)s is closed.", repair=job.repair_id.name))
            if job.pay_type != "goodwill":
                raise UserError(_("Job %(job)s is not a goodwill job.", job=job.display_name))
            if job.goodwill_approved_by_id:
                raise UserError(_("The goodwill of job %(job)s is already approved.", job=job.display_name))
            manufacturer = job._get_manufacturer()
            if (
                not float_is_zero(job.goodwill_manufacturer_percent, precision_digits=2)
                and manufacturer.warranty_goodwill_authorization_required
                and not (job.goodwill_authorization or "").strip()
            ):
                raise UserError(
                    _(
                        "%(manufacturer)s authorizes its goodwill share: enter its goodwill authorization number on "
                        "job %(job)s before approving it.",
                        manufacturer=manufacturer.name,
                        job=job.display_name,
                    )
                )
        # sudo: the approval is written by this action only (write() refuses it); the group is checked above
        self.sudo().write({
            "goodwill_approved_by_id": self.env.user.id,
            "goodwill_approval_date": fields.Date.context_today(self),
        })
        return True

    # Business helpers

    def _check_workshop(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop starts the work of a repair's jobs."))

    def _check_prior_authorization(self):
        for job in self.filtered(lambda j: j.pay_type in COVERED_PAY_TYPES and j.authorization_required):
            if not ((job.authorization_number or "").strip() and job.authorization_amount and job.authorization_date):
                manufacturer = job._get_manufacturer()
                raise UserError(
                    _(
                        "Job %(job)s is estimated at %(amount)s, above the %(limit)s that %(manufacturer)s pays "
                        "without prior approval: enter the manufacturer's authorization number, amount and date "
                        "before starting the work.",
                        job=job.display_name,
                        amount=job.estimated_claim_amount,
                        limit=manufacturer.warranty_prior_approval_amount,
                        manufacturer=manufacturer.name,
                    )
                )

    def _check_goodwill_approved(self):
        pending = self.filtered(lambda j: j.pay_type == "goodwill" and not j.goodwill_approved_by_id)
        if pending:
            raise UserError(
                _(
                    "The goodwill of job %(job)s is not approved: a Warranty Manager approves its split first.",
                    job=pending[0].display_name,
                )
            )

    def _get_recalls(self):
        self.ensure_one()
        # The job's lines are taken from its repair's: every action of the repair reads those anyway (core's
        # included), where the job's own one2many would be one more query each
        repair = self.repair_id
        labor = repair.labor_line_ids.filtered(lambda line: line.job_id == self)
        moves = repair.move_ids.filtered(lambda move: move.job_id == self)
        return self.recall_id | labor.recall_id | moves.warranty_recall_id

    def _get_manufacturer(self):
        """Who the job is claimed from: the campaign's manufacturer, else the unit's."""
        self.ensure_one()
        # Only a campaign job looks at its recalls (reading its parts and labour lines)
        recalls = self._get_recalls() if self.pay_type == "campaign" else False
        if recalls:
            return recalls[:1].manufacturer_id
        return self.repair_id._get_warranty_manufacturer()

    def _get_share(self, party):
        """The fraction (0..1) of the job that ``party`` (customer, dealer, manufacturer) pays."""
        self.ensure_one()
        if self.pay_type == "goodwill":
            return getattr(self, f"goodwill_{party}_percent") / 100.0
        if party == "customer":
            return 1.0 if self.pay_type == "customer" else 0.0
        if party == "manufacturer":
            return 1.0 if self.pay_type in MANUFACTURER_PAY_TYPES else 0.0
        return 1.0 if self.pay_type in ("internal", "comeback") else 0.0

    def _get_pay_type_label(self):
        self.ensure_one()
        label = dict(self._fields["pay_type"]._description_selection(self.env))[self.pay_type]
        if self.pay_type == "goodwill":
            return _(
                "%(pay_type)s %(manufacturer)s/%(dealer)s/%(customer)s %%",
                pay_type=label,
                manufacturer=round(self.goodwill_manufacturer_percent, 2),
                dealer=round(self.goodwill_dealer_percent, 2),
                customer=round(self.goodwill_customer_percent, 2),
            )
        return label

    def _get_3c_text(self):
        self.ensure_one()
        return "\n".join(
            f"{label}: {text.strip()}"
            for label, text in (
                (_("Complaint"), self.complaint),
                (_("Cause"), self.cause),
                (_("Correction"), self.correction),
            )
            if (text or "").strip()
        )

    def _prepare_claim_line_values(self, manufacturer, done_only=False):
        """The manufacturer's claim lines of this job (plain dicts): parts at cost + markup, labour at the
        manufacturer's rate and standard time, sublet at cost + the sublet markup; its share for goodwill."""
        self.ensure_one()
        share = self._get_share("manufacturer")
        if float_is_zero(share, precision_digits=4):
            return []
        markup = 1 + (manufacturer.warranty_parts_markup_percent or 0.0) / 100
        sublet_markup = 1 + (manufacturer.warranty_sublet_markup_percent or 0.0) / 100
        recalls = self._get_recalls() if self.pay_type == "campaign" else self.env["warranty.recall"]
        suffix = "" if share == 1 else _(" (goodwill, manufacturer %(percent)s %%)", percent=round(share * 100, 2))
        lines = []
        for move in self.move_ids:
            if move.repair_line_type != "add" or move.state == "cancel":
                continue
            if done_only and not (move.state == "done" and move.quantity):
                continue
            quantity = move.quantity if done_only else move.product_uom_qty
            recall = move.warranty_recall_id & recalls or (recalls[:1] if recalls else recalls)
            move_markup = 1 + recall.claim_parts_markup_percent / 100 if recall else markup
            lines.append({
                "line_type": "part",
                "product_id": move.product_id.id,
                "name": move.product_id.display_name + suffix,
                "quantity": move.product_uom._compute_quantity(quantity, move.product_id.uom_id),
                "price_unit": move.product_id.standard_price * move_markup * share,
                "return_required": move.product_id == self.causal_part_id,
            })
        for labor in self.labor_line_ids:
            recall = labor.recall_id & recalls or (recalls[:1] if recalls else recalls)
            standard = labor.guide_hours
            hours = min(labor.hours, standard) if standard else labor.hours
            if not hours:
                continue
            rate = recall.claim_labor_rate if recall else manufacturer.warranty_labor_rate
            lines.append({
                "line_type": "labor",
                "labor_operation_id": labor.operation_id.id,
                "name": labor.operation_id.display_name + suffix,
                "quantity": hours,
                "price_unit": rate * share,
            })
        for sublet in self.sublet_line_ids:
            lines.append({
                "line_type": "other",
                "is_sublet": True,
                "sublet_line_id": sublet.id,
                "name": _("Sublet: %(work)s (%(vendor)s)", work=sublet.name, vendor=sublet.partner_id.name or "-")
                + suffix,
                "quantity": 1.0,
                "price_unit": sublet.cost * sublet_markup * share,
            })
        return lines
