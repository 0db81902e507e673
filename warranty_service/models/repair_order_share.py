from odoo import _, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    """The customer's share of covered jobs (deductible, pro-rata) on the customer's quotation (issue 24)."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    def _update_job_sale_prices(self, moves=None, labors=None):
        result = super()._update_job_sale_prices(moves=moves, labors=labors)
        self._sync_customer_share_lines()
        return result

    def _sync_customer_share_lines(self):
        """One line per job the customer pays a share of, on the repair's quotation while it is a draft."""
        SaleLine = self.env["sale.order.line"]
        jobs = self.filtered(
            lambda repair: repair.sale_order_id.state in ("draft", "sent")
        ).job_ids.filtered(lambda job: job.customer_share_amount or job.share_sale_line_id)
        if not jobs:
            return
        product = self.env.ref("warranty_service.product_customer_share", raise_if_not_found=False)
        if not product:
            raise UserError(_(
                "The product of the customers' shares of covered jobs (Warranty: Customer's Share) was deleted: "
                "upgrade the Warranty Service module to restore it."
            ))
        create_vals, to_create, stale = [], [], SaleLine
        for job in jobs:
            line = job.share_sale_line_id
            if line and (line.qty_invoiced or line.order_id != job.repair_id.sale_order_id):
                continue
            if not job.customer_share_amount:
                stale |= line
                continue
            vals = {"name": job._get_customer_share_label(), "price_unit": job.customer_share_amount,
                    "product_uom_qty": 1.0, "technical_price_unit": job.customer_share_amount}
            if line:
                line.write(vals)
            else:
                create_vals.append({**vals, "order_id": job.repair_id.sale_order_id.id, "product_id": product.id})
                to_create.append(job)
        if create_vals:
            lines = SaleLine.create(create_vals)
            for job, line in zip(to_create, lines, strict=True):
                # sudo: the link is technical, written where the job's pay type decides the customer's price
                job.sudo().share_sale_line_id = line
        if stale:
            stale.unlink()
