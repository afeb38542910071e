"""Start-up probe: prints seconds since this process started, the wall clock now (`nandoctor run` runs the
script in a child process, so the benchmark measures from the command's launch), and whether pandas or
matplotlib are loaded."""

import json
import os
import sys
import time


def since_start() -> float:
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


print(json.dumps({"t": since_start(), "now": time.time(), "heavy": sorted(m for m in ("pandas", "matplotlib") if m in sys.modules)}))
