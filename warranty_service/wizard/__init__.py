from . import warranty_csv_import_mixin
from . import warranty_claim_export
from . import warranty_claim_import
from . import warranty_remittance_import
from . import warranty_failure_rate
from . import warranty_recall_import
from . import warranty_recall_select
from . import warranty_claim_monthly_report
