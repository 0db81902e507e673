from odoo import api, fields, models


class WarrantyRepairJob(models.Model):
    """A job whose causal part an earlier repair fitted, still under its parts warranty (issue 24)."""

    _inherit = "warranty.repair.job"  # pylint: disable=consider-merging-classes-inherited

    part_warranty_id = fields.Many2one(
        "warranty.part.warranty", string="Parts Warranty", index="btree_not_null", readonly=True, copy=False,
        compute="_compute_coverage_component", store=True, precompute=True,
        help="The parts warranty of the causal part, fitted by an earlier repair of this unit: it covers the job "
        "when neither the unit's warranty nor a component does.",
    )

    @api.depends(
        "repair_id.warranty_registration_id", "repair_id.warranty_coverage_reason", "repair_id.schedule_date",
        "repair_id.odometer_km", "repair_id.hour_meter", "repair_id.meter_broken", "defect_code_ids",
        "causal_part_id",
    )
    def _compute_coverage_component(self):
        frozen = self.filtered(lambda job: job.repair_id.state in ("done", "cancel") and job.coverage_reason)
        kept = {job: job.part_warranty_id for job in frozen}
        result = super()._compute_coverage_component()
        open_jobs = (self - frozen).filtered(
            lambda job: not job.coverage_component_id
            and job.repair_id.warranty_coverage not in ("manufacturer", "extension")
        )
        # sudo: the workshop sees the parts warranty of the unit whoever fitted the part
        found = self.env["warranty.part.warranty"].sudo()._find_for_jobs(open_jobs) if open_jobs else {}
        for job in self:
            if job in kept:
                job.part_warranty_id = kept[job]
                continue
            warranty = found.get(job)
            job.part_warranty_id = warranty.id if warranty else False
            if warranty:
                job.coverage_reason = warranty._get_coverage_reason()
        return result

    def _is_covered_by_programme(self):
        return super()._is_covered_by_programme() or bool(self.part_warranty_id)

    def _prepare_claim_line_values(self, manufacturer, done_only=False, share=True):
        lines = super()._prepare_claim_line_values(manufacturer, done_only=done_only, share=share)
        if self.part_warranty_id:
            for vals in lines:
                vals["part_warranty_id"] = self.part_warranty_id.id
        return lines
