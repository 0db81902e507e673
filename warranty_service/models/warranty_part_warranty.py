from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import format_date


class WarrantyPartWarranty(models.Model):
    """The warranty of a part fitted in a repair, paid or under warranty (issue 24).

    Given at repair done to each part fitted that has a parts warranty term (its product's
    ``warranty_part_months``): from the repair's date for that many months, and at least until the end of the
    unit's manufacturer's warranty; with a mileage limit when the product sets one. A later failure of that
    part on the same unit is covered by it, and the claim says so.
    """

    _name = "warranty.part.warranty"
    _description = "Parts Warranty"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    repair_id = fields.Many2one(
        "repair.order", string="Fitted By", required=True, index=True, ondelete="restrict", check_company=True,
        readonly=True,
    )
    move_id = fields.Many2one("stock.move", string="Part Move", index="btree_not_null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True, readonly=True)
    product_id = fields.Many2one("product.product", string="Part", required=True, index=True, readonly=True)
    part_lot_id = fields.Many2one("stock.lot", string="Part Serial/Lot", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Unit", required=True, index=True, readonly=True)
    registration_id = fields.Many2one("warranty.registration", string="Registration", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date_start = fields.Date(string="Fitted On", required=True, readonly=True)
    date_end = fields.Date(string="Warranted Until", required=True, readonly=True)
    odometer_km = fields.Integer(string="Odometer at Fitting (km)", readonly=True)
    limit_km = fields.Integer(string="Until (km)", readonly=True, help="0: no mileage limit.")
    invoice_id = fields.Many2one(
        "account.move", string="Invoice", compute="_compute_invoice_id",
        help="The customer's invoice of the repair that fitted the part (none for covered work).",
    )

    @api.depends("product_id", "repair_id.name", "date_end")
    def _compute_display_name(self):
        for warranty in self:
            warranty.display_name = _(
                "%(part)s (%(repair)s, until %(end)s)", part=warranty.product_id.display_name,
                repair=warranty.repair_id.name or "", end=format_date(self.env, warranty.date_end),
            )

    def _compute_invoice_id(self):
        for warranty in self:
            # sudo: the workshop reads which invoice charged the part, not the invoice itself
            invoices = warranty.repair_id.sudo().sale_order_id.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            warranty.invoice_id = invoices[:1]

    @api.model
    def _create_for_repairs(self, repairs):
        """Give each part the done repairs fitted (with a parts warranty term) its parts warranty, in one batch."""
        vals_list = []
        for repair in repairs.filtered("lot_id"):
            start = fields.Date.context_today(repair, repair.date_done) if repair.date_done else (
                fields.Date.context_today(repair)
            )
            registration = repair.warranty_registration_id
            for move in repair.move_ids:
                template = move.product_id.product_tmpl_id
                if not (move.repair_line_type == "add" and move.state == "done" and move.quantity
                        and template.warranty_part_months > 0):
                    continue
                end = start + relativedelta(months=template.warranty_part_months, days=-1)
                if registration and not registration.is_void and registration.date_end:
                    end = max(end, registration.date_end)
                vals_list.append({
                    "repair_id": repair.id,
                    "move_id": move.id,
                    "company_id": repair.company_id.id,
                    "product_id": move.product_id.id,
                    "part_lot_id": move.move_line_ids.lot_id[:1].id,
                    "lot_id": repair.lot_id.id,
                    "registration_id": registration.id,
                    "partner_id": repair.partner_id.id,
                    "date_start": start,
                    "date_end": end,
                    "odometer_km": repair.odometer_km,
                    "limit_km": repair.odometer_km + template.warranty_part_km if template.warranty_part_km else 0,
                })
        return self.create(vals_list)

    @api.model
    def _find_for_jobs(self, jobs):
        """{job: parts warranty} of the jobs whose causal part an earlier repair fitted, still warranted."""
        jobs = jobs.filtered(lambda job: job.causal_part_id and job.lot_id)
        return self._find_for([(job, job.repair_id, job.lot_id, job.causal_part_id, job.company_id) for job in jobs])

    @api.model
    def _find_for_repairs(self, repairs):
        """{repair: parts warranty} of the repairs (without jobs) whose causal part an earlier repair fitted,
        still warranted."""
        repairs = repairs.filtered(lambda repair: repair.causal_part_id and repair.lot_id)
        return self._find_for([
            (repair, repair, repair.lot_id, repair.causal_part_id, repair.company_id) for repair in repairs
        ])

    @api.model
    def _find_for(self, entries):
        """{key: parts warranty} for ``entries`` of (key, repair, unit, failed part, company), in one search."""
        if not entries:
            return {}
        lots = self.env["stock.lot"].union(*(entry[2]._origin for entry in entries))
        parts = self.env["product.product"].union(*(entry[3]._origin for entry in entries))
        companies = self.env["res.company"].union(*(entry[4]._origin for entry in entries))
        warranties = self.search_fetch(
            [("lot_id", "in", lots.ids), ("product_id", "in", parts.ids), ("company_id", "in", companies.ids),
             ("repair_id.state", "=", "done")],
            ["lot_id", "product_id", "company_id", "repair_id", "date_start", "date_end", "limit_km"],
            order="date_start desc, id desc",
        )
        result = {}
        for key, repair, lot, part, company in entries:
            day = repair._get_usage_date()
            match = warranties.filtered(
                lambda w, repair=repair, lot=lot, part=part, company=company, day=day: w.lot_id == lot._origin
                and w.product_id == part._origin and w.company_id == company._origin
                and w.repair_id != repair._origin and w.date_start <= day <= w.date_end
                and not (w.limit_km and repair.odometer_km > w.limit_km)
            )[:1]
            if match:
                result[key] = match
        return result

    def _get_coverage_reason(self):
        self.ensure_one()
        reason = _(
            "Parts warranty: %(part)s fitted by %(repair)s on %(date)s at %(km)s km, until %(end)s",
            part=self.product_id.display_name, repair=self.repair_id.name, date=format_date(self.env, self.date_start),
            km=self.odometer_km, end=format_date(self.env, self.date_end),
        )
        if self.limit_km:
            reason = _("%(reason)s or %(limit)s km", reason=reason, limit=self.limit_km)
        return reason + "."
