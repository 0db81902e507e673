from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Terms of a manufacturer, for the partners that products name as their warranty manufacturer
    warranty_notification_days = fields.Integer(
        string="Warranty Notification Deadline (days)", default=3,
        help="Days the dealer has to notify this manufacturer of a warranty repair once it is confirmed.",
    )
