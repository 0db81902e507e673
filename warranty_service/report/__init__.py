from . import warranty_claim_aging
from . import warranty_defect_register
from . import warranty_claim_loss_report
from . import warranty_labor_variance_report
