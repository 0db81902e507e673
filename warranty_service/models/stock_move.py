from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class StockMove(models.Model):
    _inherit = "stock.move"

    warranty_requisition_line_id = fields.Many2one(
        "warranty.part.requisition.line", string="Requisition Line", index="btree_not_null", readonly=True,
    )
    warranty_recall_id = fields.Many2one(
        "warranty.recall", string="Recall Campaign", index="btree_not_null", readonly=True,
        help="The campaign whose parts kit this part belongs to: claimed at the campaign's terms.",
    )
    # The moves of a claim line's defective part: its status follows them
    warranty_claim_line_id = fields.Many2one(
        "warranty.claim.line", string="Returned Part of Claim Line", index="btree_not_null", readonly=True,
        help="The warranty claim line whose defective part this move sets aside, ships or scraps.",
    )

    job_id = fields.Many2one(
        "warranty.repair.job", string="Job", index="btree_not_null", check_company=True, copy=False,
        domain="[('repair_id', '=', repair_id)]",
        help="The job of the repair this part belongs to: its pay type decides who pays it.",
    )
    job_pay_type = fields.Selection(related="job_id.pay_type", string="Pay Type")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Created from a job's Parts list: the job tells the repair (core then sets the locations)
            if vals.get("job_id") and not vals.get("repair_id"):
                vals["repair_id"] = self.env["warranty.repair.job"].browse(vals["job_id"]).repair_id.id
        return super().create(vals_list)

    @api.constrains("job_id", "repair_id")
    def _check_job_repair(self):
        for move in self.filtered("job_id"):
            if move.job_id.repair_id != move.repair_id:
                raise ValidationError(_(
                    "Part %(part)s can only be put on a job of its own repair (%(repair)s).",
                    part=move.product_id.display_name, repair=move.repair_id.name or "-",
                ))

    def _create_repair_sale_order_line(self):
        result = super()._create_repair_sale_order_line()
        with_job = self.filtered(lambda move: move.job_id and move.sale_line_id)
        if with_job:
            with_job.repair_id._update_job_sale_prices(moves=with_job)
        return result

    def _prepare_merge_moves_distinct_fields(self):
        # Two claim lines of the same part are two parts, each in its own package: never one move
        return super()._prepare_merge_moves_distinct_fields() + ["warranty_claim_line_id", "job_id"]

    def _action_done(self, cancel_backorder=False):
        done_moves = super()._action_done(cancel_backorder=cancel_backorder)
        done_moves._warranty_process_done_moves()
        done_moves.warranty_requisition_line_id.requisition_id._check_done()
        part_moves = done_moves.filtered(lambda m: m.state == "done" and m.warranty_claim_line_id)
        if part_moves:
            # sudo: whoever validates the transfer (a warehouse user without warranty rights) moves the
            # part, and the claim line's status follows
            part_moves.warranty_claim_line_id.sudo()._update_return_state_from_moves(part_moves.sudo())
        return done_moves

    def _action_cancel(self):
        result = super()._action_cancel()
        self.warranty_requisition_line_id.requisition_id._check_done()
        part_moves = self.filtered(lambda m: m.state == "cancel" and m.warranty_claim_line_id)
        if part_moves:
            # sudo: see _action_done
            part_moves.warranty_claim_line_id.sudo()._update_return_state_from_moves(part_moves.sudo())
        return result

    def _warranty_process_done_moves(self):
        """Void the warranties of returned units, then register delivered ones.

        Returns first, so that a unit returned and delivered again in the same
        batch ends with one fresh registration.
        """
        # Repairs and their service transfers (loaners, pickups) move units for the service:
        # only sales and customer returns change a warranty
        done = self.filtered(
            lambda move: move.state == "done"
            and move.product_id.tracking == "serial"
            and not move.repair_id
            and not move.picking_id.warranty_repair_id
        )
        if not done:
            return
        returned = done.filtered(
            lambda move: move.location_id.usage == "customer" and move.location_dest_id.usage != "customer"
        )
        delivered = done.filtered(
            lambda move: move.location_dest_id.usage == "customer"
            and move.location_id.usage != "customer"
            and move.product_id.warranty_months > 0
        )
        # sudo: registering and voiding warranties follows from the delivery the
        # warehouse user may validate; it needs no warranty rights of its own.
        registrations = self.env["warranty.registration"].sudo()
        if returned:
            registrations._void_returned_moves(returned)
        if delivered:
            registrations._register_delivered_moves(delivered)

    def write(self, vals):
        # Set by the warranty workflows when they create the record; rewiring it by hand (over RPC, as any
        # stock or purchase user) would fake what a requisition issued or a repair moved
        if not self.env.su and {'warranty_recall_id', 'warranty_requisition_line_id'} & vals.keys():
            raise UserError(_(
                "The link of a stock move to its part requisition or recall campaign is set by "
                "the warranty workflows, not by hand."
            ))
        if "job_id" in vals:
            self.repair_id._check_repair_editable()
        result = super().write(vals)
        if "job_id" in vals:
            moves = self.filtered(lambda move: move.repair_id and move.sale_line_id)
            moves.repair_id._update_sale_order_line_price()
        return result
