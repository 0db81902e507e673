from . import test_product_terms
from . import test_registration
from . import test_coverage
from . import test_delivery
from . import test_security
from . import test_report
from . import test_repair
from . import test_tour
