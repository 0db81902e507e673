from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .warranty_repair_job import COVERAGE_PAY_TYPE


class WarrantyRepairJob(models.Model):
    """Which coverage component of the unit's programme covers a job, or none, and why (issue 24).

    Decided from the registration's components, the job's defect codes and causal part, the repair's date
    and its intake reading (km, engine hours, or the broken-meter estimate). A unit without components
    keeps the repair's own verdict. Frozen once the repair is closed.
    """

    _inherit = "warranty.repair.job"  # pylint: disable=consider-merging-classes-inherited

    coverage_component_id = fields.Many2one(
        "warranty.coverage.component", string="Covered By", index="btree_not_null", readonly=True,
        compute="_compute_coverage_component", store=True, precompute=True, copy=False,
        help="The component of the manufacturer's programme that covers this job's part or defect at the "
        "repair's date and reading. Empty: the unit's own warranty term decides (or nothing covers it).",
    )
    coverage_reason = fields.Char(
        string="Coverage", readonly=True, compute="_compute_coverage_component", store=True, precompute=True,
        copy=False,
        help="Why the job is covered, or not, by the unit's warranty components.",
    )
    pay_type_chosen = fields.Boolean(
        readonly=True, copy=False,
        help="The pay type was chosen by hand, not the one the coverage suggests: it no longer follows the "
        "job's coverage.",
    )

    @api.depends(
        "repair_id.warranty_coverage", "comeback_job_id", "coverage_component_id", "part_warranty_id",
        "pay_type_chosen",
    )
    def _compute_pay_type(self):
        # A job a component covers (powertrain after the basic term) is the manufacturer's: warranty, unless
        # the workshop chose its pay type itself. Without components, as before (the repair's coverage)
        result = super()._compute_pay_type()
        for job in self:
            if job.comeback_job_id or job.pay_type_chosen:
                continue
            repair_default = COVERAGE_PAY_TYPE.get(job.repair_id.warranty_coverage, "customer")
            if job._is_covered_by_programme():
                if job.pay_type in (False, "customer", repair_default):
                    job.pay_type = "warranty"
            elif job.pay_type == "warranty" and repair_default != "warranty":
                # The component no longer covers it (its part or reading changed): back to the repair's
                job.pay_type = repair_default
        return result

    def _is_covered_by_programme(self):
        """Whether a component of the unit's programme covers the job (its pay type then defaults to warranty)."""
        self.ensure_one()
        return bool(self.coverage_component_id)

    def _get_suggested_pay_type(self):
        """The pay type the job's coverage suggests, as the compute gives it to a job nobody chose for."""
        self.ensure_one()
        if self.comeback_job_id:
            return "comeback"
        if self._is_covered_by_programme():
            return "warranty"
        return COVERAGE_PAY_TYPE.get(self.repair_id.warranty_coverage, "customer")

    @api.model_create_multi
    def create(self, vals_list):
        jobs = super().create(vals_list)
        jobs._mark_pay_type_chosen([vals for vals in vals_list], jobs)
        return jobs

    def _mark_pay_type_chosen(self, vals_list, jobs):
        # A pay type given that differs from the suggested one is the user's choice: it stays. The form sends
        # the suggested value too, which keeps following the coverage
        chosen = self.browse([
            job.id for job, vals in zip(jobs, vals_list, strict=True)
            if vals.get("pay_type") and vals["pay_type"] != job._get_suggested_pay_type()
        ])
        if chosen:
            # sudo: a technical flag of the job, set from the pay type its user wrote
            chosen.sudo().pay_type_chosen = True

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
        result = super().write(vals)
        if vals.get("pay_type"):
            self._mark_pay_type_chosen([vals] * len(self), self)
        return result

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
