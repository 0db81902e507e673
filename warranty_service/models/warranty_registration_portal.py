from odoo import fields, models


class WarrantyRegistration(models.Model):
    # The owner's portal (issue 16): a unit's page, reachable from e-mails by its access token
    _name = "warranty.registration"
    _inherit = ["warranty.registration", "portal.mixin", "warranty.portal.field.access"]

    complaint_ids = fields.One2many("warranty.complaint", "registration_id", string="Complaints")

    def _warranty_portal_field_names(self):
        # What the unit pages show its owner (portal_my_units, portal_my_unit) and their record rule reads
        return {
            "name", "partner_id", "company_id", "is_void", "lot_id", "product_id", "state", "date_start", "date_end",
            "mileage_limit_km", "extension_product_id", "date_end_extended", "extension_mileage_limit_km",
            "date_expiry", "complaint_ids",
        }

    def _compute_access_url(self):
        for registration in self:
            registration.access_url = f"/my/units/{registration.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Warranty Certificate - {self.lot_id.name}"

    complaint_count = fields.Integer(compute="_compute_complaint_count")

    def _compute_complaint_count(self):
        # sudo: counted for every reader of the registration; the button shows to the complaint handlers only
        counts = dict(self.env["warranty.complaint"].sudo()._read_group(
            [("registration_id", "in", self.ids)], ["registration_id"], ["__count"],
        ))
        for registration in self:
            registration.complaint_count = counts.get(registration, 0)

    def action_view_complaints(self):
        """Open the customer complaints about the unit, ready to register a new one."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_complaint_action")
        action["domain"] = [("registration_id", "=", self.id)]
        action["context"] = {
            "default_registration_id": self.id, "default_partner_id": self.partner_id.id,
            "default_company_id": self.company_id.id,
        }
        return action
