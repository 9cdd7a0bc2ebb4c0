#!/bin/sh
# Record the oracle output of every guest program (or the ones named) into expected/NAME.json:
#   {"stdout": "...", "stderr": "...", "status": N}
# using qemu-aarch64 -cpu max (qemu 7.2) with an empty stdin and the args from manifest.json.
# status is shell style: exit code, or 128+signal when the guest was killed by a signal.
# For programs with "linuxOverride" in manifest.json the top-level fields hold the Linux-correct
# expectation (stdout from linux/NAME.stdout) and "qemu" holds what qemu actually printed.
# Environment: QEMU (default qemu-aarch64), RUNS=N to run each program N times and fail on any
# difference (determinism check).
set -eu
cd "$(dirname "$0")"
ulimit -c 0 2>/dev/null || true   # qemu would otherwise write core files for killed guests
exec node tools/record.mjs "$@"
