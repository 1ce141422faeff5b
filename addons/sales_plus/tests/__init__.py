from . import test_foundation
from . import test_l10n
from . import test_ui
