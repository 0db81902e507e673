"""18.0.1.1.0: partial-VIN search.

The serials, their internal references and the registrations are searched by any part of the VIN
through trigram (GIN) indexes. The model update creates them, or turns off the pending list of those
Odoo had already made (models/stock_lot.py ``ensure_trigram``). Here, after it: the rows waiting in
such a pending list are merged into the index (every search would read them one by one), and the
planner gets fresh statistics of the two tables.
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TRIGRAM_INDEXES = ("stock_lot__name_index", "stock_lot__ref_index", "warranty_registration__name_index")


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("SELECT indexname FROM pg_indexes WHERE indexname IN %s", TRIGRAM_INDEXES))
    built = {name for (name,) in cr.fetchall()}
    missing = sorted(set(TRIGRAM_INDEXES) - built)
    if missing:
        _logger.warning(
            "warranty_service %s: trigram indexes %s missing (pg_trgm not installable?): searches for part "
            "of a serial will read every serial.", version, ", ".join(missing),
        )
    for name in sorted(built):
        cr.execute(SQL("SELECT gin_clean_pending_list(%s::regclass)", name))
    for table in ("stock_lot", "warranty_registration"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    _logger.info("warranty_service: upgraded from %s, trigram indexes %s", version, ", ".join(sorted(built)))
