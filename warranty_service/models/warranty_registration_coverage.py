import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class WarrantyRegistration(models.Model):
    """The coverage components of a registration (issue 24).

    A registration of a product without components keeps its single term (warranty_months /
    warranty_mileage_km) and answers exactly as before. Components add what a programme gives beyond it
    (emissions 8 years, powertrain 5 years...), each with its own limits.
    """

    _inherit = "warranty.registration"

    component_line_ids = fields.One2many(
        "warranty.registration.component", "registration_id", string="Coverage Components",
        help="The components of the manufacturer's programme this unit got at delivery, with their limits.",
    )
    transfer_ids = fields.One2many(
        "warranty.registration.transfer", "registration_id", string="Ownership Transfers",
        help="The unit's later owners: the warranty followed it at the programme's terms for them.",
    )
    extension_ids = fields.One2many(
        "warranty.registration.extension", "registration_id", string="Extensions Sold",
        help="Extended warranties sold later for this unit, on their own sale orders.",
    )
    # The components as the coverage check reads them, in the registration's own row: the check by serial
    # answers in one query with components too (no read of the lines)
    component_data = fields.Json(
        string="Components Summary", compute="_compute_component_data", store=True, precompute=True,
        readonly=True, copy=False,
    )

    # The unit is covered while its term or any of its components runs: an 8-year emissions component keeps
    # the unit "Active" after the basic term (the status and its search read this date)
    date_expiry = fields.Date(
        help="Last day of any coverage: the latest of the manufacturer's end, the extended warranty end and the "
        "ends of the coverage components (a component without a time limit does not move it).",
    )

    @api.depends("date_end", "date_end_extended", "component_line_ids.date_end")
    def _compute_date_expiry(self):
        for registration in self:
            registration.date_expiry = max(
                filter(None, [
                    registration.date_end, registration.date_end_extended,
                    *registration.component_line_ids.mapped("date_end"),
                ]),
                default=False,
            )

    @api.depends(
        "component_line_ids.date_start", "component_line_ids.date_end", "component_line_ids.limit_km",
        "component_line_ids.limit_hours", "component_line_ids.broken_meter_hours_per_day",
        "component_line_ids.component_id.code",
        "component_line_ids.component_id.kind",
    )
    def _compute_component_data(self):
        for registration in self:
            registration.component_data = [
                {
                    "component_id": line.component_id.id,
                    "code": line.component_id.code,
                    "kind": line.component_id.kind,
                    "date_start": fields.Date.to_string(line.date_start),
                    "date_end": fields.Date.to_string(line.date_end) if line.date_end else False,
                    "limit_km": line.limit_km,
                    "limit_hours": line.limit_hours,
                    "hours_per_day": line.broken_meter_hours_per_day,
                }
                for line in registration.component_line_ids.sorted(lambda line: (line.sequence, line.id))
            ] or False

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        # Registrations given their lines (an import) keep them; the others get their programme's.
        # create() returns the records in the order of vals_list
        self.browse([
            registration.id for registration, vals in zip(registrations, vals_list, strict=True)
            if not vals.get("component_line_ids") and not vals.get("is_void")
        ])._create_component_lines()
        return registrations

    def _create_component_lines(self):
        """Give each registration the components of its product's programme, frozen as they are today."""
        if not self:
            return self.env["warranty.registration.component"]
        Component = self.env["warranty.coverage.component"]
        vals_list = []
        for company in self.company_id:
            registrations = self.filtered(lambda r, company=company: r.company_id == company)
            # sudo: a delivery registers units for users who cannot read the programme's configuration
            by_product = Component.sudo()._find_for_products(registrations.product_id, company)
            for registration in registrations:
                for component in by_product.get(registration.product_id, Component):
                    vals_list.append({
                        "registration_id": registration.id,
                        "component_id": component.id,
                        "months": component.months,
                        "limit_km": component.limit_km,
                        "limit_hours": component.limit_hours,
                        "broken_meter_hours_per_day": component.broken_meter_hours_per_day,
                    })
        # sudo: as the registration itself, created for whoever validates the delivery
        return self.env["warranty.registration.component"].sudo().create(vals_list)

    # Coverage

    @api.readonly
    def check_coverage(self, date=None, mileage_km=None, hours=None):
        """As before; with components, also ``components``: each component's verdict at this date and usage.

        ``components`` is a list of ``{"code", "kind", "covered": bool, "date_end": "YYYY-MM-DD" | False,
        "limit_km", "limit_hours", "reason"}``, present only when the registration has components, so the
        answer of a registration without components is unchanged. ``hours``: the hour meter reading.
        """
        usage_hours = self._parse_usage_hours(hours)
        result = super().check_coverage(date=date, mileage_km=mileage_km, hours=hours)
        if self.component_data:
            day, mileage = self._parse_coverage_question(date, mileage_km)
            result["components"] = self._get_component_verdicts(day, mileage, usage_hours)
        return result

    @api.model
    @api.readonly
    def check_coverage_by_serial(self, serial, date=None, mileage_km=None, hours=None):
        # Refused before the lookup, as the date and the odometer: the same answer for every serial
        self._parse_usage_hours(hours)
        return super().check_coverage_by_serial(serial, date=date, mileage_km=mileage_km, hours=hours)

    @api.model
    def _parse_usage_hours(self, hours):
        """An hour meter reading as integrations send it, or a UserError in the user's words."""
        if hours in (None, False, ""):
            return 0.0
        value = None
        if not isinstance(hours, bool) and isinstance(hours, int | float | str):
            try:
                value = float(hours.strip() if isinstance(hours, str) else hours)
            except ValueError:
                value = None
        if value is None or not math.isfinite(value):
            raise UserError(_(
                "The hour meter reading %(hours)s is not a number of hours: give it as a number, e.g. 1250.",
                hours=repr(hours),
            ))
        if value < 0:
            raise UserError(_("The hour meter reading cannot be negative."))
        return value

    def _get_component_verdicts(self, day, mileage, hours, meter_broken=False):
        """The verdict of each component of the registration (from its summary: no query).

        ``meter_broken``: the hour meter does not work; a component with hours per day estimates them.
        """
        self.ensure_one()
        kinds = dict(self.env["warranty.coverage.component"]._fields["kind"]._description_selection(self.env))
        verdicts = []
        for data in self.component_data or []:
            label = _("%(kind)s (%(code)s)", kind=kinds.get(data["kind"], data["kind"]), code=data["code"])
            covered, reason = self._component_verdict(data, label, day, mileage, hours, meter_broken=meter_broken)
            verdicts.append({
                "code": data["code"], "kind": data["kind"], "covered": covered, "date_end": data["date_end"],
                "limit_km": data["limit_km"], "limit_hours": data["limit_hours"], "reason": reason,
            })
        return verdicts

    def _component_verdict(self, data, label, day, mileage, hours, meter_broken=False):
        """(covered, reason) of one component's summary at ``day``, ``mileage`` km and ``hours``."""
        start = fields.Date.to_date(data["date_start"])
        per_day = data.get("hours_per_day") or 0.0
        if meter_broken and per_day and day >= start:
            # The programme's rule for a broken hour meter: so many hours per calendar day since delivery
            hours = per_day * ((day - start).days + 1)
        end = fields.Date.to_date(data["date_end"]) if data["date_end"] else False
        if self.is_void:
            return False, _("%(component)s: registration %(name)s is void.", component=label, name=self.name)
        if day < start:
            return False, _(
                "%(component)s: the date %(date)s is before it started on %(start)s.",
                component=label, date=format_date(self.env, day), start=format_date(self.env, start),
            )
        if end and day > end:
            return False, _("%(component)s ended on %(end)s.", component=label, end=format_date(self.env, end))
        if data["limit_km"] and mileage > data["limit_km"]:
            return False, _(
                "%(component)s: the unit has run %(mileage)s km, over its limit of %(limit)s km.",
                component=label, mileage=int(mileage), limit=data["limit_km"],
            )
        if data["limit_hours"] and hours > data["limit_hours"] and meter_broken and per_day:
            return False, _(
                "%(component)s: the hour meter is broken and %(per_day)s hours a day since %(start)s make "
                "%(hours)s engine hours, over its limit of %(limit)s hours.",
                component=label, per_day=per_day, start=format_date(self.env, start), hours=round(hours, 1),
                limit=data["limit_hours"],
            )
        if data["limit_hours"] and hours > data["limit_hours"]:
            return False, _(
                "%(component)s: the unit has run %(hours)s engine hours, over its limit of %(limit)s hours.",
                component=label, hours=round(hours, 1), limit=data["limit_hours"],
            )
        return True, _("%(component)s %(terms)s.", component=label, terms=self._component_terms_text(data))

    def _component_terms_text(self, data):
        """"until 12/31/2032 or 80000 km, whichever comes first", in the user's language."""
        terms = []
        if data["date_end"]:
            terms.append(_("until %(end)s", end=format_date(self.env, fields.Date.to_date(data["date_end"]))))
        if data["limit_km"]:
            terms.append(_("%(limit)s km", limit=data["limit_km"]))
        if data["limit_hours"]:
            terms.append(_("%(limit)s engine hours", limit=data["limit_hours"]))
        text = _(" or ").join(terms)
        if len(terms) > 1:
            text = _("%(terms)s, whichever comes first", terms=text)
        return text
