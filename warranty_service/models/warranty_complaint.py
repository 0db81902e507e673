import re
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, html2plaintext

# Moved only by the action methods, which check who does what and from which state
ACTION_FIELDS = {"state", "answered_date"}
# What the customer was told and about what: frozen once answered; a correction is Reopen, then answer again
ANSWERED_FIELDS = {"answer", "description", "partner_id", "registration_id", "received_date", "channel", "category_id"}
OPEN_STATES = ("new", "in_progress")
ANSWERED_STATES = ("answered", "closed")


class WarrantyComplaint(models.Model):
    _name = "warranty.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "warranty.portal.field.access"]
    _order = "received_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "lot_id.name"]
    _mail_post_access = "read"

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )
    # Who complains, about which unit
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
    )
    registration_id = fields.Many2one(
        "warranty.registration", string="Unit", index="btree_not_null", tracking=True, check_company=True,
        domain="[('is_void', '=', False), ('company_id', '=', company_id)]",
        help="The customer's unit (its warranty registration) the complaint is about.",
    )
    lot_id = fields.Many2one(
        related="registration_id.lot_id", string="Serial Number", store=True, index="btree_not_null",
    )
    product_id = fields.Many2one(related="registration_id.product_id", string="Product")
    channel = fields.Selection(
        [("portal", "Portal"), ("email", "E-mail"), ("phone", "Phone"), ("counter", "Counter")],
        required=True, default="counter", tracking=True,
        help="How the complaint reached the dealer.",
    )
    description = fields.Text(required=True, help="The complaint in the customer's words.")
    received_date = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True, index=True,
    )
    category_id = fields.Many2one(
        "warranty.complaint.category", string="Category", tracking=True, check_company=True, index="btree_not_null",
    )
    # Deadline: promised at receipt, from the category's (or the company's) days; later changes of the
    # setting apply to new complaints only
    deadline_date = fields.Date(
        string="Answer Deadline", compute="_compute_deadline_date", store=True, tracking=True, index=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, index="btree_not_null", check_company=True,
        domain="[('share', '=', False)]",
    )
    # The answer
    answer = fields.Text(help="The dealer's answer, sent to the customer by e-mail in their language.")
    answered_date = fields.Datetime(string="Answered On", readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        [("new", "New"), ("in_progress", "In Progress"), ("answered", "Answered"), ("closed", "Closed")],
        string="Status", default="new", required=True, readonly=True, copy=False, tracking=True, index=True,
        group_expand="_group_expand_states",
        help="New: registered, nobody took it yet.\nIn Progress: the responsible examines it.\n"
        "Answered: the answer was sent to the customer.\nClosed: nothing more to do.",
    )
    # What the complaint led to
    repair_id = fields.Many2one(
        "repair.order", string="Repair", index="btree_not_null", tracking=True, check_company=True,
        domain="[('lot_id', '=', lot_id), ('company_id', '=', company_id)]",
    )
    repair_state = fields.Selection(related="repair_id.state", string="Repair Status")
    claim_id = fields.Many2one(
        "warranty.claim", string="Warranty Claim", index="btree_not_null", tracking=True, check_company=True,
        domain="[('lot_id', '=', lot_id), ('company_id', '=', company_id)]",
    )
    # The register's figures (pivot and graph of Reporting > Complaints)
    answer_days = fields.Integer(
        string="Days to Answer", compute="_compute_answer_figures", store=True, aggregator="avg",
    )
    deadline_kept = fields.Boolean(string="Answered in Time", compute="_compute_answer_figures", store=True)
    answered_in_time_count = fields.Integer(
        string="Answered in Time (count)", compute="_compute_answer_figures", store=True, aggregator="sum",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue",
        help="Not answered and past its deadline.",
    )
    attachment_count = fields.Integer(string="Photos", compute="_compute_attachment_count")

    # Computes

    @api.depends("received_date", "category_id", "company_id")
    def _compute_deadline_date(self):
        for complaint in self:
            if not complaint.received_date:
                complaint.deadline_date = False
                continue
            days = complaint.category_id.deadline_days or complaint.company_id.warranty_complaint_deadline_days or 14
            received = fields.Datetime.context_timestamp(complaint, complaint.received_date).date()
            complaint.deadline_date = received + timedelta(days=days)

    @api.depends("answered_date", "received_date", "deadline_date")
    def _compute_answer_figures(self):
        for complaint in self:
            if complaint.answered_date and complaint.received_date:
                answered = fields.Datetime.context_timestamp(complaint, complaint.answered_date).date()
                received = fields.Datetime.context_timestamp(complaint, complaint.received_date).date()
                complaint.answer_days = (answered - received).days
                complaint.deadline_kept = bool(complaint.deadline_date) and answered <= complaint.deadline_date
            else:
                complaint.answer_days = 0
                complaint.deadline_kept = False
            complaint.answered_in_time_count = 1 if complaint.deadline_kept else 0

    @api.depends("state", "deadline_date")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for complaint in self:
            complaint.is_overdue = bool(
                complaint.state in OPEN_STATES and complaint.deadline_date and complaint.deadline_date < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Overdue complaints can only be searched as overdue or not."))
        domain = [("state", "in", OPEN_STATES), ("deadline_date", "<", fields.Date.context_today(self))]
        if (operator == "=") != bool(value):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def _warranty_portal_field_names(self):
        # What the complaint pages show its owner (portal_my_complaints, portal_my_complaint) and their record rule
        # reads: not who handles it, its claim nor the register's figures
        names = {
            "name", "partner_id", "company_id", "registration_id", "lot_id", "product_id", "received_date",
            "category_id", "deadline_date", "description", "state", "answered_date", "repair_id", "repair_state",
        }
        # The answer is the owner's once it was sent to them: while it is drafted, it is the staff's. sudo: the
        # status decides what the user reads, so it is read without asking that question again
        if self and all(state in ANSWERED_STATES for state in self.sudo().mapped("state")):
            names.add("answer")
        return names

    @api.constrains("repair_id", "registration_id", "partner_id", "company_id")
    def _check_repair_of_the_unit(self):
        # The form offers the repairs of the complaint's unit only; the owner's portal shows the complaint's
        # repair: one of another unit or customer would show them someone else's repair
        for complaint in self.filtered("repair_id"):
            repair = complaint.repair_id
            if (
                repair.lot_id != complaint.lot_id
                or repair.company_id != complaint.company_id
                or repair.partner_id.commercial_partner_id != complaint.partner_id.commercial_partner_id
            ):
                raise ValidationError(_(
                    "Complaint %(complaint)s is about unit %(unit)s of %(customer)s: its repair must be a repair of "
                    "that unit and customer, and %(repair)s is not (unit %(repair_unit)s of %(repair_customer)s).",
                    complaint=complaint.name,
                    unit=complaint.lot_id.name or "-",
                    customer=complaint.partner_id.display_name,
                    repair=repair.name,
                    repair_unit=repair.lot_id.name or "-",
                    repair_customer=repair.partner_id.display_name or "-",
                ))

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    def _compute_attachment_count(self):
        # sudo: counting the complaint's photos, which every reader of the complaint may see
        counts = dict(self.env["ir.attachment"].sudo()._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"],
        ))
        for complaint in self:
            complaint.attachment_count = counts.get(complaint.id, 0)

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(ACTION_FIELDS & vals.keys() for vals in vals_list):
            raise UserError(_("A complaint starts as New; its status moves with its buttons."))
        new = self.env._("New")
        to_name = [vals for vals in vals_list if vals.get("name", new) in (new, False)]
        if to_name:
            names = self.env["ir.sequence"]._next_batch_by_code("warranty.complaint", len(to_name))
            for vals, name in zip(to_name, names, strict=True):
                vals["name"] = name
        complaints = super().create(vals_list)
        for complaint in complaints:
            # The customer follows their complaint: the staff's messages and the answer reach them
            complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        return complaints

    def write(self, vals):
        if not self.env.su:
            if ACTION_FIELDS & vals.keys():
                raise UserError(_(
                    "A complaint's status moves with its buttons (Start, Send Answer, Close, Reopen), "
                    "not by editing it."
                ))
            answered = self.filtered(lambda complaint: complaint.state in ("answered", "closed"))
            if answered and ANSWERED_FIELDS & vals.keys():
                raise UserError(_(
                    "Complaint %(name)s was answered: what the customer was told stays as sent. "
                    "A Warranty Manager may reopen it to answer again.",
                    name=answered[0].name,
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        # The register is kept: a complaint registered by mistake is closed, not deleted
        if any(complaint.state != "new" for complaint in self):
            raise UserError(_("Only a new complaint can be deleted; close the others instead."))

    # Actions

    def action_start(self):
        """Take the complaint: it is being examined, by the current user unless someone is responsible already."""
        self._check_staff()
        self._check_states(("new",), _("Complaint %(name)s is not new: it is already being handled."))
        for complaint in self:
            # sudo: the status is written by the actions only (see write)
            complaint.sudo().write({"state": "in_progress", "user_id": complaint.user_id.id or self.env.user.id})
        return True

    def action_answer(self):
        """Send the answer to the customer by e-mail, in their language, and mark the complaint answered."""
        self._check_staff()
        self._lock_for_update()
        self._check_states(OPEN_STATES, _("Complaint %(name)s was already answered or closed."))
        for complaint in self:
            if not (complaint.answer or "").strip():
                raise UserError(_("Write the answer to complaint %(name)s before sending it.", name=complaint.name))
        # sudo: the status and the answered date are written by the actions only (see write)
        self.sudo().write({
            "state": "answered", "answered_date": fields.Datetime.now(),
        })
        for complaint in self:
            if not complaint.user_id:
                complaint.user_id = self.env.user
        template = self.env.ref("warranty_service.mail_template_complaint_answer")
        for complaint in self:
            complaint.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.activity_unlink(["warranty_service.mail_activity_type_deadline_passed"])
        return True

    def action_close(self):
        """Nothing more to do on an answered complaint."""
        self._check_staff()
        self._check_states(("answered",), _("Complaint %(name)s can be closed once it is answered."))
        # sudo: the status is written by the actions only (see write)
        self.sudo().write({"state": "closed"})
        return True

    def action_reopen(self):
        """Open an answered complaint again to answer it anew (a Warranty Manager's decision)."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager reopens an answered complaint."))
        self._check_states(("answered", "closed"), _("Complaint %(name)s is not answered: there is nothing to reopen."))
        # sudo: the status is written by the actions only (see write); the new answer gets a new date
        self.sudo().write({"state": "in_progress", "answered_date": False})
        return True

    def action_create_repair(self):
        """Open a repair order of the complaint's unit, its coverage found as for any repair."""
        self._check_staff()
        self._lock_for_update()
        for complaint in self:
            if complaint.state == "closed":
                raise UserError(_("Complaint %(name)s is closed: no repair is created from it.", name=complaint.name))
            if not complaint.registration_id:
                raise UserError(_(
                    "Choose the customer's unit on complaint %(name)s before creating its repair.", name=complaint.name,
                ))
            if complaint.repair_id and complaint.repair_id.state != "cancel":
                raise UserError(_(
                    "Complaint %(name)s already has repair %(repair)s.",
                    name=complaint.name, repair=complaint.repair_id.name,
                ))
        repairs = self.env["repair.order"].create([complaint._prepare_repair_vals() for complaint in self])
        for complaint, repair in zip(self, repairs, strict=True):
            complaint.repair_id = repair
            repair.message_post(body=_("Created from complaint %(name)s.", name=complaint.name))
        self.filtered(lambda complaint: complaint.state == "new").action_start()
        if len(repairs) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "repair.order",
                "res_id": repairs.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def action_view_repair(self):
        """Open the complaint's repair."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": self.repair_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # Mail gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an e-mail to the complaints alias: the sender is the customer, their unit found."""
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not partner and msg_dict.get("email_from"):
            partner = self._mail_find_partner_from_emails([msg_dict["email_from"]], force_create=True)[0]
        body = html2plaintext(msg_dict.get("body") or "").strip()
        subject = msg_dict.get("subject") or ""
        # The subject is not the complaint's number (mail.thread names new records after it): numbered by create
        values["name"] = self.env._("New")
        values.setdefault("channel", "email")
        values.setdefault("description", body or subject or _("(no text)"))
        if partner:
            values.setdefault("partner_id", partner.id)
            registration = self._find_unit_from_text(partner, f"{subject}\n{body}")
            if registration:
                values.setdefault("registration_id", registration.id)
        if msg_dict.get("date"):
            values.setdefault("received_date", msg_dict["date"])
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _find_unit_from_text(self, partner, text):
        """The partner's unit whose serial the text names; else their only unit; else nothing."""
        # sudo: the mail gateway runs for an unknown sender; only the sender's own units are looked at
        registrations = self.env["warranty.registration"].sudo().search([
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("is_void", "=", False),
            ("company_id", "=", self.env.company.id),
        ])
        words = {word.upper() for word in re.findall(r"[\w-]+", text or "")}
        named = registrations.filtered(lambda registration: registration.lot_id.name.upper() in words)
        if len(named) == 1:
            return named
        return registrations if len(registrations) == 1 else registrations.browse()

    # Deadlines

    @api.model
    def _cron_schedule_deadline_activities(self):
        """Daily: a to-do for the responsible of each overdue complaint and of each repair past its promised date."""
        activity_type = self.env.ref("warranty_service.mail_activity_type_deadline_passed")
        today = fields.Date.context_today(self)
        overdue = self.search([("is_overdue", "=", True)])
        overdue._schedule_deadline_activity(activity_type, today)
        late_repairs = self.env["repair.order"].search([("warranty_is_late", "=", True)])
        late_repairs._schedule_deadline_activity(activity_type, today)
        return True

    def _schedule_deadline_activity(self, activity_type, today):
        done = set(self.env["mail.activity"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_type_id", "=", activity_type.id),
        ]).mapped("res_id"))
        for complaint in self.filtered(lambda record: record.id not in done):
            user = complaint.user_id or (
                self.env["repair.order"].with_company(complaint.company_id)._get_warranty_manager()
            )
            complaint.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Answer complaint %(name)s: its deadline %(deadline)s has passed.",
                          name=complaint.name, deadline=complaint.deadline_date),
                user_id=user.id,
                date_deadline=today,
            )

    # Helpers

    def _prepare_repair_vals(self):
        self.ensure_one()
        lot = self.registration_id.lot_id
        return {
            "product_id": lot.product_id.id,
            "lot_id": lot.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "internal_notes": self.description,
        }

    def _lock_for_update(self):
        # Two users clicking at once: the second waits for the first, then sees the complaint answered (or its
        # repair created) and is refused, instead of a second e-mail or a second repair
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM warranty_complaint WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", tuple(self.ids),
            ))
            self.invalidate_recordset(["state", "repair_id", "answered_date"])

    def _check_staff(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop or a Warranty Manager handles customer complaints."))

    def _check_states(self, states, message):
        for complaint in self:
            if complaint.state not in states:
                raise UserError(message % {"name": complaint.name})
