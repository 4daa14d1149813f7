"""Pure-Python suite: runs without Odoo, from the repository root."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The official models are vendored under acorn_vendor/core/spapi_models; ../shared holds the
# upstream copy the vendored files are checked against when it is present.
SHARED = Path(os.environ.get("ACORN_SHARED", ROOT.parent / "shared"))
