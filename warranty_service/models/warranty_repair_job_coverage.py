from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WarrantyRepairJob(models.Model):
    """Which coverage component of the unit's programme covers a job, or none, and why (issue 24).

    Decided from the registration's components, the job's defect codes and causal part, the repair's date
    and its intake reading (km, engine hours, or the broken-meter estimate). A unit without components
    keeps the repair's own verdict. Frozen once the repair is closed.
    """

    _inherit = "warranty.repair.job"  # pylint: disable=consider-merging-classes-inherited

    coverage_component_id = fields.Many2one(
        "warranty.coverage.component", string="Covered By", index="btree_not_null", readonly=True,
        compute="_compute_coverage_component", store=True, copy=False,
        help="The component of the manufacturer's programme that covers this job's part or defect at the "
        "repair's date and reading. Empty: the unit's own warranty term decides (or nothing covers it).",
    )
    coverage_reason = fields.Char(
        string="Coverage", readonly=True, compute="_compute_coverage_component", store=True, copy=False,
        help="Why the job is covered, or not, by the unit's warranty components.",
    )

    @api.depends(
        "repair_id.warranty_registration_id", "repair_id.warranty_coverage_reason", "repair_id.schedule_date",
        "repair_id.odometer_km", "repair_id.hour_meter", "repair_id.meter_broken", "defect_code_ids",
        "causal_part_id",
    )
    def _compute_coverage_component(self):
        Component = self.env["warranty.coverage.component"]
        for job in self:
            repair = job.repair_id
            if repair.state in ("done", "cancel") and job.coverage_reason:
                # The decision the claim and the customer's invoice were made on stays
                job.coverage_component_id = job.coverage_component_id
                job.coverage_reason = job.coverage_reason
                continue
            # sudo: workshop and stock users see the job's coverage without reading the programme's set-up
            registration = repair.warranty_registration_id.sudo()
            if not registration.component_data:
                job.coverage_component_id = False
                job.coverage_reason = repair.warranty_coverage_reason
                continue
            component, reason = job._get_component_coverage(registration)
            job.coverage_component_id = component.id if component else Component
            job.coverage_reason = reason

    def write(self, vals):
        if not self.env.su and {"coverage_component_id", "coverage_reason"} & vals.keys():
            # The verdict follows the unit's programme and the diagnosis: a goodwill is granted, not typed in
            raise UserError(_(
                "The coverage of a job is decided from the unit's warranty components and its diagnosis, "
                "not by editing it."
            ))
        return super().write(vals)

    def _get_component_coverage(self, registration):
        """(component or None, reason) of this job on ``registration``, which has components."""
        self.ensure_one()
        repair = self.repair_id
        day = repair._get_usage_date()
        hours = repair.hour_meter
        verdicts = registration._get_component_verdicts(
            day, float(repair.odometer_km), hours, meter_broken=repair.meter_broken,
        )
        Component = self.env["warranty.coverage.component"].sudo()
        parts = self.causal_part_id._origin
        defects = self.defect_code_ids._origin
        # The lines' components cannot be deleted (ondelete restrict): each one of the summary exists
        covering = [
            (Component.browse(data["component_id"]), verdict)
            for data, verdict in zip(registration.component_data, verdicts, strict=True)
            if Component.browse(data["component_id"])._covers(parts, defects)
        ]
        in_force = [(component, verdict) for component, verdict in covering if verdict["covered"]]
        if in_force:
            # A component that names the part or defect (powertrain) before one that covers everything (basic)
            component, verdict = sorted(in_force, key=lambda pair: not pair[0]._is_specific())[0]
            return component, verdict["reason"]
        if repair.warranty_coverage in ("manufacturer", "extension", "goodwill"):
            return None, repair.warranty_coverage_reason
        if covering:
            return None, _(
                "Not covered: %(reasons)s", reasons=" ".join(verdict["reason"] for _component, verdict in covering),
            )
        return None, _(
            "Not covered: %(reason)s No component of the programme covers this part or defect.",
            reason=repair.warranty_coverage_reason or "",
        )
