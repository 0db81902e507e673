"""18.0.1.3.0: the customer's share terms frozen on the registrations.

A registration's coverage components now hold the deductible per visit and the pro-rata terms, as they hold
the limits, so that a later change of the programme does not change the warranties already sold. The model
update adds the columns empty; here, after it, each registration component gets its component's terms as
they are now (the terms the jobs were computed with until now). Rows already filled are left alone.
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
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
