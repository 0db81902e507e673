"""18.0.1.3.0: the remittance and decision imports are records (large files are booked in the background).

They were transient wizards: the upgrade keeps their table and rows (the ORM turns the models into regular
ones). The imports applied before it get what a finished import shows now: who applied it, its row count, its
rows booked.
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

IMPORTS = (
    ("warranty_remittance_import", "warranty_remittance_import_row"),
    ("warranty_claim_import", "warranty_claim_import_row"),
)


def migrate(cr, version):
    if not version:
        return
    for table, row_table in IMPORTS:
        cr.execute(SQL(
            """UPDATE %(row_table)s row SET outcome = 'booked'
                 FROM %(table)s imp WHERE imp.id = row.wizard_id AND imp.state = 'done' AND row.outcome IS NULL""",
            table=SQL.identifier(table), row_table=SQL.identifier(row_table),
        ))
        cr.execute(SQL(
            """UPDATE %(table)s imp
                  SET user_id = COALESCE(imp.user_id, imp.create_uid),
                      row_count = counts.total,
                      matched_count = CASE WHEN imp.state = 'done' THEN counts.total ELSE 0 END,
                      progress = CASE WHEN imp.state = 'done' THEN 100.0 ELSE 0.0 END
                 FROM (SELECT wizard_id, COUNT(*) AS total FROM %(row_table)s GROUP BY wizard_id) counts
                WHERE counts.wizard_id = imp.id""",
            table=SQL.identifier(table), row_table=SQL.identifier(row_table),
        ))
        _logger.info("warranty_service %s: %s imports kept as records (%s)", version, cr.rowcount, table)
