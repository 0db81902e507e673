"""18.0.1.3.0: imports as records, and the customer's share terms frozen on the registrations.

- The remittance and decision imports are records (large files are booked in the background). They were
  transient wizards: the upgrade keeps their table and rows (the ORM turns the models into regular ones). The
  imports applied before it get what a finished import shows now: who applied it, its row count, its rows booked.
- A registration's coverage components now hold the deductible per visit and the pro-rata terms, as they hold
  the limits, so that a later change of the programme does not change the warranties already sold. The model
  update adds the columns empty; here, after it, each registration component gets its component's terms as
  they are now (the terms the jobs were computed with until now). Rows already filled are left alone.
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

IMPORTS = (
    ("warranty_remittance_import", "warranty_remittance_import_row"),
    ("warranty_claim_import", "warranty_claim_import_row"),
)


def _imports_as_records(cr, version):
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


def _share_terms_frozen(cr, version):
    cr.execute(SQL("""
        UPDATE warranty_registration_component line
           SET deductible_amount = COALESCE(line.deductible_amount, component.deductible_amount, 0),
               prorata_after_months = COALESCE(line.prorata_after_months, component.prorata_after_months, 0),
               prorata_customer_percent_per_month = COALESCE(
                   line.prorata_customer_percent_per_month, component.prorata_customer_percent_per_month, 0)
          FROM warranty_coverage_component component
         WHERE component.id = line.component_id
           AND (line.deductible_amount IS NULL OR line.prorata_after_months IS NULL
                OR line.prorata_customer_percent_per_month IS NULL)
    """))
    _logger.info(
        "warranty_service: upgraded from %s, customer's share terms frozen on %s registration components",
        version, cr.rowcount,
    )


def migrate(cr, version):
    if not version:
        return
    _imports_as_records(cr, version)
    _share_terms_frozen(cr, version)
