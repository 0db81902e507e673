from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

REPAIR_COVERAGE_SELECTION = [
    ("manufacturer", "Manufacturer Warranty"),
    ("extension", "Extended Warranty"),
    ("goodwill", "Goodwill"),
    ("none", "Not Covered"),
]

COVERED = ("manufacturer", "extension", "goodwill")
DIAGNOSIS_FIELDS = {"defect_code_ids", "failure_cause", "is_factory_defect", "causal_part_id"}
# Moved only by the examination actions, which check who records what and from which step
EXPERTISE_STATE_FIELDS = {"expertise_state", "expertise_date_sent", "expertise_date_result"}
# Written by the loaner actions only, with the transfer that moves the unit
LOANER_ACTION_FIELDS = {"loaner_date_out", "loaner_date_in", "loaner_state"}


class RepairOrder(models.Model):
    _inherit = "repair.order"

    # Coverage: decided from the unit's registration while the order is new, then frozen
    warranty_registration_id = fields.Many2one(
        "warranty.registration", string="Warranty Registration", index="btree_not_null",
        compute="_compute_warranty_registration_id", store=True, readonly=False, tracking=True, check_company=True,
        domain="[('lot_id', '=', lot_id), ('company_id', '=', company_id)]",
        help="The registration of the unit's serial number in the repair's company, found automatically.",
    )
    odometer_km = fields.Integer(
        string="Odometer (km)", tracking=True,
        help="Odometer reading (or operating hours counter) when the unit arrived.",
    )
    warranty_coverage = fields.Selection(
        REPAIR_COVERAGE_SELECTION, string="Coverage", tracking=True,
        compute="_compute_warranty_coverage", store=True, index=True,
        help="Manufacturer / Extended Warranty: the work is charged to the manufacturer or the extension.\n"
        "Goodwill: a Warranty Manager granted coverage outside the warranty terms.\n"
        "Not Covered: a paid repair, invoiced to the customer.",
    )
    warranty_coverage_reason = fields.Char(
        string="Coverage Reason", compute="_compute_warranty_coverage", store=True, tracking=True,
    )
    under_warranty = fields.Boolean(compute="_compute_under_warranty", store=True, readonly=False)
    # Goodwill: coverage granted outside the terms, by a Warranty Manager's decision
    goodwill_reason = fields.Text(tracking=True)
    goodwill_user_id = fields.Many2one(
        "res.users", string="Goodwill Granted By", readonly=True, copy=False, tracking=True, check_company=True,
    )
    goodwill_date = fields.Date(string="Goodwill Granted On", readonly=True, copy=False)
    # Diagnosis
    defect_code_ids = fields.Many2many(
        "warranty.defect.code", string="Defect Codes", check_company=True,
        help="What failed, in the manufacturer's codes.",
    )
    failure_cause = fields.Text(help="Why the unit failed, as established by the diagnosis.")
    is_factory_defect = fields.Boolean(
        string="Factory Defect", tracking=True, help="The failure comes from a manufacturing defect, not from use.",
    )
    causal_part_id = fields.Many2one(
        "product.product", string="Causal Part", check_company=True, tracking=True,
        help="The part whose failure caused the repair.",
    )
    # Labour
    labor_line_ids = fields.One2many("warranty.repair.labor", "repair_id", string="Labour", copy=True)
    labor_hours = fields.Float(string="Labour Hours", compute="_compute_labor_hours", store=True)

    # Loaner: a substitute unit lent to the customer while the repair lasts
    loaner_lot_id = fields.Many2one(
        "stock.lot", string="Loaner Unit", check_company=True, tracking=True, copy=False,
        # Only units waiting in a loaner fleet: a customer's unit is never offered (checked on save too)
        domain="[('product_id.tracking', '=', 'serial'), ('quant_ids', 'any', [('location_id.warranty_loaner_fleet', "
        "'=', True), ('quantity', '>', 0)])]",
        help="A unit of the loaner fleet lent to the customer while the repair lasts.",
    )
    loaner_date_out = fields.Datetime(string="Loaner Out", readonly=True, copy=False)
    loaner_date_in = fields.Datetime(string="Loaner In", readonly=True, copy=False)
    loaner_state = fields.Selection(
        [("none", "No Loaner"), ("planned", "Planned"), ("lent", "Lent"), ("returned", "Returned")],
        string="Loaner Status", compute="_compute_loaner_state", store=True,
    )
    # Transport of the unit, and every service transfer of this repair
    service_picking_ids = fields.One2many("stock.picking", "warranty_repair_id", string="Service Transfers")
    service_picking_count = fields.Integer(compute="_compute_service_picking_count")
    # Independent examination, when the customer disputes the verdict
    expertise_state = fields.Selection(
        [
            ("none", "None"),
            ("sent", "Sample Sent"),
            ("confirmed", "Verdict Confirmed"),
            ("overturned", "Verdict Overturned"),
        ],
        string="Independent Examination", default="none", required=True, readonly=True, tracking=True, copy=False,
        help="Sample Sent: the customer disputes the verdict and a sample went to an independent examiner.\n"
        "Verdict Confirmed: the examiner agrees with the workshop.\n"
        "Verdict Overturned: the examiner disagrees; a Warranty Manager may change the coverage.",
    )
    expertise_partner_id = fields.Many2one(
        "res.partner", string="Examiner", tracking=True, copy=False, check_company=True
    )
    expertise_date_sent = fields.Date(string="Sample Sent On", readonly=True, copy=False, tracking=True)
    expertise_date_result = fields.Date(string="Verdict On", readonly=True, copy=False, tracking=True)
    expertise_result = fields.Text(string="Examiner's Verdict", copy=False)

    date_done = fields.Datetime(
        string="Repaired On",
        readonly=True,
        copy=False,
        help="When the repair was completed: the manufacturer's claim deadline runs from it.",
    )
    # The manufacturer's claim for this repair
    claim_ids = fields.One2many("warranty.claim", "repair_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")
    # Recall campaigns: whatever brought the unit in, its open campaigns are shown and can be done
    recall_line_ids = fields.One2many(related="lot_id.warranty_recall_line_ids", string="Open Recall Campaigns")
    recall_done_line_ids = fields.One2many("warranty.recall.line", "repair_id", string="Campaign Work")
    # Parts asked from the parts department for this repair
    requisition_ids = fields.One2many("warranty.part.requisition", "repair_id", string="Part Requisitions")
    requisition_count = fields.Integer(compute="_compute_requisition_count")
    # Jobs: one visit, several complaints, each paid by whoever owes it (a repair without jobs has one coverage)
    job_ids = fields.One2many("warranty.repair.job", "repair_id", string="Jobs", copy=False)
    job_pay_types = fields.Char(
        string="Pay Types", compute="_compute_job_pay_types",
        help="Who pays the jobs of the repair: the mix of their pay types.",
    )
    job_expense_move_id = fields.Many2one(
        "account.move", string="Workshop Costs Entry", readonly=True, copy=False, check_company=True,
        index="btree_not_null",
        help="The entry of the work the dealer bears itself (internal jobs, comebacks, its goodwill share).",
    )

    _sql_constraints = [
        ("odometer_km_positive", "CHECK(odometer_km >= 0)", "The odometer reading cannot be negative."),
        # Two repairs confirming the same loaner at the same moment: only the database can refuse one
        (
            "loaner_lent_once",
            "EXCLUDE (loaner_lot_id WITH =) WHERE (loaner_state = 'lent')",
            "This loaner unit is already lent on another repair.",
        ),
    ]

    @api.depends("lot_id", "company_id")
    def _compute_warranty_registration_id(self):
        drafts = self.filtered(lambda repair: repair.state in (False, "draft") and repair.lot_id)
        # A registration is used only within its company: a repair of a serial shared between companies
        # takes its own company's registration, whatever companies the user has selected.
        # sudo: inventory users without a warranty role also create repairs. One search for the batch.
        registrations = (
            self.env["warranty.registration"]
            .sudo()
            .search_fetch(
                [("lot_id", "in", drafts.lot_id.ids), ("company_id", "in", drafts.company_id.ids)],
                ["lot_id", "company_id"],
                order="is_void, date_start desc, id desc",
            )
            if drafts
            else self.env["warranty.registration"]
        )
        in_force = {}
        for registration in registrations:
            in_force.setdefault((registration.lot_id.id, registration.company_id.id), registration.id)
        for repair in self:
            if repair.state in (False, "draft"):
                repair.warranty_registration_id = in_force.get((repair.lot_id.id, repair.company_id.id), False)
            else:
                # Confirmed orders keep the registration their coverage was decided on
                repair.warranty_registration_id = repair.warranty_registration_id

    @api.depends("warranty_registration_id", "schedule_date", "odometer_km", "goodwill_user_id")
    def _compute_warranty_coverage(self):
        for repair in self:
            if repair.goodwill_user_id:
                repair.warranty_coverage = "goodwill"
                repair.warranty_coverage_reason = _(
                    "Goodwill granted by %(user)s: %(reason)s",
                    user=repair.goodwill_user_id.name,
                    reason=repair.goodwill_reason or "",
                )
                continue
            if repair.state not in (False, "draft") and repair.warranty_coverage:
                # Frozen once confirmed: the decision the workshop and the customer agreed on stays
                repair.warranty_coverage = repair.warranty_coverage
                repair.warranty_coverage_reason = repair.warranty_coverage_reason
                continue
            repair.warranty_coverage, repair.warranty_coverage_reason = repair._get_registration_coverage()

    @api.depends("warranty_coverage")
    def _compute_under_warranty(self):
        for repair in self:
            repair.under_warranty = repair.warranty_coverage in COVERED

    @api.depends("labor_line_ids.hours")
    def _compute_labor_hours(self):
        for repair in self:
            repair.labor_hours = sum(repair.labor_line_ids.mapped("hours"))

    @api.depends("loaner_lot_id", "loaner_date_out", "loaner_date_in")
    def _compute_loaner_state(self):
        for repair in self:
            if not repair.loaner_lot_id:
                repair.loaner_state = "none"
            elif repair.loaner_date_in:
                repair.loaner_state = "returned"
            elif repair.loaner_date_out:
                repair.loaner_state = "lent"
            else:
                repair.loaner_state = "planned"

    @api.depends("service_picking_ids")
    def _compute_service_picking_count(self):
        for repair in self:
            repair.service_picking_count = len(repair.service_picking_ids)

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        for repair in self:
            repair.claim_count = len(repair.claim_ids)

    @api.depends("job_ids.pay_type")
    def _compute_job_pay_types(self):
        labels = dict(self.env["warranty.repair.job"]._fields["pay_type"]._description_selection(self.env))
        for repair in self:
            counts = {}
            for job in repair.job_ids:
                counts[job.pay_type] = counts.get(job.pay_type, 0) + 1
            repair.job_pay_types = " · ".join(
                f"{labels[pay_type]} ×{count}" if count > 1 else labels[pay_type] for pay_type, count in counts.items()
            )

    @api.depends("requisition_ids")
    def _compute_requisition_count(self):
        for repair in self:
            repair.requisition_count = len(repair.requisition_ids)

    @api.constrains("loaner_lot_id", "lot_id")
    def _check_loaner(self):
        for repair in self.filtered("loaner_lot_id"):
            if repair.loaner_lot_id == repair.lot_id:
                raise ValidationError(_("A unit cannot be its own loaner (%(serial)s).", serial=repair.lot_id.name))

    @api.constrains("loaner_lot_id")
    def _check_loaner_in_fleet(self):
        # The rule of the field's domain: a loaner is chosen from the fleet, so the mistake is told when
        # the unit is chosen, not at Lend Loaner. sudo: where the unit stands is read for every workshop user
        planned = self.filtered(lambda r: r.loaner_lot_id and r.loaner_state == "planned")
        if not planned:
            return
        in_fleet = self.env["stock.quant"].sudo().search_fetch(
            [
                ("lot_id", "in", planned.loaner_lot_id.ids),
                ("location_id.warranty_loaner_fleet", "=", True),
                ("quantity", ">", 0),
            ],
            ["lot_id"],
        ).lot_id
        lent = self.sudo().search_fetch(
            [("loaner_lot_id", "in", planned.loaner_lot_id.ids), ("loaner_state", "=", "lent")],
            ["name", "loaner_lot_id"],
        )
        for repair in planned:
            out_on = lent.filtered(lambda other, repair=repair: other.loaner_lot_id == repair.loaner_lot_id)[:1]
            if repair.loaner_lot_id not in in_fleet and out_on:
                raise ValidationError(
                    _(
                        "Loaner %(serial)s is lent on repair %(repair)s: choose another unit of the fleet.",
                        serial=repair.loaner_lot_id.name,
                        repair=out_on.name,
                    )
                )
            if repair.loaner_lot_id not in in_fleet:
                raise ValidationError(
                    _(
                        "%(serial)s is not a unit of the loaner fleet: choose a unit of the fleet (a serial is "
                        "added to it with Add to Loaner Fleet on its form).",
                        serial=repair.loaner_lot_id.name,
                    )
                )

    @api.constrains("warranty_registration_id", "lot_id", "company_id")
    def _check_warranty_registration(self):
        # Coverage follows the registration: another unit's, or another company's, would cover this unit
        # with a warranty it does not have. sudo: the registration's serial and company are read for
        # users without a warranty role too (the repair is theirs)
        for repair in self.filtered("warranty_registration_id"):
            registration = repair.warranty_registration_id.sudo()
            if registration.lot_id != repair.lot_id:
                raise ValidationError(
                    _(
                        "Repair %(repair)s cannot use the warranty registration %(registration)s: it is the "
                        "registration of serial number %(other)s, not of the repaired unit %(serial)s.",
                        repair=repair.name,
                        registration=registration.name,
                        other=registration.lot_id.name,
                        serial=repair.lot_id.name or _("(none)"),
                    )
                )
            if registration.company_id != repair.company_id:
                raise ValidationError(
                    _(
                        "Repair %(repair)s cannot use the warranty registration %(registration)s: it belongs to "
                        "%(other)s, and a repair uses only the warranties of its own company (%(company)s).",
                        repair=repair.name,
                        registration=registration.name,
                        other=registration.company_id.name,
                        company=repair.company_id.name,
                    )
                )

    @api.constrains("odometer_km", "lot_id")
    def _check_odometer(self):
        repairs = self.filtered(lambda r: r.lot_id and r.odometer_km)
        if not repairs:
            return
        # One grouped read for the batch: the highest reading recorded on other repairs of each serial.
        # sudo: readings recorded by other companies' or other users' repairs count too
        last_readings = dict(
            self.env["repair.order"]
            .sudo()
            ._read_group(
                [("lot_id", "in", repairs.lot_id.ids), ("id", "not in", repairs.ids), ("state", "!=", "cancel")],
                ["lot_id"],
                ["odometer_km:max"],
            )
        )
        for repair in repairs:
            last = last_readings.get(repair.lot_id, 0)
            if repair.odometer_km < last:
                raise ValidationError(
                    _(
                        "The odometer of %(serial)s cannot read %(km)s km: %(last)s km was already recorded "
                        "on an earlier repair. Check the reading.",
                        serial=repair.lot_id.name,
                        km=repair.odometer_km,
                        last=last,
                    )
                )

    @api.constrains("odometer_km")
    def _check_odometer_positive(self):
        if any(repair.odometer_km < 0 for repair in self):
            raise ValidationError(_("The odometer reading cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        if any("warranty_coverage" in vals or "goodwill_user_id" in vals for vals in vals_list):
            self._check_coverage_rights()
        if not self.env.su and any(LOANER_ACTION_FIELDS & vals.keys() for vals in vals_list):
            self._raise_loaner_fields_refused()
        return super().create(vals_list)

    def write(self, vals):
        if {"warranty_coverage", "goodwill_user_id", "goodwill_date"} & vals.keys():
            self._check_coverage_rights()
        if "warranty_registration_id" in vals and any(
            repair.warranty_registration_id.id != vals["warranty_registration_id"] for repair in self
        ):
            # The registration decides the coverage: choosing it by hand is changing the coverage
            self._check_coverage_rights()
        if EXPERTISE_STATE_FIELDS & vals.keys() and not self.env.su:
            raise UserError(
                _(
                    "The independent examination moves on with its buttons (Send Sample, Verdict Confirmed, "
                    "Verdict Overturned), not by editing it."
                )
            )
        if not self.env.su and (
            (
                "expertise_partner_id" in vals
                and any(
                    r.expertise_state != "none" and r.expertise_partner_id.id != vals["expertise_partner_id"]
                    for r in self
                )
            )
            or (
                "expertise_result" in vals
                and any(
                    r.expertise_state in ("confirmed", "overturned") and r.expertise_result != vals["expertise_result"]
                    for r in self
                )
            )
        ):
            # What the examiner received and answered is the record of the dispute
            raise UserError(_("Once the sample is sent, its examiner cannot change, nor the verdict once recorded."))
        self._check_loaner_write(vals)
        if (
            DIAGNOSIS_FIELDS & vals.keys()
            and not self.env.su
            and not self.env.user.has_group("warranty_service.group_warranty_workshop")
        ):
            # Parts staff work on repairs' parts (they are inventory users) but the diagnosis is the workshop's
            raise AccessError(_("Only the workshop records the diagnosis of a repair."))
        coverage_before = {repair.id: repair.warranty_coverage for repair in self}
        result = super().write(vals)
        if "under_warranty" in vals and any(
            repair.under_warranty != (repair.warranty_coverage in COVERED) for repair in self
        ):
            # Ticking core's box by hand would let the customer off without a coverage decision
            self._check_coverage_rights()
        changed = self.filtered(lambda r: r.warranty_coverage != coverage_before.get(r.id))
        if changed:
            # Core reprices the customer's quotation only when under_warranty is written
            changed._update_sale_order_line_price()
        return result

    def action_grant_goodwill(self):
        """Cover an uncovered repair by a Warranty Manager's decision, with the reason on record."""
        self._check_coverage_rights()
        for repair in self:
            if repair.state in ("done", "cancel"):
                raise UserError(
                    _("Repair %(repair)s is closed: goodwill can no longer be granted.", repair=repair.name)
                )
            if repair.warranty_coverage != "none":
                raise UserError(
                    _(
                        "Repair %(repair)s is already covered (%(coverage)s): goodwill is only for uncovered units.",
                        repair=repair.name,
                        coverage=dict(self._fields["warranty_coverage"]._description_selection(self.env))[
                            repair.warranty_coverage
                        ],
                    )
                )
            if not (repair.goodwill_reason or "").strip():
                raise UserError(
                    _(
                        "Enter the goodwill reason of repair %(repair)s before granting it.",
                        repair=repair.name,
                    )
                )
        self.write({"goodwill_user_id": self.env.user.id, "goodwill_date": fields.Date.context_today(self)})
        return True

    def action_send_to_expertise(self):
        """Record that a sample went to an independent examiner because the customer disputes the verdict."""
        self._check_expertise_rights()
        for repair in self:
            if repair.state == "cancel":
                raise UserError(
                    _("Repair %(repair)s is cancelled: there is no verdict left to dispute.", repair=repair.name)
                )
            if repair.expertise_state != "none":
                raise UserError(
                    _(
                        "A sample of repair %(repair)s already went to the examiner: it is sent once, and its "
                        "verdict is recorded on the repair.",
                        repair=repair.name,
                    )
                )
            if not repair.expertise_partner_id:
                raise UserError(
                    _("Choose the examiner of repair %(repair)s before sending the sample.", repair=repair.name)
                )
        # sudo: the examination fields are written only by these actions (write() refuses them
        # otherwise); the caller's group and the step were checked above
        self.sudo().write({"expertise_state": "sent", "expertise_date_sent": fields.Date.context_today(self)})
        return True

    def action_record_expertise(self, overturned=False):
        """Record the examiner's verdict; an overturned verdict lets a manager change the coverage."""
        self._check_expertise_rights()
        for repair in self:
            if repair.expertise_state != "sent":
                raise UserError(_("Repair %(repair)s has no sample out for examination.", repair=repair.name))
            if not (repair.expertise_result or "").strip():
                raise UserError(_("Enter the examiner's verdict of repair %(repair)s first.", repair=repair.name))
        # sudo: as in action_send_to_expertise
        self.sudo().write(
            {
                "expertise_state": "overturned" if overturned else "confirmed",
                "expertise_date_result": fields.Date.context_today(self),
            }
        )
        return True

    def action_record_expertise_overturned(self):
        """The examiner disagrees with the workshop's verdict."""
        return self.action_record_expertise(overturned=True)

    def action_lend_loaner(self):
        """Hand the loaner unit to the customer: a transfer from the loaner fleet to the customer."""
        self._check_loaner_rights()
        # A double click on one repair: the second call waits, is retried and finds the loaner out
        self._lock_for_update()
        for repair in self:
            if not repair.loaner_lot_id:
                raise UserError(_("Choose the loaner unit of repair %(repair)s first.", repair=repair.name))
            if repair.loaner_state != "planned":
                raise UserError(_("The loaner of repair %(repair)s is already out.", repair=repair.name))
            if not repair.partner_id:
                raise UserError(_("Repair %(repair)s has no customer to lend a unit to.", repair=repair.name))
        self._check_loaners_free()
        fleets = {repair: repair._get_loaner_location() for repair in self}
        # One read of where the loaners are, not one per repair
        quants = self.env["stock.quant"].search_fetch(
            [
                ("lot_id", "in", self.loaner_lot_id.ids),
                ("location_id", "child_of", [f.id for f in fleets.values()]),
                ("quantity", ">", 0),
            ],
            ["lot_id", "location_id"],
        )
        for repair, fleet in fleets.items():
            if not quants.filtered(
                lambda q, repair=repair, fleet=fleet: q.lot_id == repair.loaner_lot_id
                and q.location_id.parent_path.startswith(fleet.parent_path)
            ):
                raise UserError(
                    _(
                        "Loaner %(serial)s is not in the loaner fleet (%(fleet)s): add it to the fleet (button on "
                        "the serial number) or choose another unit.",
                        serial=repair.loaner_lot_id.name,
                        fleet=fleet.display_name,
                    )
                )
        # Marked lent before its transfer is made: two repairs lending the same unit at once meet at the
        # database's exclusion constraint here; the second waits for the first and is refused before it
        # moves anything (its whole transaction is rolled back with the refusal)
        try:
            with self.env.cr.savepoint():
                # sudo: the loaner dates are written by these actions only (write() refuses them)
                self.sudo().write({"loaner_date_out": fields.Datetime.now()})
        except pg_errors.ExclusionViolation:
            raise UserError(
                _(
                    "Loaner %(serial)s was lent on another repair a moment ago: choose another unit.",
                    serial=", ".join(self.loaner_lot_id.mapped("name")),
                )
            ) from None
        for repair, fleet in fleets.items():
            repair._create_service_transfer(
                "loaner_out",
                repair._get_warehouse().out_type_id,
                fleet,
                self.env.ref("stock.stock_location_customers"),
                repair.loaner_lot_id,
                validate=True,
            )
        return True

    def action_return_loaner(self):
        """The customer brought the loaner back: a transfer from the customer to the loaner fleet."""
        self._check_loaner_rights()
        # Two clicks at once would bring the unit back twice: the second waits, is retried and is refused
        self._lock_for_update()
        for repair in self:
            if repair.loaner_state != "lent":
                raise UserError(_("The loaner of repair %(repair)s is not out.", repair=repair.name))
        # sudo: the loaner dates are written by these actions only (write() refuses them)
        self.sudo().write({"loaner_date_in": fields.Datetime.now()})
        for repair in self:
            repair._create_service_transfer(
                "loaner_in",
                repair._get_warehouse().in_type_id,
                self.env.ref("stock.stock_location_customers"),
                repair._get_loaner_location(),
                repair.loaner_lot_id,
                validate=True,
            )
        return True

    def action_create_pickup(self):
        """Plan the collection of the unit at the customer's, for units that cannot come in."""
        for repair in self:
            repair._check_transport_possible("pickup")
            repair._create_service_transfer(
                "pickup",
                repair._get_warehouse().in_type_id,
                self.env.ref("stock.stock_location_customers"),
                repair.product_location_src_id,
                repair.lot_id,
                owner=repair.partner_id,
            )
        return self.action_view_service_pickings()

    def action_create_return_delivery(self):
        """Plan bringing the repaired unit back to the customer."""
        for repair in self:
            repair._check_transport_possible("delivery")
            repair._create_service_transfer(
                "delivery",
                repair._get_warehouse().out_type_id,
                repair.product_location_dest_id,
                self.env.ref("stock.stock_location_customers"),
                repair.lot_id,
                owner=repair.partner_id,
            )
        return self.action_view_service_pickings()

    def action_view_service_pickings(self):
        """Open the loaner and transport transfers of the repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("warranty_repair_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def action_print_loan_agreement(self):
        """Print the loan agreement the customer signs when taking the loaner."""
        if any(not repair.loaner_lot_id for repair in self):
            raise UserError(_("There is no loaner on this repair."))
        return self.env.ref("warranty_service.action_report_loan_agreement").report_action(self)

    def action_create_warranty_claim(self):
        """Claim the cost of done, manufacturer-covered repairs: one claim per repair, in one batch."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop or a Warranty Manager makes warranty claims from repairs."))
        # Parallel clicks on one repair: the first takes the repair; the others fail to lock it at once and Odoo
        # retries them in a fresh transaction, which sees the claim and answers with the message below. The
        # claims' exclusion constraint (one open claim per repair) is the guarantee behind it.
        if self.ids:
            self.env.cr.execute(
                SQL("SELECT id FROM repair_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT", tuple(self.ids))
            )
        for repair in self:
            if repair.state != "done":
                raise UserError(
                    _("Repair %(repair)s is not done: claim it once the work is finished.", repair=repair.name)
                )
            if repair.job_ids:
                repair._check_job_claim_possible()
            # The manufacturer pays campaign work whatever the unit's warranty
            elif repair.warranty_coverage != "manufacturer" and not repair._get_claimable_recalls():
                raise UserError(
                    _(
                        "Repair %(repair)s is not covered by the manufacturer's warranty (%(reason)s): there is "
                        "nothing to claim from the manufacturer.",
                        repair=repair.name,
                        reason=repair.warranty_coverage_reason or repair.warranty_coverage,
                    )
                )
            if repair.claim_ids.filtered(lambda claim: claim.state != "cancel"):
                raise UserError(_("Repair %(repair)s already has a warranty claim.", repair=repair.name))
            if (
                not repair.job_ids
                and repair.warranty_coverage == "manufacturer"
                and not repair._get_warranty_manufacturer()
            ):
                raise UserError(
                    _("Repair %(repair)s has no manufacturer to claim from: set it on the product.", repair=repair.name)
                )
        # A claim cancelled in this transaction no longer counts for the database's one-open-claim rule
        self.env["warranty.claim"].flush_model(["state"])
        claims = self.env["warranty.claim"].create([repair._prepare_warranty_claim_vals() for repair in self])
        if len(claims) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "warranty.claim",
                "res_id": claims.id,
                "views": [(False, "form")],
            }
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        action["domain"] = [("id", "in", claims.ids)]
        return action

    def action_view_claims(self):
        """Open the warranty claims of this repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        action["domain"] = [("repair_id", "in", self.ids)]
        return action

    def _prepare_warranty_claim_vals(self):
        """The manufacturer's claim for this repair: parts at cost + markup, labour at the manufacturer's rate.

        Campaign work is charged at its campaign's terms; on a unit that is not under the manufacturer's
        warranty, the claim holds the campaign work alone (the rest is the customer's).
        """
        self.ensure_one()
        if self.job_ids:
            return self._prepare_job_claim_vals()
        recalls = self._get_claimable_recalls()
        campaign_only = self.warranty_coverage != "manufacturer"
        manufacturer = recalls[:1].manufacturer_id if campaign_only else self._get_warranty_manufacturer()
        markup = 1 + (manufacturer.warranty_parts_markup_percent or 0.0) / 100
        lines = []
        moves = self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state == "done" and m.quantity)
        for move in moves:
            recall = move.warranty_recall_id & recalls
            if campaign_only and not recall:
                continue
            move_markup = 1 + recall.claim_parts_markup_percent / 100 if recall else markup
            lines.append(
                Command.create(
                    {
                        "line_type": "part",
                        "product_id": move.product_id.id,
                        "name": move.product_id.display_name,
                        "quantity": move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id),
                        "price_unit": move.product_id.standard_price * move_markup,
                        "return_required": move.product_id == self.causal_part_id,
                    }
                )
            )
        for labor in self.labor_line_ids:
            recall = labor.recall_id & recalls
            if campaign_only and not recall:
                continue
            standard = labor.operation_id.standard_hours
            # The manufacturer pays its standard time; more needs a reason on the claim line
            hours = min(labor.hours, standard) if standard else labor.hours
            lines.append(
                Command.create(
                    {
                        "line_type": "labor",
                        "labor_operation_id": labor.operation_id.id,
                        "name": labor.operation_id.display_name,
                        "quantity": hours,
                        "price_unit": recall.claim_labor_rate if recall else manufacturer.warranty_labor_rate,
                    }
                )
            )
        repair_date = self.env["warranty.claim"]._get_repair_date(self)
        vals = {
            "manufacturer_id": manufacturer.id,
            "company_id": self.company_id.id,
            "repair_id": self.id,
            "registration_id": self.warranty_registration_id.id,
            "lot_id": self.lot_id.id,
            "product_id": self.product_id.id,
            "partner_id": self.partner_id.id,
            "failure_date": fields.Datetime.context_timestamp(self, self.schedule_date).date(),
            "repair_date": repair_date,
            "odometer_km": self.odometer_km,
            "defect_code_ids": [Command.set(self.defect_code_ids.ids)],
            "causal_part_id": self.causal_part_id.id,
            "failure_cause": self.failure_cause,
            "recall_id": recalls[:1].id,
            "line_ids": lines,
        }
        if campaign_only:
            # The repair's own fault is not the manufacturer's: the claim states the campaign's
            vals.update(
                {
                    "defect_code_ids": [Command.set(recalls.defect_code_id.ids)],
                    "causal_part_id": recalls[:1].part_ids[:1].product_id.id,
                    "failure_cause": _(
                        "Recall campaign %(campaigns)s",
                        campaigns=", ".join(recalls.mapped(lambda r: f"{r.campaign_code} ({r.name})")),
                    ),
                }
            )
        return vals

    def _get_claimable_jobs(self):
        """The jobs the manufacturer pays, wholly or its goodwill share."""
        self.ensure_one()
        return self.job_ids.filtered(lambda job: job._get_share("manufacturer") > 0)

    def _check_job_claim_possible(self):
        """One claim per visit: the jobs the manufacturer pays go to one manufacturer."""
        self.ensure_one()
        jobs = self._get_claimable_jobs()
        if not jobs:
            raise UserError(
                _(
                    "Repair %(repair)s has no job the manufacturer pays (warranty, extended warranty, campaign or a "
                    "manufacturer's goodwill share): there is nothing to claim.",
                    repair=self.name,
                )
            )
        manufacturers = {job: job._get_manufacturer() for job in jobs}
        nobody = [job for job, manufacturer in manufacturers.items() if not manufacturer]
        if nobody:
            raise UserError(
                _(
                    "Job %(job)s has no manufacturer to claim from: set it on the product.",
                    job=nobody[0].display_name,
                )
            )
        if len(set(manufacturers.values())) > 1:
            raise UserError(
                _(
                    "The jobs of repair %(repair)s are paid by several manufacturers (%(manufacturers)s): a visit is "
                    "claimed from one manufacturer. Move the other manufacturer's work to a repair of its own.",
                    repair=self.name,
                    manufacturers=", ".join(sorted({m.name for m in manufacturers.values()})),
                )
            )

    def _prepare_job_claim_vals(self):
        """The manufacturer's claim of a repair with jobs: its lines grouped by job, each with its 3C text."""
        self.ensure_one()
        jobs = self._get_claimable_jobs()
        manufacturer = jobs[:1]._get_manufacturer()
        lines = []
        for index, job in enumerate(jobs, start=1):
            for vals in job._prepare_claim_line_values(manufacturer, done_only=True):
                lines.append(Command.create({**vals, "job_id": job.id, "sequence": index * 100 + len(lines)}))
        diagnosed = jobs.filtered(lambda job: job.pay_type in ("warranty", "extension")) or jobs
        recalls = self.env["warranty.recall"].union(
            *(job._get_recalls() for job in jobs.filtered(lambda job: job.pay_type == "campaign"))
        )
        causal_part = diagnosed.causal_part_id[:1] or recalls[:1].part_ids[:1].product_id
        return {
            "manufacturer_id": manufacturer.id,
            "company_id": self.company_id.id,
            "repair_id": self.id,
            "registration_id": self.warranty_registration_id.id,
            "lot_id": self.lot_id.id,
            "product_id": self.product_id.id,
            "partner_id": self.partner_id.id,
            "failure_date": fields.Datetime.context_timestamp(self, self.schedule_date).date(),
            "repair_date": self.env["warranty.claim"]._get_repair_date(self),
            "odometer_km": self.odometer_km,
            "defect_code_ids": [Command.set((jobs.defect_code_ids | recalls.defect_code_id).ids)],
            "causal_part_id": causal_part.id,
            "failure_cause": "\n\n".join(
                f"{job.display_name} ({job._get_pay_type_label()})\n{job._get_3c_text()}" for job in jobs
            ),
            "recall_id": recalls[:1].id,
            "line_ids": lines,
        }

    def action_add_campaign_work(self):
        """Add the open campaigns' labour operation and parts kit to this repair."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop adds campaign work to a repair."))
        if self.state in ("done", "cancel"):
            raise UserError(_("Repair %(repair)s is closed.", repair=self.name))
        # The unit's open campaign lines are locked before they are checked: of two repairs of the unit
        # taking the work at once, one gets it and the other is refused below
        lines = self.recall_line_ids._lock_for_campaign_work()
        if not lines:
            done = (
                self.env["warranty.recall.line"].search(
                    [("lot_id", "=", self.lot_id.id), ("state", "=", "done"), ("recall_state", "=", "open")],
                    limit=1,
                )
                if self.lot_id
                else False
            )
            if done:
                raise UserError(
                    _(
                        "Unit %(serial)s already received the work of campaign %(campaign)s on repair %(repair)s: "
                        "it is not done twice.",
                        serial=self.lot_id.name,
                        campaign=done.recall_id.campaign_code,
                        repair=done.repair_id.name or "-",
                    )
                )
            raise UserError(_("Unit %(serial)s has no open recall campaign.", serial=self.lot_id.name or "-"))
        # One repair carries a unit's campaign work: a second one would do it, and claim it, twice
        taken = lines.filtered(lambda line: line.repair_id and line.repair_id.state != "cancel")[:1]
        if taken:
            raise UserError(
                _(
                    "The work of campaign %(campaign)s on unit %(serial)s is already on repair %(repair)s: complete it "
                    "there, or cancel that repair first.",
                    campaign=taken.recall_id.campaign_code,
                    serial=self.lot_id.name,
                    repair=taken.repair_id.name,
                )
            )
        if self.job_ids:
            # A visit organised in jobs takes each campaign's work as a campaign job of its own
            self.write({
                "job_ids": [
                    Command.create({
                        "complaint": _(
                            "Recall campaign %(campaign)s: %(name)s",
                            campaign=line.recall_id.campaign_code,
                            name=line.recall_id.name,
                        ),
                        "pay_type": "campaign",
                        "recall_id": line.recall_id.id,
                        "defect_code_ids": [Command.set(line.recall_id.defect_code_id.ids)],
                        "labor_line_ids": [
                            Command.create({
                                "repair_id": self.id,
                                "operation_id": line.recall_id.operation_id.id,
                                "recall_id": line.recall_id.id,
                            })
                        ] if line.recall_id.operation_id else [],
                        "move_ids": [
                            Command.create({
                                "repair_id": self.id,
                                "product_id": part.product_id.id,
                                "product_uom_qty": part.quantity,
                                "repair_line_type": "add",
                                "warranty_recall_id": line.recall_id.id,
                            })
                            for part in line.recall_id.part_ids
                        ],
                    })
                    for line in lines
                ],
            })
        else:
            self._add_campaign_lines(lines)
        # sudo: a campaign line is linked to its repair by this action only, under the lock taken above
        lines.sudo().write({"repair_id": self.id})
        self.message_post(
            body=_("Campaign work added: %(campaigns)s", campaigns=", ".join(lines.recall_id.mapped("campaign_code")))
        )
        return True

    def _add_campaign_lines(self, lines):
        """The campaigns' labour and kit on a repair without jobs."""
        # Tagged with their campaign: the claim charges them at the campaign's terms
        self.write(
            {
                "labor_line_ids": [
                    Command.create({"operation_id": line.recall_id.operation_id.id, "recall_id": line.recall_id.id})
                    for line in lines
                    if line.recall_id.operation_id
                ],
                "move_ids": [
                    Command.create(
                        {
                            "product_id": part.product_id.id,
                            "product_uom_qty": part.quantity,
                            "repair_line_type": "add",
                            "warranty_recall_id": line.recall_id.id,
                        }
                    )
                    for line in lines
                    for part in line.recall_id.part_ids
                ],
            }
        )

    def action_create_requisition(self):
        """Ask the parts department for the parts of this repair that are not available yet."""
        self.ensure_one()
        lines = []
        for move in self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state not in ("done", "cancel")):
            missing = move.product_uom_qty - move.quantity
            if missing > 0:
                lines.append(
                    Command.create(
                        {
                            "product_id": move.product_id.id,
                            "product_qty": missing,
                            "product_uom_id": move.product_uom.id,
                        }
                    )
                )
        requisition = self.env["warranty.part.requisition"].create(
            {
                "repair_id": self.id,
                "company_id": self.company_id.id,
                "warehouse_id": self._get_warehouse().id,
                "line_ids": lines,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.part.requisition",
            "res_id": requisition.id,
            "views": [(False, "form")],
        }

    def action_view_requisitions(self):
        """Open the part requisitions of this repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_part_requisition_action")
        action["domain"] = [("repair_id", "in", self.ids)]
        action["context"] = {"default_repair_id": self.id}
        return action

    def action_validate(self):
        # Core warns "Insufficient Quantity To Repair" when the unit is not in the repair's stock location.
        # A customer's unit brought in for repair is not the dealer's stock: like core does for products
        # that are not stored, confirm at once when the serial is in none of the company's internal locations.
        self.ensure_one()
        if self.lot_id and self.product_id.is_storable and not self._is_unit_in_stock():
            if any(move.product_uom_qty < 0 for move in self.move_ids):
                raise UserError(_("You can not enter negative quantities."))
            return self._action_repair_confirm()
        return super().action_validate()

    def action_repair_start(self):
        # Covered work above the manufacturer's limit waits for its authorization; goodwill for its approval
        self.job_ids._check_prior_authorization()
        self.job_ids._check_goodwill_approved()
        result = super().action_repair_start()
        # sudo: a job's state moves with its actions only (write() refuses it); the checks ran above
        self.job_ids.filtered(lambda job: job.state == "open").sudo().write({"state": "started"})
        return result

    def action_repair_end(self):
        # Tell what the claim needs before core's "demand and used quantities differ" question
        self._check_diagnosis_complete()
        self._check_campaign_parts_consumed()
        self._check_jobs_complete()
        return super().action_repair_end()

    def action_repair_done(self):
        self._check_diagnosis_complete()
        self._check_campaign_parts_consumed()
        self._check_jobs_complete()
        result = super().action_repair_done()
        self.write({"date_done": fields.Datetime.now()})
        self.filtered("job_ids")._create_job_expense_moves()
        # The unit received the campaign work: it is done on the campaign.
        # sudo: inventory users without a warranty role also complete repairs
        self.sudo().recall_done_line_ids.filtered(lambda line: line.state == "open").write({"state": "done"})
        return result

    def action_create_sale_order(self):
        action = super().action_create_sale_order()
        self.labor_line_ids._create_sale_order_lines()
        self.filtered("job_ids")._update_job_sale_prices()
        return action

    def action_print_repair_act(self):
        """Print the repair act for the customer and the file."""
        return self.env.ref("warranty_service.action_report_repair_act").report_action(self)

    def _action_repair_confirm(self):
        drafts = self.filtered(lambda repair: repair.state == "draft")
        result = super()._action_repair_confirm()
        drafts.filtered(
            lambda r: r.state == "confirmed" and r.warranty_coverage == "manufacturer"
        )._schedule_manufacturer_notification()
        return result

    def _update_sale_order_line_price(self):
        result = super()._update_sale_order_line_price()
        self.labor_line_ids._update_sale_order_line_prices()
        # Core prices every part of the order alike: the parts of jobs follow their job's pay type
        self.filtered("job_ids")._update_job_sale_prices(
            moves=self.move_ids.filtered("job_id"), labors=self.env["warranty.repair.labor"],
        )
        return result

    def _update_job_sale_prices(self, moves=None, labors=None):
        """Price the customer's quotation lines of jobs' parts and labour at the customer's share.

        Customer jobs at the customer's prices, the customer's share of goodwill jobs at that share of them, the
        rest (warranty, extension, campaign, internal, comeback) at zero, as covered repairs are today. The line
        names the job and its pay type, and the invoice copies it.
        """
        if moves is None and labors is None:
            moves, labors = self.move_ids, self.labor_line_ids
        moves = (moves or self.env["stock.move"]).filtered(
            lambda move: move.job_id and move.sale_line_id and move.repair_line_type == "add"
        )
        labors = (labors or self.env["warranty.repair.labor"]).filtered(lambda line: line.job_id and line.sale_line_id)
        records = [
            (record, record.sale_line_id)
            for record in (*moves, *labors)
            if record.sale_line_id.order_id.state in ("draft", "sent") and not record.sale_line_id.qty_invoiced
        ]
        if not records:
            return
        sale_lines = self.env["sale.order.line"].union(*(line for _record, line in records))
        # The customer's price first (pricelist, fiscal position), then its share
        sale_lines.with_context(force_price_recomputation=True)._compute_price_unit()
        for record, sale_line in records:
            job = record.job_id
            share = job._get_share("customer")
            item = (
                record.product_id.display_name
                if record._name == "stock.move"
                else _("%(operation)s (%(repair)s)", operation=record.operation_id.display_name,
                       repair=record.repair_id.name)
            )
            vals = {
                "name": _(
                    "%(item)s\n%(pay_type)s - %(job)s",
                    item=item,
                    pay_type=job._get_pay_type_label(),
                    job=job.display_name,
                ),
            }
            if share != 1.0:
                # technical_price_unit keeps the customer's price: the line counts as priced by hand and a
                # later quantity change does not bring the full price back
                vals["price_unit"] = sale_line.currency_id.round(sale_line.price_unit * share)
            sale_line.write(vals)

    # Business helpers

    def _get_registration_coverage(self):
        """(coverage, reason) from the unit's registration at the repair date and odometer."""
        self.ensure_one()
        if not self.lot_id:
            return "none", _("No serial number: the unit's warranty cannot be checked.")
        registration = self.warranty_registration_id
        if not registration:
            return "none", _("Serial number %(serial)s has no warranty registration.", serial=self.lot_id.name)
        date = fields.Datetime.context_timestamp(self, self.schedule_date).date() if self.schedule_date else None
        # sudo: inventory users without a warranty role also create repairs; the coverage is theirs to see
        result = registration.sudo().check_coverage(date=date, mileage_km=self.odometer_km)
        return result["coverage"], result["reason"]

    def _check_coverage_rights(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager can grant goodwill or change the coverage of a repair."))

    def _check_expertise_rights(self):
        # The workshop handles the examination of its own diagnosis; changing the coverage after an
        # overturned verdict stays a Warranty Manager's decision (_check_coverage_rights)
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop sends samples to the independent examiner and records the verdict."))

    def _check_repair_editable(self):
        closed = self.filtered(lambda repair: repair.state in ("done", "cancel"))
        if closed:
            raise UserError(
                _(
                    "Repair %(repair)s is closed: its labour can no longer be changed.",
                    repair=closed[0].name,
                )
            )

    def _check_jobs_complete(self):
        """On a repair with jobs, every part and labour line belongs to a job: the jobs decide who pays them."""
        for repair in self.filtered("job_ids"):
            loose = repair.labor_line_ids.filtered(lambda line: not line.job_id).operation_id.mapped("display_name")
            loose += repair.move_ids.filtered(
                lambda m: not m.job_id and m.repair_line_type == "add" and m.state != "cancel"
            ).product_id.mapped("display_name")
            if loose:
                raise UserError(
                    _(
                        "Repair %(repair)s has jobs: put %(lines)s on the job it belongs to, so that it is known "
                        "who pays it.",
                        repair=repair.name,
                        lines=", ".join(loose),
                    )
                )
            repair.job_ids._check_goodwill_approved()
            for job in repair.job_ids.filtered(lambda j: j.pay_type in ("warranty", "extension")):
                missing = self._get_missing_diagnosis(
                    job.defect_code_ids, job.cause, _("the cause"), job.causal_part_id,
                )
                if missing:
                    raise UserError(
                        _(
                            "Job %(job)s is claimed from the manufacturer: record %(missing)s before completing the "
                            "repair, so the claim can be made.",
                            job=job.display_name,
                            missing=missing,
                        )
                    )

    def _get_job_expense_amounts(self):
        """{(kind, job): cost} of the work the dealer bears: 'internal' (internal jobs and comebacks) and
        'goodwill' (its goodwill share), at cost: parts at their cost, labour at its product's cost, sublet."""
        self.ensure_one()
        amounts = {}
        for job in self.job_ids:
            share = job._get_share("dealer")
            if not share:
                continue
            cost = sum(
                move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
                * move.product_id.standard_price
                for move in job.move_ids
                if move.repair_line_type == "add" and move.state == "done"
            )
            cost += sum(line.hours * line.product_id.standard_price for line in job.labor_line_ids)
            cost += sum(job.sublet_line_ids.mapped("cost"))
            amount = self.company_id.currency_id.round(cost * share)
            if amount:
                amounts[("goodwill" if job.pay_type == "goodwill" else "internal", job)] = amount
        return amounts

    def _create_job_expense_moves(self):
        """Book the work the dealer bears itself to the expense accounts of the settings, one entry per repair."""
        vals_list = []
        repairs = self.env["repair.order"]
        for repair in self:
            amounts = repair._get_job_expense_amounts()
            if not amounts:
                continue
            # sudo: the workshop completing the repair reads the company's accounting settings
            company = repair.company_id.sudo()
            accounts = {
                "internal": company.warranty_internal_expense_account_id,
                "goodwill": company.warranty_goodwill_expense_account_id,
            }
            counterpart = company.warranty_job_cost_account_id
            journal = company.warranty_job_journal_id or self.env["account.journal"].sudo().search(
                [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
            )
            missing = {kind for kind, _job in amounts if not accounts[kind]}
            if missing or not counterpart or not journal:
                raise UserError(
                    _(
                        "Repair %(repair)s has work the dealer bears itself (internal jobs, comebacks or its goodwill "
                        "share): set the Internal Work Expense, Dealer Goodwill Expense and Workshop Costs Absorbed "
                        "accounts (Warranty > Configuration > Settings) before completing it.",
                        repair=repair.name,
                    )
                )
            lines = [
                Command.create({
                    # env._: the caller's language is not found from inside a comprehension
                    "name": self.env._(
                        "%(repair)s - %(job)s (%(pay_type)s)",
                        repair=repair.name, job=job.display_name, pay_type=job._get_pay_type_label(),
                    ),
                    "account_id": accounts[kind].id,
                    "debit": amount,
                    "credit": 0.0,
                })
                for (kind, job), amount in amounts.items()
            ]
            lines.append(Command.create({
                "name": _("%(repair)s - work borne by the dealer", repair=repair.name),
                "account_id": counterpart.id,
                "debit": 0.0,
                "credit": sum(amounts.values()),
            }))
            vals_list.append({
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                "date": fields.Date.context_today(repair),
                "ref": repair.name,
                "line_ids": lines,
            })
            repairs |= repair
        if not vals_list:
            return
        # sudo: the workshop completing the repair is no accountant; the entry follows from the jobs' pay types
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        for repair, move in zip(repairs, moves, strict=True):
            repair.sudo().job_expense_move_id = move

    def _check_diagnosis_complete(self):
        for repair in self.filtered(lambda r: r.warranty_coverage == "manufacturer" and not r.job_ids):
            missing = self._get_missing_diagnosis(
                repair.defect_code_ids, repair.failure_cause, _("the failure cause"), repair.causal_part_id,
            )
            if missing:
                raise UserError(
                    _(
                        "Repair %(repair)s is covered by the manufacturer's warranty: record %(missing)s "
                        "before completing it, so the claim to the manufacturer can be made.",
                        repair=repair.name,
                        missing=missing,
                    )
                )

    def _get_missing_diagnosis(self, defect_codes, cause, cause_label, causal_part):
        """What a claimed repair (or job) still lacks for the manufacturer's claim, as words to show, or ''."""
        missing = []
        if not defect_codes:
            missing.append(_("a defect code"))
        if not (cause or "").strip():
            missing.append(cause_label)
        if not causal_part:
            missing.append(_("the causal part"))
        return ", ".join(missing)

    def _is_unit_in_stock(self):
        """Whether the repaired serial stands in one of the company's internal locations (dealer's stock)."""
        self.ensure_one()
        # sudo: where the unit stands is read for any user confirming the repair
        return bool(self.env["stock.quant"].sudo().search_count(
            [
                ("lot_id", "=", self.lot_id.id),
                ("location_id.usage", "=", "internal"),
                ("company_id", "=", self.company_id.id),
                ("quantity", ">", 0),
            ],
            limit=1,
        ))

    def _check_campaign_parts_consumed(self):
        # Core cancels the part moves with nothing used when the repair ends: a campaign kit part missing
        # from stock would silently drop out of the repair and of the manufacturer's claim
        for repair in self:
            for move in repair.move_ids.filtered(
                lambda m: m.warranty_recall_id and m.repair_line_type == "add" and m.state != "cancel"
            ):
                if float_compare(move.quantity, move.product_uom_qty, precision_rounding=move.product_uom.rounding) < 0:
                    raise UserError(
                        _(
                            "Repair %(repair)s: the campaign part %(part)s is not there (%(used)s of %(needed)s "
                            "%(uom)s). Get it from the parts department (Request Parts) and set the used "
                            "quantity before ending the repair: the campaign's claim needs its kit.",
                            repair=repair.name,
                            part=move.product_id.display_name,
                            used=move.quantity,
                            needed=move.product_uom_qty,
                            uom=move.product_uom.name,
                        )
                    )

    def _check_loaner_rights(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop lends loaners and takes them back."))

    def _raise_loaner_fields_refused(self):
        raise UserError(
            _("A loaner is lent and taken back with the buttons Lend Loaner and Loaner Returned, which move the unit.")
        )

    def _check_loaner_write(self, vals):
        """The loaner's dates follow its transfers; the unit cannot be swapped once it is out."""
        if self.env.su:
            return
        if LOANER_ACTION_FIELDS & vals.keys():
            self._raise_loaner_fields_refused()
        if "loaner_lot_id" in vals:
            out = self.filtered(
                lambda r: r.loaner_state in ("lent", "returned") and r.loaner_lot_id.id != vals["loaner_lot_id"]
            )
            if out:
                raise UserError(
                    _(
                        "The loaner of repair %(repair)s was already handed over: its unit can no longer be changed.",
                        repair=out[0].name,
                    )
                )

    def _lock_for_update(self):
        """Lock the repairs' rows: a concurrent action on the same repair waits, then is retried by the RPC
        layer (the database refuses it: the row changed after it read it) and sees the new state."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM repair_order WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(self.ids),
                )
            )

    def _check_loaners_free(self):
        """A loaner can be lent once at a time, and not while it is itself under repair."""
        loaners = self.loaner_lot_id
        busy = self.search_fetch(
            [("id", "not in", self.ids), ("loaner_lot_id", "in", loaners.ids), ("loaner_state", "=", "lent")],
            ["name", "loaner_lot_id"],
        )
        if busy:
            raise UserError(
                _(
                    "Loaner %(serial)s is already lent on repair %(repair)s.",
                    serial=busy[0].loaner_lot_id.name,
                    repair=busy[0].name,
                )
            )
        in_repair = self.search_fetch(
            [("lot_id", "in", loaners.ids), ("state", "not in", ("done", "cancel"))],
            ["name", "lot_id"],
        )
        if in_repair:
            raise UserError(
                _(
                    "Loaner %(serial)s is itself under repair (%(repair)s): choose another unit.",
                    serial=in_repair[0].lot_id.name,
                    repair=in_repair[0].name,
                )
            )

    def _check_transport_possible(self, kind):
        self.ensure_one()
        if not self.lot_id or not self.partner_id:
            raise UserError(
                _(
                    "Repair %(repair)s needs a serial number and a customer to plan a transport.",
                    repair=self.name,
                )
            )
        if self.service_picking_ids.filtered(lambda p: p.warranty_transfer_kind == kind and p.state != "cancel"):
            raise UserError(_("Repair %(repair)s already has this transport planned.", repair=self.name))

    def _get_warehouse(self):
        self.ensure_one()
        return self.picking_type_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)],
            limit=1,
        )

    def _get_loaner_location(self):
        self.ensure_one()
        return self._get_warehouse()._get_warranty_loaner_location()

    def _prepare_service_transfer_vals(self, kind, picking_type, source, destination, lot, owner=None):
        """Values of a loaner or transport transfer; a hook for other modules."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": self.partner_id.id,
            "origin": self.name,
            "warranty_repair_id": self.id,
            "warranty_transfer_kind": kind,
            "owner_id": owner.id if owner else False,
            "move_ids": [
                Command.create(
                    {
                        "name": self.name,
                        "product_id": lot.product_id.id,
                        "product_uom_qty": 1,
                        "product_uom": lot.product_id.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                    }
                )
            ],
        }

    def _create_service_transfer(self, kind, picking_type, source, destination, lot, owner=None, validate=False):
        self.ensure_one()
        picking = self.env["stock.picking"].create(
            self._prepare_service_transfer_vals(kind, picking_type, source, destination, lot, owner=owner)
        )
        picking.action_confirm()
        move = picking.move_ids
        # The unit is known: its serial is set rather than whatever the reservation would pick
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "owner_id": owner.id if owner else False,
            }
        )
        if validate:
            move.picked = True
            picking._action_done()
        return picking

    def _get_claimable_recalls(self):
        """The campaigns whose work this repair did: the manufacturer pays it."""
        self.ensure_one()
        return self.recall_done_line_ids.filtered(lambda line: line.state == "done").recall_id

    def _get_warranty_manufacturer(self):
        self.ensure_one()
        return self.warranty_registration_id.manufacturer_id or self.product_id.warranty_manufacturer_id

    def _get_warranty_manager(self):
        """The user who receives the warranty department's to-dos for this company.

        The Responsible Warranty Manager of the company's settings; without one (or when that user left the
        group), a Warranty Manager of the company who is a person rather than the administrator or OdooBot
        (they hold the group to run the addon, not to do the department's work), the administrator last.
        """
        company = self.company_id[:1] or self.env.company
        group = self.env.ref("warranty_service.group_warranty_manager")
        # sudo: the workshop user confirming the repair may not read other users' groups nor the settings
        responsible = company.sudo().warranty_manager_user_id
        if responsible.active and group in responsible.groups_id and company in responsible.company_ids:
            return responsible
        admins = self.env.ref("base.user_root") | self.env.ref("base.user_admin")
        managers = group.sudo().users.filtered(
            lambda user: not user.share and user.active and company in user.company_ids
        ).sorted(lambda user: (user in admins, user.id))
        return managers.filtered(lambda user: user.id != 1)[:1] or self.env.user

    def _schedule_manufacturer_notification(self):
        # The to-do lands in the manager's activities; no assignment e-mail per repair (it would
        # render a mail template inside every confirmation)
        for repair in self.with_context(mail_activity_quick_update=True):
            manufacturer = repair._get_warranty_manufacturer()
            days = manufacturer.warranty_notification_days if manufacturer else 3
            repair.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(repair) + timedelta(days=days),
                summary=_("Notify the manufacturer of the warranty repair"),
                note=_(
                    "Repair %(repair)s of %(serial)s is covered by the manufacturer's warranty: notify "
                    "%(manufacturer)s within %(days)s days.",
                    repair=repair.name,
                    serial=repair.lot_id.name or "",
                    days=days,
                    manufacturer=manufacturer.name or _("the manufacturer"),
                ),
                user_id=repair._get_warranty_manager().id,
            )
