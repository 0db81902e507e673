from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class WarrantyRepairSublet(models.Model):
    _name = "warranty.repair.sublet"
    _description = "Repair Job Sublet Line"
    _order = "job_id, id"
    _check_company_auto = True

    job_id = fields.Many2one(
        "warranty.repair.job", string="Job", required=True, index=True, ondelete="cascade", check_company=True,
    )
    repair_id = fields.Many2one(related="job_id.repair_id", store=True, index=True, string="Repair Order")
    company_id = fields.Many2one(related="job_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    name = fields.Char(string="Work", required=True, help="The external work: towing, glass, machining...")
    partner_id = fields.Many2one("res.partner", string="Vendor", required=True, check_company=True)
    vendor_bill_id = fields.Many2one(
        "account.move", string="Vendor Bill", check_company=True, index="btree_not_null",
        domain="[('move_type', 'in', ('in_invoice', 'in_receipt')), ('partner_id', 'child_of', partner_id)]",
    )
    vendor_bill_ref = fields.Char(string="Vendor Bill Reference", help="The vendor's bill number.")
    cost = fields.Monetary(required=True, help="What the vendor charged the dealer, untaxed.")

    _sql_constraints = [
        ("cost_positive", "CHECK(cost >= 0)", "A sublet cost cannot be negative."),
    ]

    @api.constrains("cost")
    def _check_cost(self):
        for line in self:
            if line.cost < 0:
                raise ValidationError(_("The cost of sublet %(work)s cannot be negative.", work=line.name))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.job_id.repair_id._check_repair_editable()
        return lines

    def write(self, vals):
        self.job_id.repair_id._check_repair_editable()
        if vals.get("job_id") or vals.get("repair_id"):
            # A sublet moves between the jobs of its own repair only: onto another repair (a done one least of
            # all) it would be claimed there. Its repair follows its job: written, it would move the whole job.
            target = (
                self.env["warranty.repair.job"].browse(vals["job_id"]).repair_id if vals.get("job_id")
                else self.env["repair.order"].browse(vals["repair_id"])
            )
            target._check_repair_editable()
            moved = self.filtered(lambda line: line.job_id.repair_id != target)
            if moved:
                raise UserError(_(
                    "Sublet %(work)s belongs to repair %(repair)s: it cannot be moved to another repair. Remove it "
                    "and add it to a job of the other repair instead.",
                    work=moved[0].name, repair=moved[0].job_id.repair_id.name,
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_repair(self):
        self.job_id.repair_id._check_repair_editable()
