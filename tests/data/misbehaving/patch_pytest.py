"""Tries to forge its grade by patching pytest's reports, and does no work."""

try:
    import _pytest.reports

    _pytest.reports.TestReport.passed = property(lambda self: True)
    _pytest.reports.TestReport.failed = property(lambda self: False)
    _pytest.reports.TestReport.outcome = "passed"
except ImportError:
    pass

import sys

for name, module in list(sys.modules.items()):
    if name.startswith(("grader", "pytest", "_pytest")):
        for attr in ("TimingError", "classify", "expect_concurrent"):
            if hasattr(module, attr):
                setattr(module, attr, None)


async def count(n=30, pauses=None):
    return []
