from . import product_template
from . import warranty_registration
from . import stock_lot
from . import stock_move
from . import sale_order
