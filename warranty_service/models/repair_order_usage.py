# One file per concern (issue 24), as the coordinator splits repair_order.py
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# What the intake reading is made of: a change rewrites the repair's reading
USAGE_FIELDS = {"odometer_km", "hour_meter", "meter_replaced", "meter_broken", "schedule_date", "lot_id"}


class RepairOrder(models.Model):
    """The unit's usage at intake, in its product's unit (km or engine hours), kept as a usage reading."""

    _inherit = "repair.order"

    warranty_usage_unit = fields.Selection(related="product_id.warranty_usage_unit", string="Usage Unit")
    hour_meter = fields.Float(
        string="Hour Meter (h)", digits=(16, 1), tracking=True,
        help="Engine hours on the hour meter when the unit arrived.",
    )
    meter_replaced = fields.Boolean(
        tracking=True,
        help="The odometer or hour meter was replaced: its reading may be lower than the unit's earlier ones.",
    )
    meter_broken = fields.Boolean(
        tracking=True,
        help="The meter does not work: the coverage components estimate the usage from their hours per day.",
    )
    usage_reading_ids = fields.One2many("warranty.usage.reading", "repair_id", string="Usage Readings")

    _sql_constraints = [
        ("hour_meter_positive", "CHECK(hour_meter >= 0)", "The hour meter reading cannot be negative."),
    ]

    @api.constrains("hour_meter")
    def _check_hour_meter_positive(self):
        if any(repair.hour_meter < 0 for repair in self):
            raise ValidationError(_("The hour meter reading cannot be negative."))

    @api.constrains("odometer_km", "lot_id")
    def _check_odometer(self):
        # Once a unit's meter was replaced, its readings (each with its date and the replacement) decide
        # whether a reading goes backwards: the highest odometer of its repairs would refuse the new meter's
        return super(RepairOrder, self.filtered(
            lambda repair: not repair.meter_replaced and not repair.lot_id.warranty_meter_replaced
        ))._check_odometer()

    @api.model_create_multi
    def create(self, vals_list):
        repairs = super().create(vals_list)
        repairs._sync_usage_reading(created=True)
        return repairs

    def write(self, vals):
        if not self.env.su and {"hour_meter", "meter_replaced", "meter_broken"} & vals.keys():
            closed = self.filtered(lambda repair: repair.state in ("done", "cancel"))[:1]
            if closed:
                # What the unit showed at intake is the record the coverage was decided on
                raise UserError(_(
                    "Repair %(repair)s is closed: its meter reading can no longer change.", repair=closed.name,
                ))
        result = super().write(vals)
        if USAGE_FIELDS & vals.keys():
            self._sync_usage_reading()
        return result

    def _get_usage_value(self):
        """The reading at intake, in the unit's usage unit."""
        self.ensure_one()
        return self.hour_meter if self.warranty_usage_unit == "hours" else float(self.odometer_km)

    def _get_usage_date(self):
        self.ensure_one()
        if self.schedule_date:
            return fields.Datetime.context_timestamp(self, self.schedule_date).date()
        return fields.Date.context_today(self)

    def _sync_usage_reading(self, created=False):
        """Record (or correct) the intake reading of each repair as the unit's usage reading.

        ``created``: the repairs were just created and have no reading yet (no query to look for it).
        """
        to_create = []
        for repair in self:
            reading = repair.usage_reading_ids[:1] if not created else self.env["warranty.usage.reading"]
            value = repair._get_usage_value()
            if not repair.lot_id or not (value or repair.meter_broken or repair.meter_replaced):
                if reading:
                    # sudo: the reading follows the repair, which whoever may edit it changes
                    reading.sudo().unlink()
                continue
            vals = {
                "lot_id": repair.lot_id.id,
                "date": repair._get_usage_date(),
                "value": value,
                "unit": repair.warranty_usage_unit or "km",
                "meter_replaced": repair.meter_replaced,
                "meter_broken": repair.meter_broken,
                "company_id": repair.company_id.id,
            }
            if reading:
                changed = {
                    field: new for field, new in vals.items()
                    if (reading[field].id if field in ("lot_id", "company_id") else reading[field]) != new
                }
                if changed:
                    # sudo: see above; inventory users without a warranty role also create repairs
                    reading.sudo().write(changed)
            else:
                to_create.append({**vals, "repair_id": repair.id})
        if to_create:
            # sudo: see above
            self.env["warranty.usage.reading"].sudo().create(to_create)
