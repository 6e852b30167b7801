"""`bench/run.py --smoke` still starts greenphase and the ceiling and prints its table.

No timing is asserted (speed is measured by `make bench`, not by tests): only that the bench
runs against the current kernel, that greenphase answered the hello scenario under load, and
that the table has its rows.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke_prints_hello_rows_for_greenphase_and_the_ceiling():
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = {m.group(1): m.group(2) for m in
            re.finditer(r"^\| hello \| (\w+) \| ([\d,]+) \|", run.stdout, re.M)}
    assert set(rows) == {"ceiling", "greenphase"}, run.stdout
    assert all(int(rate.replace(",", "")) > 0 for rate in rows.values()), run.stdout
    assert "| scenario | server | req/s |" in run.stdout
