import base64

from odoo import _, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class WarrantyPortal(CustomerPortal):
    """The owner's pages: their units, repairs and complaints (issue 16).

    Every page first checks the visitor's right to the record with ``_document_check_access``: the portal
    record rules (the owner's own documents) or the record's access token from an e-mail. Only then is the
    record read with sudo, because the owner has no access to what the page shows around it (the serial,
    the product, the company's report).
    """

    # Home

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, model, domain in (
            ("warranty_unit_count", "warranty.registration", self._warranty_units_domain()),
            ("warranty_repair_count", "repair.order", self._warranty_repairs_domain()),
            ("warranty_complaint_count", "warranty.complaint", self._warranty_complaints_domain()),
        ):
            if counter in counters:
                Model = request.env[model]
                values[counter] = Model.search_count(domain) if Model.has_access("read") else 0
        return values

    def _warranty_owner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _warranty_units_domain(self):
        # The record rules keep a portal user to their own; the domain keeps staff's /my to theirs too
        return [("partner_id", "child_of", self._warranty_owner().id), ("is_void", "=", False)]

    def _warranty_repairs_domain(self):
        return [("partner_id", "child_of", self._warranty_owner().id), ("state", "!=", "cancel")]

    def _warranty_complaints_domain(self):
        return [("partner_id", "child_of", self._warranty_owner().id)]

    def _warranty_list_values(self, model, domain, url, page, order, page_name, key):
        Model = request.env[model]
        pager = portal_pager(url=url, total=Model.search_count(domain), page=page, step=self._items_per_page)
        records = Model.search(domain, order=order, limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        # sudo: the records were searched as the user (their own only); the lists show their products and serials
        values.update({key: records.sudo(), "pager": pager, "page_name": page_name, "default_url": url})
        return values

    # Units

    @http.route(["/my/units", "/my/units/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_units(self, page=1, **kw):
        values = self._warranty_list_values(
            "warranty.registration", self._warranty_units_domain(), "/my/units", page, "date_start desc, id desc",
            "warranty_units", "units",
        )
        values["open_recalls"] = self._warranty_open_recalls(values["units"])
        return request.render("warranty_service.portal_my_units", values)

    @http.route(["/my/units/<int:registration_id>"], type="http", auth="public", website=True)
    def portal_my_unit(self, registration_id, access_token=None, **kw):
        try:
            unit_sudo = self._document_check_access("warranty.registration", registration_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._warranty_unit_values(unit_sudo, access_token)
        return request.render("warranty_service.portal_my_unit", values)

    @http.route(["/my/units/<int:registration_id>/certificate"], type="http", auth="public", website=True)
    def portal_my_unit_certificate(self, registration_id, access_token=None, download=False, **kw):
        try:
            unit_sudo = self._document_check_access("warranty.registration", registration_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=unit_sudo, report_type="pdf", report_ref="warranty_service.action_report_warranty_certificate",
            download=download,
        )

    def _warranty_unit_values(self, unit_sudo, access_token):
        # sudo (as the record): the unit was checked above; its repairs and complaints are its owner's on this unit
        owner_domain = [("partner_id", "child_of", unit_sudo.partner_id.commercial_partner_id.id)]
        repairs = request.env["repair.order"].sudo().search(
            [*owner_domain, ("lot_id", "=", unit_sudo.lot_id.id), ("company_id", "=", unit_sudo.company_id.id),
             ("state", "!=", "cancel")],
            order="schedule_date desc, id desc",
        )
        complaints = request.env["warranty.complaint"].sudo().search(
            [*owner_domain, ("registration_id", "=", unit_sudo.id)], order="received_date desc, id desc",
        )
        values = {
            "unit": unit_sudo,
            "repairs": repairs,
            "complaints": complaints,
            "open_recalls": self._warranty_open_recalls(unit_sudo).get(unit_sudo.id, []),
            "page_name": "warranty_unit",
            "access_token": access_token,
        }
        return self._get_page_view_values(unit_sudo, access_token, values, "my_units_history", False)

    def _warranty_open_recalls(self, units):
        """{registration id: open campaign lines} of running campaigns on these units, in their company."""
        # sudo: campaigns are the dealer's; the owner sees the campaign lines of their own units only
        lines = request.env["warranty.recall.line"].sudo().search([
            ("lot_id", "in", units.lot_id.ids), ("state", "=", "open"), ("recall_state", "=", "open"),
            ("company_id", "in", units.company_id.ids),
        ])
        result = {}
        for unit in units:
            result[unit.id] = lines.filtered(
                lambda line, unit=unit: line.lot_id == unit.lot_id and line.company_id == unit.company_id
            )
        return result

    # Report a problem

    @http.route(["/my/units/<int:registration_id>/complaint"], type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_unit_complaint(self, registration_id, **post):
        try:
            unit_sudo = self._document_check_access("warranty.registration", registration_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if unit_sudo.partner_id.commercial_partner_id != self._warranty_owner():
            # Staff may read other people's units, but only an owner reports a problem on their own
            return request.redirect("/my")
        # sudo: the categories are configuration of the unit's company, read-only here
        categories = request.env["warranty.complaint.category"].sudo().search(
            [("company_id", "=", unit_sudo.company_id.id)]
        )
        # No text holds a NUL character (the database refuses it): the form says so instead of failing, and
        # shows back what was typed without it
        has_nul = any("\x00" in value for value in post.values() if isinstance(value, str))
        post = {key: value.replace("\x00", "") if isinstance(value, str) else value for key, value in post.items()}
        values = {"unit": unit_sudo, "categories": categories, "errors": [], "post": post,
                  "page_name": "warranty_complaint_new"}
        if request.httprequest.method != "POST":
            return request.render("warranty_service.portal_unit_complaint", values)
        description = (post.get("description") or "").strip()
        category = categories.filtered(lambda c: str(c.id) == (post.get("category_id") or ""))
        photos = [
            (photo.filename, photo.mimetype or "", photo.read())
            for photo in request.httprequest.files.getlist("photos") if photo.filename
        ]
        has_nul = has_nul or any("\x00" in filename or "\x00" in mimetype for filename, mimetype, __ in photos)
        photos = [(filename.replace("\x00", ""), mimetype, content) for filename, mimetype, content in photos]
        errors = self._warranty_complaint_errors(description, post.get("category_id"), category, photos)
        if has_nul:
            errors.insert(0, _("The form contains a character that is not text (NUL): remove it and send it again."))
        if errors:
            values["errors"] = errors
            return request.render("warranty_service.portal_unit_complaint", values)
        complaint = self._warranty_create_complaint(unit_sudo, description, category, photos)
        return request.redirect(f"/my/complaints/{complaint.id}?message=sent")

    def _warranty_complaint_errors(self, description, category_value, category, photos):
        errors = []
        if len(description) < 10:
            errors.append(_("Describe the problem in a few words (at least 10 characters)."))
        if category_value and not category:
            errors.append(_("Choose one of the proposed categories."))
        if len(photos) > MAX_PHOTOS:
            errors.append(_("Attach at most %(count)s photos.", count=MAX_PHOTOS))
        for filename, mimetype, content in photos:
            if not mimetype.startswith("image/"):
                errors.append(_("%(file)s is not a photo (JPEG, PNG...).", file=filename))
            elif len(content) > MAX_PHOTO_BYTES:
                errors.append(_("%(file)s is larger than 10 MB.", file=filename))
        return errors

    def _warranty_create_complaint(self, unit_sudo, description, category, photos):
        partner = request.env.user.partner_id
        # sudo: the owner has no right to create complaints nor attachments; the unit is theirs (checked above)
        # and every value was validated. The complaint belongs to the unit's company.
        complaint = request.env["warranty.complaint"].sudo().with_company(unit_sudo.company_id).create({
            "partner_id": partner.id,
            "registration_id": unit_sudo.id,
            "channel": "portal",
            "description": description,
            "category_id": category.id,
            "company_id": unit_sudo.company_id.id,
        })
        attachments = request.env["ir.attachment"].sudo().create([{
            "name": filename,
            "datas": base64.b64encode(content),
            "res_model": "warranty.complaint",
            "res_id": complaint.id,
        } for filename, _mimetype, content in photos])
        complaint.message_post(
            body=_("Complaint reported in the portal."),
            author_id=partner.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return complaint

    # Repairs

    @http.route(["/my/repairs", "/my/repairs/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_repairs(self, page=1, **kw):
        values = self._warranty_list_values(
            "repair.order", self._warranty_repairs_domain(), "/my/repairs", page, "schedule_date desc, id desc",
            "warranty_repairs", "repairs",
        )
        return request.render("warranty_service.portal_my_repairs", values)

    @http.route(["/my/repairs/<int:repair_id>"], type="http", auth="public", website=True)
    def portal_my_repair(self, repair_id, access_token=None, report_type=None, download=False, **kw):
        try:
            repair_sudo = self._document_check_access("repair.order", repair_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type == "pdf" and repair_sudo.state == "done":
            return self._show_report(
                model=repair_sudo, report_type="pdf", report_ref="warranty_service.action_report_repair_act",
                download=download,
            )
        values = {"repair": repair_sudo, "page_name": "warranty_repair", "access_token": access_token}
        values = self._get_page_view_values(repair_sudo, access_token, values, "my_repairs_history", False)
        return request.render("warranty_service.portal_my_repair", values)

    # Complaints

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, **kw):
        values = self._warranty_list_values(
            "warranty.complaint", self._warranty_complaints_domain(), "/my/complaints", page,
            "received_date desc, id desc", "warranty_complaints", "complaints",
        )
        return request.render("warranty_service.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, **kw):
        try:
            complaint_sudo = self._document_check_access("warranty.complaint", complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        # sudo: the complaint's photos, shown to whoever may see the complaint (checked above), each with a token
        photos = request.env["ir.attachment"].sudo().search(
            [("res_model", "=", "warranty.complaint"), ("res_id", "=", complaint_sudo.id)], order="id",
        )
        photos.generate_access_token()
        values = {
            "complaint": complaint_sudo,
            "photos": photos,
            "message": message,
            "page_name": "warranty_complaint",
            "access_token": access_token,
        }
        values = self._get_page_view_values(complaint_sudo, access_token, values, "my_complaints_history", False)
        return request.render("warranty_service.portal_my_complaint", values)
