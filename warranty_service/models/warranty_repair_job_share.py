from odoo import _, api, fields, models
from odoo.tools import float_round, format_amount


class WarrantyRepairJob(models.Model):
    """The customer's share of a job a coverage component covers: its deductible and pro-rata (issue 24).

    The job's value is what the manufacturer's claim lines of it come to; the customer pays
    ``min(value, round(value x pro-rata %) + deductible)``, rounded once in the company's currency, and the
    claim carries the rest: customer + manufacturer = the job's value, to the cent.
    """

    _inherit = "warranty.repair.job"  # pylint: disable=consider-merging-classes-inherited

    customer_share_percent = fields.Float(
        string="Customer Pro-rata (%)", digits=(16, 2), compute="_compute_customer_share", store=True,
        help="The pro-rata percentage of the job the customer pays, from its component's terms on the unit's "
        "registration at the repair's date.",
    )
    customer_deductible_amount = fields.Monetary(
        string="Customer Deductible", compute="_compute_customer_share", store=True,
        help="The component's deductible per visit, as the unit's registration holds it, charged on the "
        "repair's first job it covers.",
    )
    customer_share_amount = fields.Monetary(
        string="Customer's Share", compute="_compute_customer_share", store=True,
        help="What the customer pays of this covered job (deductible + pro-rata share); the claim carries the "
        "rest.",
    )
    share_sale_line_id = fields.Many2one(
        "sale.order.line", string="Customer's Share Line", readonly=True, copy=False, index="btree_not_null",
        help="The line of the customer's quotation that charges the customer's share of this job.",
    )

    @api.depends(
        "pay_type", "coverage_component_id", "repair_id.schedule_date", "repair_id.warranty_registration_id",
        "repair_id.job_ids.pay_type", "repair_id.job_ids.coverage_component_id", "repair_id.job_ids.sequence",
        "move_ids.product_uom_qty", "move_ids.state", "labor_line_ids.hours", "sublet_line_ids.cost",
    )
    def _compute_customer_share(self):
        for job in self:
            percent, deductible = job._get_customer_share_terms()
            job.customer_share_percent = percent
            job.customer_deductible_amount = deductible
            if not (percent or deductible):
                job.customer_share_amount = 0.0
                continue
            total = job._get_claim_value(job._prepare_claim_line_values(job._get_manufacturer(), share=False))
            job.customer_share_amount = job._get_customer_share_of(total)

    @api.depends(
        "pay_type", "goodwill_manufacturer_percent", "move_ids.product_uom_qty", "labor_line_ids.hours",
        "sublet_line_ids.cost", "customer_share_amount",
    )
    def _compute_estimated_claim_amount(self):
        result = super()._compute_estimated_claim_amount()
        for job in self.filtered("customer_share_amount"):
            job.estimated_claim_amount -= job.customer_share_amount
        return result

    def _get_customer_share_terms(self):
        """(pro-rata %, deductible) the customer pays of this job: only a warranty job a component covers, at
        the terms the unit's registration froze for that component."""
        self.ensure_one()
        component = self.coverage_component_id
        if self.pay_type != "warranty" or not component:
            return 0.0, 0.0
        repair = self.repair_id
        # sudo: the workshop sees the share without reading the programme's set-up
        lines = {line.component_id.id: line for line in repair.warranty_registration_id.sudo().component_line_ids}
        line = lines.get(component.id)
        if not line:
            return 0.0, 0.0
        percent = line._get_prorata_percent(repair._get_usage_date())
        deductible = 0.0
        if line.deductible_amount:
            # Per visit: the first job of the repair a deductible applies to pays it
            first = repair.job_ids.filtered(
                lambda job: job.pay_type == "warranty" and job.coverage_component_id.id in lines
                and lines[job.coverage_component_id.id].deductible_amount
            ).sorted(lambda job: (job.sequence, job._origin.id or 0))[:1]
            if first == self or (first and first._origin == self._origin):
                deductible = line.deductible_amount
        return percent, deductible

    def _get_claim_value(self, lines):
        """What claim lines (plain dicts) come to, each rounded as the claim line rounds it."""
        currency = self.company_id.currency_id
        return sum(currency.round(vals["quantity"] * currency.round(vals["price_unit"])) for vals in lines)

    def _get_customer_share_of(self, total):
        """The customer's share of a job worth ``total``: rounded once, never more than the job."""
        self.ensure_one()
        currency = self.company_id.currency_id
        share = currency.round(total * self.customer_share_percent / 100.0) + self.customer_deductible_amount
        return min(currency.round(total), currency.round(share))

    def _prepare_claim_line_values(self, manufacturer, done_only=False, share=True):
        """As before; lines of a job the customer pays a share of also carry ``customer_share_amount``, that
        share spread over them to the cent (``share=False``: without it, to value the job)."""
        lines = super()._prepare_claim_line_values(manufacturer, done_only=done_only)
        if not share or not lines or not (self.customer_share_percent or self.customer_deductible_amount):
            return lines
        currency = self.company_id.currency_id
        gross = [currency.round(vals["quantity"] * currency.round(vals["price_unit"])) for vals in lines]
        total = sum(gross)
        customer = self._get_customer_share_of(total)
        if not total or currency.is_zero(customer):
            return lines
        # Spread in proportion to the lines' amounts; the last takes what rounding left, capped by each line
        remaining = customer
        shares = []
        for index, amount in enumerate(gross):
            part = remaining if index == len(gross) - 1 else currency.round(customer * amount / total)
            part = min(amount, part, remaining)
            shares.append(part)
            remaining = currency.round(remaining - part)
        for index, amount in enumerate(gross):
            if currency.is_zero(remaining):
                break
            room = min(currency.round(amount - shares[index]), remaining)
            shares[index] = currency.round(shares[index] + room)
            remaining = currency.round(remaining - room)
        for vals, part in zip(lines, shares, strict=True):
            vals["customer_share_amount"] = float_round(part, precision_rounding=currency.rounding)
        return lines

    def _get_customer_share_label(self):
        """What the customer's share line says: the job, its component and the terms it applies."""
        self.ensure_one()
        terms = []
        if self.customer_deductible_amount:
            terms.append(_(
                "deductible %(amount)s",
                amount=format_amount(self.env, self.customer_deductible_amount, self.company_id.currency_id),
            ))
        if self.customer_share_percent:
            terms.append(_("pro-rata %(percent)s %%", percent=round(self.customer_share_percent, 2)))
        return _(
            "Customer's share of %(job)s (%(component)s: %(terms)s)",
            job=self.display_name, component=self.coverage_component_id.sudo().display_name,
            terms=", ".join(terms),
        )
