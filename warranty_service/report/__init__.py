from . import warranty_claim_aging
from . import warranty_defect_register
