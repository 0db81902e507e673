

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

REPAIR_COVERAGE_SELECTION = [
    ("manufacturer", "Manufacturer Warranty"),
    ("extension", "Extended Warranty"),
    ("goodwill", "Goodwill"),
    ("none", "Not Covered"),
]

COVERED = ("manufacturer", "extension", "goodwill")
DIAGNOSIS_FIELDS = {"defect_code_ids", "failure_cause", "is_factory_defect", "causal_part_id"}


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

    date_done = fields.Datetime(
        string="Repaired On",
        readonly=True,
        copy=False,
        help="When the repair was completed: the manufacturer's claim deadline runs from it.",
    )

    _sql_constraints = [
        ("odometer_km_positive", "CHECK(odometer_km >= 0)", "The odometer reading cannot be negative."),
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
        return super().create(vals_list)

    def write(self, vals):
        if {"warranty_coverage", "goodwill_user_id", "goodwill_date"} & vals.keys():
            self._check_coverage_rights()
        if "warranty_registration_id" in vals and any(
            repair.warranty_registration_id.id != vals["warranty_registration_id"] for repair in self
        ):
            # The registration decides the coverage: choosing it by hand is changing the coverage
            self._check_coverage_rights()
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

    def _check_repair_editable(self):
        closed = self.filtered(lambda repair: repair.state in ("done", "cancel"))
        if closed:
            raise UserError(
                _(
                    "Repair %(repair)s is closed: its labour can no longer be changed.",
                    repair=closed[0].name,
                )
            )

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

    def _get_warranty_manufacturer(self):
        self.ensure_one()
        return self.warranty_registration_id.manufacturer_id or self.product_id.warranty_manufacturer_id
