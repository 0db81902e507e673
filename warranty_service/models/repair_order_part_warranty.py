from odoo import api, fields, models
from odoo.tools import format_date


class RepairOrder(models.Model):
    """The parts a repair fits get their parts warranty; a claim under it names the earlier repair.

    A repair without jobs has one coverage: when the unit's own warranty does not cover it but its causal part
    was fitted by an earlier repair and is still under that part's warranty, the parts warranty covers it (the
    manufacturer's, claimed as a parts warranty claim). A repair with jobs decides it per job.
    """

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    part_warranty_id = fields.Many2one(
        "warranty.part.warranty", string="Parts Warranty", compute="_compute_warranty_coverage", store=True,
        readonly=True, copy=False, index="btree_not_null",
        help="The parts warranty of the causal part, fitted by an earlier repair of this unit: it covers this "
        "repair (without jobs) when the unit's own warranty does not.",
    )

    @api.depends("causal_part_id", "job_ids")
    def _compute_warranty_coverage(self):
        # Frozen with the coverage once the order is confirmed (see the parent)
        kept = {
            repair: repair.part_warranty_id for repair in self
            if repair.state not in (False, "draft") and repair.warranty_coverage
        }
        result = super()._compute_warranty_coverage()
        open_repairs = self.filtered(
            lambda repair: repair not in kept and not repair.job_ids and repair.warranty_coverage == "none"
        )
        # sudo: the workshop sees the parts warranty of the unit whoever fitted the part
        found = self.env["warranty.part.warranty"].sudo()._find_for_repairs(open_repairs) if open_repairs else {}
        for repair in self:
            if repair in kept:
                repair.part_warranty_id = kept[repair]
                continue
            warranty = found.get(repair)
            repair.part_warranty_id = warranty.id if warranty else False
            if warranty:
                repair.warranty_coverage = "manufacturer"
                repair.warranty_coverage_reason = warranty._get_coverage_reason()
        return result

    def action_repair_done(self):
        result = super().action_repair_done()
        # sudo: parts warranties follow from the repair done, by whoever completes it
        self.env["warranty.part.warranty"].sudo()._create_for_repairs(self.filtered(lambda r: r.state == "done"))
        return result

    def _prepare_warranty_claim_vals(self):
        vals = super()._prepare_warranty_claim_vals()
        warranty = self.part_warranty_id if not self.job_ids else self.env["warranty.part.warranty"]
        if warranty:
            # The repair's one coverage: every line it claims is claimed under the part's warranty
            vals["parts_warranty_id"] = warranty.id
            for command in vals.get("line_ids") or []:
                if command[0] == fields.Command.CREATE:
                    command[2]["part_warranty_id"] = warranty.id
            notes = self._get_parts_warranty_notes(warranty)
            vals["failure_cause"] = f"{vals.get('failure_cause') or ''}\n\n{notes}".strip()
        return vals

    def _prepare_job_claim_vals(self):
        vals = super()._prepare_job_claim_vals()
        warranties = self._get_claimable_jobs().part_warranty_id
        if warranties:
            vals["parts_warranty_id"] = warranties[:1].id
            notes = self._get_parts_warranty_notes(warranties)
            vals["failure_cause"] = f"{vals.get('failure_cause') or ''}\n\n{notes}".strip()
        return vals

    def _get_parts_warranty_notes(self, warranties):
        """What the claim's failure cause adds for the parts warranties it is made under."""
        return "\n".join(
            # env._: the caller's language is not found from inside a generator
            self.env._(
                "Parts warranty: %(part)s fitted by %(repair)s on %(date)s at %(km)s km (invoice %(invoice)s).",
                part=warranty.product_id.display_name, repair=warranty.repair_id.name,
                date=format_date(self.env, warranty.date_start), km=warranty.odometer_km,
                invoice=warranty.invoice_id.name or self.env._("none"),
            )
            for warranty in warranties
        )
