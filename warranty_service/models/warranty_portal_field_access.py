from odoo import _, api, models
from odoo.exceptions import AccessError


class WarrantyPortalFieldAccess(models.AbstractModel):
    """A portal user reads of the owner's records only what the owner's portal shows (issue 27, item 10).

    The portal record rules open an owner's units, repairs and complaints to them, and the ORM would then
    answer every field of those records over XML-RPC: the workshop's internal notes, the complaint answer
    still being drafted, the warranty claim... The models that inherit this mixin name the fields their
    portal pages show (``_warranty_portal_field_names``); a share user reads those and no other, by ``read``,
    a search domain or order, a field's metadata or a field of the record in code that runs as them. The
    portal pages read their records with sudo once the controller checked the visitor's access, so what they
    render is not restricted here.
    """

    _name = "warranty.portal.field.access"
    _description = "Fields a Portal User Reads"

    def _warranty_portal_field_names(self):
        """The fields of the model the owner's portal shows (a hook: each model names its own)."""
        return set()

    def _warranty_portal_readable_fields(self):
        """The names of the fields the current user reads of ``self``, or None when they read every field."""
        # An internal user reads every field; a portal (share) user is not one. The user's groups are cached:
        # no query on the hot path of every record read
        if self.env.su or self.env.user._has_group("base.group_user"):
            return None
        readable = self._warranty_portal_field_names()
        # What the record rules, the lists' order, the chatter and the portal links need as the user
        readable |= {"id", "display_name", self._rec_name}
        readable |= {part.split()[0] for part in (self._order or "").split(",") if part.strip()}
        if self._active_name:
            readable.add(self._active_name)
        for mixin in ("mail.thread", "portal.mixin"):
            readable |= set(self.env[mixin]._fields) - set(models.LOG_ACCESS_COLUMNS)
        return readable

    def _warranty_portal_check_read(self, field_names):
        readable = self._warranty_portal_readable_fields()
        if readable is None:
            return
        denied = [name for name in field_names if name in self._fields and name not in readable]
        if denied:
            raise AccessError(_(
                "%(fields)s of %(document_kind)s are the dealer's internal information: the portal does not show "
                "them.",
                fields=", ".join(self._fields[name]._description_string(self.env) for name in denied),
                document_kind=self.env["ir.model"]._get(self._name).name,
            ))

    @api.model
    def check_field_access_rights(self, operation, field_names):
        if operation != "read":
            return super().check_field_access_rights(operation, field_names)
        if field_names:
            self._warranty_portal_check_read(field_names)
            return super().check_field_access_rights(operation, field_names)
        # Every field asked for (``read()`` without names): the ones the user reads
        field_names = super().check_field_access_rights(operation, field_names)
        readable = self._warranty_portal_readable_fields()
        return field_names if readable is None else [name for name in field_names if name in readable]

    def _fetch_field(self, field):
        readable = self._warranty_portal_readable_fields()
        if readable is None or not (self._context.get("prefetch_fields", True) and field.prefetch):
            return super()._fetch_field(field)
        # As core, but the fields prefetched with this one are the readable ones only: reading the repair's
        # name must not fetch (and be refused) its internal notes
        self.check_field_access_rights("read", [field.name])
        names = [
            name for name, other in self._fields.items()
            if other.prefetch == field.prefetch and name in readable and other.is_accessible(self.env)
        ]
        if field.name not in names:
            names.append(field.name)
        self.fetch(names)
        return None

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        result = super().fields_get(allfields=allfields, attributes=attributes)
        readable = self._warranty_portal_readable_fields()
        if readable is None:
            return result
        return {name: description for name, description in result.items() if name in readable}
