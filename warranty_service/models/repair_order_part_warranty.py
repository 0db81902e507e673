from odoo import models
from odoo.tools import format_date


class RepairOrder(models.Model):
    """The parts a repair fits get their parts warranty; a claim under it names the earlier repair."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    def action_repair_done(self):
        result = super().action_repair_done()
        # sudo: parts warranties follow from the repair done, by whoever completes it
        self.env["warranty.part.warranty"].sudo()._create_for_repairs(self.filtered(lambda r: r.state == "done"))
        return result

    def _prepare_job_claim_vals(self):
        vals = super()._prepare_job_claim_vals()
        warranties = self._get_claimable_jobs().part_warranty_id
        if warranties:
            vals["parts_warranty_id"] = warranties[:1].id
            notes = "\n".join(
                # env._: the caller's language is not found from inside a generator
                self.env._(
                    "Parts warranty: %(part)s fitted by %(repair)s on %(date)s at %(km)s km (invoice %(invoice)s).",
                    part=warranty.product_id.display_name, repair=warranty.repair_id.name,
                    date=format_date(self.env, warranty.date_start), km=warranty.odometer_km,
                    invoice=warranty.invoice_id.name or self.env._("none"),
                )
                for warranty in warranties
            )
            vals["failure_cause"] = f"{vals.get('failure_cause') or ''}\n\n{notes}".strip()
        return vals
