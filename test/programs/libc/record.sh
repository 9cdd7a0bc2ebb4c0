#!/bin/sh
# Record the oracle output of every libc program (or the ones named) into expected/NAME.json:
#   {"stdout": "...", "stderr": "...", "status": N}
# with qemu-aarch64 -cpu max, the args, environment (nothing else: env -i) and stdin of manifest.json.
# Environment: QEMU (default qemu-aarch64), RUNS=N to run each program N times and fail on any difference.
set -eu
cd "$(dirname "$0")"
ulimit -c 0 2>/dev/null || true
exec node tools/record.mjs "$@"
