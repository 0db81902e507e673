from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

# What the "never backwards" check reads: a change of these is checked under the unit's lock
CHECKED_FIELDS = {"value", "date", "lot_id", "unit", "meter_replaced"}

USAGE_UNIT_SELECTION = [("km", "Kilometres"), ("hours", "Engine Hours")]


class WarrantyUsageReading(models.Model):
    """An odometer or hour meter reading of a unit, with its date: what the usage limits are checked against.

    Readings only go up. A meter replaced (a new cluster, a new hour meter) starts again from its own
    reading: the reading that records the replacement may be lower, and the ones after it are compared
    with it only.
    """

    _name = "warranty.usage.reading"
    _description = "Usage Reading"
    _order = "lot_id, date desc, id desc"
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", required=True, index=True, ondelete="cascade", check_company=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", string="Product")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    value = fields.Float(string="Reading", required=True, digits=(16, 1))
    unit = fields.Selection(
        USAGE_UNIT_SELECTION, required=True, compute="_compute_unit", store=True, readonly=False, precompute=True,
    )
    meter_replaced = fields.Boolean(
        help="The meter was replaced: this reading is the new meter's and may be lower than the old one's.",
    )
    meter_broken = fields.Boolean(
        help="The meter does not work: the usage is estimated from the programme's hours per day.",
    )
    repair_id = fields.Many2one(
        "repair.order", string="Repair Order", index="btree_not_null", ondelete="cascade", check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )

    _sql_constraints = [
        ("value_positive", "CHECK(value >= 0)", "A meter reading cannot be negative."),
    ]

    @api.depends("lot_id")
    def _compute_unit(self):
        for reading in self:
            reading.unit = reading.lot_id.product_id.warranty_usage_unit or reading.unit or "km"

    @api.constrains("value", "date", "lot_id", "unit", "meter_replaced")
    def _check_readings_go_up(self):
        if any(reading.value < 0 for reading in self):
            raise ValidationError(_("A meter reading cannot be negative."))
        # One search for the batch. sudo: other users' and other companies' readings of the unit count too
        readings = self.sudo().search_fetch(
            [("lot_id", "in", self.lot_id.ids)], ["lot_id", "date", "value", "unit", "meter_replaced"],
            order="date, id",
        )
        for reading in self:
            last = None
            for other in readings.filtered(lambda r, reading=reading: r.lot_id == reading.lot_id._origin
                                           and r.unit == reading.unit):
                if other.meter_replaced:
                    last = None
                if last is not None and other.value < last.value and reading in (other, last):
                    raise ValidationError(self._backwards_message(reading, other, last))
                last = other if last is None or other.value >= last.value else last

    def _backwards_message(self, reading, lower, higher):
        unit = _("km") if reading.unit == "km" else _("h")
        if reading == lower:
            return _(
                "The meter of %(serial)s cannot read %(value)s %(unit)s on %(date)s: %(last)s %(unit)s was already "
                "recorded on %(last_date)s. Check the reading, or tick Meter Replaced if the meter was changed.",
                serial=reading.lot_id.name, value=reading.value, unit=unit, date=format_date(self.env, reading.date),
                last=higher.value, last_date=format_date(self.env, higher.date),
            )
        return _(
            "The meter of %(serial)s cannot read %(value)s %(unit)s on %(date)s: %(next)s %(unit)s was recorded "
            "later, on %(next_date)s. Check the reading, or tick Meter Replaced if the meter was changed.",
            serial=reading.lot_id.name, value=reading.value, unit=unit, date=format_date(self.env, reading.date),
            next=lower.value, next_date=format_date(self.env, lower.date),
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._lock_units({vals["lot_id"] for vals in vals_list if vals.get("lot_id")})
        readings = super().create(vals_list)
        readings._mark_replaced_meters()
        return readings

    def write(self, vals):
        if CHECKED_FIELDS & vals.keys():
            self._lock_units(set(self.lot_id.ids) | ({vals["lot_id"]} if vals.get("lot_id") else set()))
        result = super().write(vals)
        if vals.get("meter_replaced"):
            self._mark_replaced_meters()
        return result

    @api.model
    def _lock_units(self, lot_ids):
        """Take the units' rows until the transaction ends, before their readings are checked.

        Two readings of one unit recorded at once (one lower, dated later): each alone goes up, both together
        go backwards, and neither transaction sees the other's reading. The second waits here until the first
        commits; the first rewrote the unit's row (the write below changes no value but is a new version of
        the row), so the database then refuses the second and the RPC layer retries it from the start: it
        sees the first reading and is refused in words by the check. In the order of the ids, so that two
        batches of the same units never deadlock.
        """
        if lot_ids:
            self.env.cr.execute(SQL(
                "UPDATE stock_lot SET write_date = write_date WHERE id IN ("
                "SELECT id FROM stock_lot WHERE id IN %s ORDER BY id FOR NO KEY UPDATE)",
                tuple(lot_ids),
            ))
        return True

    def _mark_replaced_meters(self):
        replaced = self.filtered("meter_replaced").lot_id.filtered(lambda lot: not lot.warranty_meter_replaced)
        if replaced:
            # sudo: the flag tells the repairs' odometer check to let the readings decide; any reader may set it
            replaced.sudo().warranty_meter_replaced = True
