from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

REPAIR_COVERAGE_SELECTION = [
    ("manufacturer", "Manufacturer Warranty"),
    ("extension", "Extended Warranty"),
    ("goodwill", "Goodwill"),
    ("none", "Not Covered"),
]

class RepairOrder(models.Model):
    _inherit = "repair.order"

    # Coverage: decided from the unit's registration while the order is new, then frozen
    warranty_registration_id = fields.Many2one(
        "warranty.registration", string="Warranty Registration", index="btree_not_null",
        compute="_compute_warranty_registration_id", store=True, readonly=False,
        help="The registration of the unit's serial number, found automatically.",
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
    goodwill_reason = fields.Text(string="Goodwill Reason", tracking=True)
    goodwill_user_id = fields.Many2one("res.users", string="Goodwill Granted By", readonly=True, copy=False, tracking=True)
    goodwill_date = fields.Date(string="Goodwill Granted On", readonly=True, copy=False)
    # Diagnosis
    defect_code_ids = fields.Many2many(
        "warranty.defect.code", string="Defect Codes", check_company=True,
        help="What failed, in the manufacturer's codes.",
    )
    failure_cause = fields.Text(string="Failure Cause", help="Why the unit failed, as established by the diagnosis.")
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

    _sql_constraints = [
        ("odometer_km_positive", "CHECK(odometer_km >= 0)", "The odometer reading cannot be negative."),
    ]

    @api.depends("lot_id")
    def _compute_warranty_registration_id(self):
        for repair in self:
            if repair.state in (False, "draft"):
                repair.warranty_registration_id = repair.lot_id.warranty_registration_id

    @api.depends("warranty_registration_id", "schedule_date", "odometer_km", "goodwill_user_id")
    def _compute_warranty_coverage(self):
        for repair in self:
            if repair.goodwill_user_id:
                repair.warranty_coverage = "goodwill"
                repair.warranty_coverage_reason = _(
                    "Goodwill granted by %(user)s: %(reason)s",
                    user=repair.goodwill_user_id.name, reason=repair.goodwill_reason or "",
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
            repair.under_warranty = repair.warranty_coverage in ("manufacturer", "extension", "goodwill")

    @api.depends("labor_line_ids.hours")
    def _compute_labor_hours(self):
        for repair in self:
            repair.labor_hours = sum(repair.labor_line_ids.mapped("hours"))

    @api.constrains("odometer_km", "lot_id")
    def _check_odometer(self):
        repairs = self.filtered(lambda r: r.lot_id and r.odometer_km)
        if not repairs:
            return
        # One grouped read for the batch: the highest reading recorded on other repairs of each serial
        last_readings = dict(self.env["repair.order"].sudo()._read_group(
            [("lot_id", "in", repairs.lot_id.ids), ("id", "not in", repairs.ids), ("state", "!=", "cancel")],
            ["lot_id"], ["odometer_km:max"],
        ))
        for repair in repairs:
            last = last_readings.get(repair.lot_id, 0)
            if repair.odometer_km < last:
                raise ValidationError(_(
                    "The odometer of %(serial)s cannot read %(km)s km: %(last)s km was already recorded "
                    "on an earlier repair. Check the reading.",
                    serial=repair.lot_id.name, km=repair.odometer_km, last=last,
                ))

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
        coverage_before = {repair.id: repair.warranty_coverage for repair in self}
        result = super().write(vals)
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
                raise UserError(_("Repair %(repair)s is closed: goodwill can no longer be granted.", repair=repair.name))
            if repair.warranty_coverage != "none":
                raise UserError(_(
                    "Repair %(repair)s is already covered (%(coverage)s): goodwill is only for uncovered units.",
                    repair=repair.name,
                    coverage=dict(self._fields["warranty_coverage"]._description_selection(self.env))[repair.warranty_coverage],
                ))
            if not (repair.goodwill_reason or "").strip():
                raise UserError(_(
                    "Enter the goodwill reason of repair %(repair)s before granting it.", repair=repair.name,
                ))
        self.write({"goodwill_user_id": self.env.user.id, "goodwill_date": fields.Date.context_today(self)})
        return True

    def action_repair_done(self):
        self._check_diagnosis_complete()
        return super().action_repair_done()

    def action_create_sale_order(self):
        action = super().action_create_sale_order()
        self.labor_line_ids._create_sale_order_lines()
        return action

    def action_print_repair_act(self):
        """Print the repair act for the customer and the file."""
        return self.env.ref("warranty_service.action_report_repair_act").report_action(self)

    def _action_repair_confirm(self):
        drafts = self.filtered(lambda repair: repair.state == "draft")
        result = super()._action_repair_confirm()
        drafts.filtered(lambda r: r.state == "confirmed" and r.warranty_coverage == "manufacturer")._schedule_manufacturer_notification()
        return result

    def _update_sale_order_line_price(self):
        super()._update_sale_order_line_price()
        self.labor_line_ids._update_sale_order_line_prices()

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
        result = registration.check_coverage(date=date, mileage_km=self.odometer_km)
        return result["coverage"], result["reason"]

    def _check_coverage_rights(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_(
                "Only a Warranty Manager can grant goodwill or change the coverage of a repair."
            ))

    def _check_repair_editable(self):
        closed = self.filtered(lambda repair: repair.state in ("done", "cancel"))
        if closed:
            raise UserError(_(
                "Repair %(repair)s is closed: its labour can no longer be changed.", repair=closed[0].name,
            ))

    def _check_diagnosis_complete(self):
        for repair in self.filtered(lambda r: r.warranty_coverage == "manufacturer"):
            missing = []
            if not repair.defect_code_ids:
                missing.append(_("a defect code"))
            if not (repair.failure_cause or "").strip():
                missing.append(_("the failure cause"))
            if not repair.causal_part_id:
                missing.append(_("the causal part"))
            if missing:
                raise UserError(_(
                    "Repair %(repair)s is covered by the manufacturer's warranty: record %(missing)s "
                    "before completing it, so the claim to the manufacturer can be made.",
                    repair=repair.name, missing=", ".join(missing),
                ))

    def _get_warranty_manufacturer(self):
        self.ensure_one()
        return self.warranty_registration_id.manufacturer_id or self.product_id.warranty_manufacturer_id

    def _get_warranty_manager(self):
        """The user who receives the warranty department's to-dos for this company."""
        group = self.env.ref("warranty_service.group_warranty_manager")
        # sudo: the workshop user confirming the repair may not read other users' groups
        managers = group.sudo().users.filtered(
            lambda user: not user.share and user.active and self.company_id in user.company_ids and user.id != 1
        )
        return managers.sorted("id")[:1] or self.env.user

    def _schedule_manufacturer_notification(self):
        for repair in self:
            manufacturer = repair._get_warranty_manufacturer()
            days = manufacturer.warranty_notification_days if manufacturer else 3
            repair.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(repair) + timedelta(days=days),
                summary=_("Notify the manufacturer of the warranty repair"),
                note=_(
                    "Repair %(repair)s of %(serial)s is covered by the manufacturer's warranty: notify "
                    "%(manufacturer)s within %(days)s days.",
                    repair=repair.name, serial=repair.lot_id.name or "", days=days,
                    manufacturer=manufacturer.name or _("the manufacturer"),
                ),
                user_id=repair._get_warranty_manager().id,
            )
