from odoo import fields, models


class WarrantyRegistration(models.Model):
    # The owner's portal (issue 16): a unit's page, reachable from e-mails by its access token
    _name = "warranty.registration"
    _inherit = ["warranty.registration", "portal.mixin"]

    complaint_ids = fields.One2many("warranty.complaint", "registration_id", string="Complaints")

    def _compute_access_url(self):
        for registration in self:
            registration.access_url = f"/my/units/{registration.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Warranty Certificate - {self.lot_id.name}"
