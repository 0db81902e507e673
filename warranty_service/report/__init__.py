from . import warranty_claim_aging
