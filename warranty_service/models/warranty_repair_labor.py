from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class WarrantyRepairLabor(models.Model):
    _name = "warranty.repair.labor"
    _description = "Repair Labour Line"
    _order = "repair_id, sequence, id"
    _check_company_auto = True

    repair_id = fields.Many2one("repair.order", string="Repair Order", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    operation_id = fields.Many2one(
        "warranty.labor.operation", string="Operation", required=True, check_company=True,
        help="The standard job from the manufacturer's catalogue.",
    )
    product_id = fields.Many2one(related="operation_id.product_id", string="Labour Product", store=True)
    hours = fields.Float(
        digits=(16, 2), compute="_compute_hours", store=True, readonly=False, precompute=True,
        help="Time spent; defaults to the operation's standard time.",
    )
    standard_hours = fields.Float(related="operation_id.standard_hours", string="Standard Time (h)")
    user_id = fields.Many2one(
        "res.users", string="Technician", default=lambda self: self.env.user, domain="[('share', '=', False)]",
    )
    note = fields.Char()
    recall_id = fields.Many2one(
        "warranty.recall", string="Recall Campaign", readonly=True, index="btree_not_null",
        help="The campaign whose work this is: the manufacturer pays it at the campaign's terms.",
    )
    company_id = fields.Many2one(related="repair_id.company_id", store=True, index=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sale Order Line", readonly=True, copy=False, index="btree_not_null"
    )
    job_id = fields.Many2one(
        "warranty.repair.job", string="Job", index="btree_not_null", check_company=True, copy=False,
        domain="[('repair_id', '=', repair_id)]",
        help="The job of the repair this labour belongs to: its pay type decides who pays it.",
    )
    pay_type = fields.Selection(related="job_id.pay_type", store=True, string="Pay Type", precompute=True)

    _sql_constraints = [
        ("hours_positive", "CHECK(hours >= 0)", "Labour hours cannot be negative."),
    ]

    @api.depends("operation_id")
    def _compute_hours(self):
        for line in self:
            line.hours = line.operation_id.standard_hours

    @api.constrains("hours")
    def _check_hours(self):
        for line in self:
            if line.hours < 0:
                raise ValidationError(_(
                    "Labour hours cannot be negative (%(operation)s: %(hours)s h).",
                    operation=line.operation_id.display_name, hours=line.hours,
                ))

    @api.constrains("job_id", "repair_id")
    def _check_job_repair(self):
        for line in self.filtered("job_id"):
            if line.job_id.repair_id != line.repair_id:
                raise ValidationError(_(
                    "Labour %(operation)s belongs to repair %(repair)s: it cannot be put on a job of another repair.",
                    operation=line.operation_id.display_name, repair=line.repair_id.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Created from a job's Labour list: the job tells the repair
            if vals.get("job_id") and not vals.get("repair_id"):
                vals["repair_id"] = self.env["warranty.repair.job"].browse(vals["job_id"]).repair_id.id
        lines = super().create(vals_list)
        lines.repair_id._check_repair_editable()
        lines._create_sale_order_lines()
        return lines

    def write(self, vals):
        if vals.keys() - {"sale_line_id"}:
            # Linking the labour to the customer's quotation changes no work: core quotes done repairs too
            self.repair_id._check_repair_editable()
        if "repair_id" in vals:
            # The labour is its repair's work, quoted on its repair's sale order: moved onto another repair (a done
            # one least of all), it would be claimed and paid there
            moved = self.filtered(lambda line: line.repair_id.id != (vals["repair_id"] or False))
            if moved:
                raise UserError(_(
                    "Labour %(operation)s belongs to repair %(repair)s: it cannot be moved to another repair. Remove "
                    "it and add it to the other repair instead.",
                    operation=moved[0].operation_id.display_name, repair=moved[0].repair_id.name,
                ))
        if vals.get("job_id"):
            # Put on another job: that job's repair must be open too (the job must be one of this repair, see
            # _check_job_repair)
            self.env["warranty.repair.job"].browse(vals["job_id"]).repair_id._check_repair_editable()
        result = super().write(vals)
        if "hours" in vals or "operation_id" in vals:
            self._update_sale_order_lines()
        elif "job_id" in vals:
            self._update_sale_order_line_prices()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_repair(self):
        self.repair_id._check_repair_editable()

    def unlink(self):
        # The customer's quotation must not keep labour that was removed from the repair
        self.sale_line_id.filtered(lambda line: line.order_id.state in ("draft", "sent")).unlink()
        self.sale_line_id.filtered(lambda line: line.exists()).write({"product_uom_qty": 0.0})
        return super().unlink()

    def _prepare_sale_order_line_vals(self):
        """Values of the customer's sale order line for this labour; a hook for other modules."""
        self.ensure_one()
        vals = {
            "order_id": self.repair_id.sale_order_id.id,
            "product_id": self.product_id.id,
            "name": _(
                "%(operation)s (%(repair)s)", operation=self.operation_id.display_name, repair=self.repair_id.name
            ),
            "product_uom_qty": self.hours,
        }
        if self.repair_id.under_warranty and not self.job_id:
            # Covered work is charged to the manufacturer, never to the customer (a job's pay type decides its
            # lines' prices: repriced once created)
            vals["price_unit"] = 0.0
        return vals

    def _create_sale_order_lines(self):
        lines = self.filtered(lambda line: line.repair_id.sale_order_id and not line.sale_line_id)
        if not lines:
            return
        if any(line.repair_id.sale_order_id.state not in ("draft", "sent") for line in lines):
            raise UserError(_(
                "The quotation of this repair is already confirmed: add the labour to it by hand or cancel it first."
            ))
        sale_lines = self.env["sale.order.line"].create([line._prepare_sale_order_line_vals() for line in lines])
        for line, sale_line in zip(lines, sale_lines, strict=True):
            line.sale_line_id = sale_line
        with_job = lines.filtered("job_id")
        if with_job:
            with_job.repair_id._update_job_sale_prices(labors=with_job)

    def _update_sale_order_lines(self):
        for line in self.filtered("sale_line_id"):
            line.sale_line_id.write({"product_uom_qty": line.hours})
        self._update_sale_order_line_prices()

    def _update_sale_order_line_prices(self):
        with_job = self.filtered(lambda line: line.sale_line_id and line.job_id)
        covered = self.filtered(lambda line: line.sale_line_id and not line.job_id and line.repair_id.under_warranty)
        covered.sale_line_id.write({"price_unit": 0.0, "technical_price_unit": 0.0})
        paid = self.filtered(lambda line: line.sale_line_id and not line.job_id and not line.repair_id.under_warranty)
        paid.sale_line_id._compute_price_unit()
        if with_job:
            with_job.repair_id._update_job_sale_prices(labors=with_job)
