from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

# Written by action_confirm only
TRANSFER_ACTION_FIELDS = frozenset({"state", "from_partner_id"})


class WarrantyRegistrationTransfer(models.Model):
    """A unit sold on to a new owner: the warranty follows it, at the programme's terms for later owners.

    Confirmed, it moves the registration to the new owner, records the odometer (or hour meter) of the
    handover as a usage reading and, on the first transfer, applies the later-owner limits of the
    components that have them. The transfers stay as the unit's ownership history.
    """

    _name = "warranty.registration.transfer"
    _description = "Warranty Ownership Transfer"
    _order = "registration_id, date, id"
    _check_company_auto = True

    registration_id = fields.Many2one(
        "warranty.registration", string="Registration", required=True, index=True, ondelete="cascade",
        check_company=True, domain="[('is_void', '=', False)]",
    )
    company_id = fields.Many2one(related="registration_id.company_id", store=True, index=True, precompute=True)
    lot_id = fields.Many2one(related="registration_id.lot_id", string="Serial Number")
    usage_unit = fields.Selection(related="registration_id.product_id.warranty_usage_unit", string="Usage Unit")
    date = fields.Date(string="Transfer Date", required=True, default=fields.Date.context_today)
    odometer_km = fields.Integer(string="Odometer (km)")
    hour_meter = fields.Float(string="Hour Meter (h)", digits=(16, 1))
    from_partner_id = fields.Many2one(
        "res.partner", string="Previous Owner", readonly=True, check_company=True,
        help="The owner before the transfer, recorded when it is confirmed.",
    )
    to_partner_id = fields.Many2one("res.partner", string="New Owner", required=True, check_company=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], default="draft", required=True, readonly=True, copy=False,
    )
    note = fields.Text()

    _sql_constraints = [
        ("reading_positive", "CHECK(odometer_km >= 0 AND hour_meter >= 0)",
         "The meter reading of a transfer cannot be negative."),
    ]

    @api.constrains("odometer_km", "hour_meter")
    def _check_reading(self):
        if any(transfer.odometer_km < 0 or transfer.hour_meter < 0 for transfer in self):
            raise ValidationError(_("The meter reading of a transfer cannot be negative."))

    @api.depends("registration_id.name", "to_partner_id.name", "date")
    def _compute_display_name(self):
        for transfer in self:
            transfer.display_name = _(
                "%(registration)s to %(owner)s", registration=transfer.registration_id.name or "",
                owner=transfer.to_partner_id.name or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(TRANSFER_ACTION_FIELDS & vals.keys() for vals in vals_list):
            raise UserError(_("A transfer is confirmed with its button, not by editing it."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if TRANSFER_ACTION_FIELDS & vals.keys():
                raise UserError(_("A transfer is confirmed with its button, not by editing it."))
            if self.filtered(lambda transfer: transfer.state == "done"):
                raise UserError(_("A confirmed ownership transfer is the unit's history: it cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(transfer.state == "done" for transfer in self):
            raise UserError(_("A confirmed ownership transfer is the unit's history: it cannot be deleted."))

    def action_confirm(self):
        """Move each registration to its new owner, at the terms of the programme for later owners."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager transfers a warranty to a new owner."))
        for transfer in self.sorted(lambda t: (t.date, t.id)):
            transfer._check_can_confirm()
            registration = transfer.registration_id
            first = not registration.transfer_ids.filtered(lambda t: t.state == "done")
            previous = registration.partner_id
            transfer._record_reading()
            changed = registration.component_line_ids.filtered(lambda line: line.component_id.later_owner_terms)
            if first:
                for line in changed:
                    component = line.component_id
                    line.write({
                        "months": component.later_owner_months,
                        "limit_km": component.later_owner_limit_km,
                        "limit_hours": component.later_owner_limit_hours,
                    })
            registration.write({"partner_id": transfer.to_partner_id.id})
            # sudo: the action fields are written here only, after the checks above
            transfer.sudo().write({"state": "done", "from_partner_id": previous.id})
            registration.message_post(body=_(
                "Ownership transferred on %(date)s from %(previous)s to %(owner)s.%(terms)s",
                date=format_date(self.env, transfer.date), previous=previous.name or _("(nobody)"),
                owner=transfer.to_partner_id.name,
                terms=_(" Later-owner terms applied to: %(components)s.",
                        components=", ".join(changed.component_id.mapped("display_name")))
                if first and changed else "",
            ))
        return True

    def _check_can_confirm(self):
        self.ensure_one()
        registration = self.registration_id
        if self.state != "draft":
            raise UserError(_("Transfer %(transfer)s is already confirmed.", transfer=self.display_name))
        if registration.is_void:
            raise UserError(_(
                "Registration %(registration)s is void: its warranty cannot be transferred.",
                registration=registration.name,
            ))
        if self.date < registration.date_start:
            raise UserError(_(
                "The transfer of %(registration)s cannot be dated %(date)s, before the unit's delivery on "
                "%(start)s.",
                registration=registration.name, date=format_date(self.env, self.date),
                start=format_date(self.env, registration.date_start),
            ))
        if self.to_partner_id == registration.partner_id:
            raise UserError(_(
                "%(owner)s already owns %(serial)s: choose the new owner.",
                owner=self.to_partner_id.name, serial=registration.lot_id.name,
            ))
        last = registration.transfer_ids.filtered(lambda t: t.state == "done" and t.date > self.date)[:1]
        if last:
            raise UserError(_(
                "%(serial)s was already transferred later, on %(date)s: record the transfers in their order.",
                serial=registration.lot_id.name, date=format_date(self.env, last.date),
            ))

    def _record_reading(self):
        self.ensure_one()
        hours = self.usage_unit == "hours"
        value = self.hour_meter if hours else float(self.odometer_km)
        if value:
            # The handover's reading counts like a repair's: it cannot go backwards
            self.env["warranty.usage.reading"].create({
                "lot_id": self.lot_id.id, "date": self.date, "value": value, "unit": "hours" if hours else "km",
                "company_id": self.company_id.id,
            })
