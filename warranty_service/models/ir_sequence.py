from odoo import _, api, models
from odoo.exceptions import UserError


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _next_batch(self, count):
        """The next ``count`` references of this sequence: one query for a standard sequence, whatever the count."""
        self.ensure_one()
        if self.implementation != "standard" or self.use_date_range:
            return [self._next() for _i in range(count)]
        # Standard sequences are PostgreSQL sequences named after the record
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", ["ir_sequence_%03d" % self.id, count]
        )
        return [self.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    @api.model
    def _next_batch_by_code(self, code, count):
        """The next ``count`` references of the current company's sequence ``code`` (or the shared one)."""
        # sudo: any user creating a document numbers it, as next_by_code does
        sequence = self.sudo().search(
            [("code", "=", code), ("company_id", "in", [self.env.company.id, False])], order="company_id", limit=1,
        )
        if not sequence:
            raise UserError(_("The sequence %(code)s is missing: reinstall Warranty Service.", code=code))
        return sequence._next_batch(count)
