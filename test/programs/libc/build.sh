#!/bin/sh
# Build every libc program in src/ into bin/NAME.elf: static glibc, the ordinary way (no freestanding or
# FP-free flags), stripped. Usage: ./build.sh [NAME...]   (default: all programs)
set -eu
cd "$(dirname "$0")"

CC=${CC:-aarch64-linux-gnu-gcc}
STRIP=${STRIP:-aarch64-linux-gnu-strip}

# The options each program is built with: -O2 by default; the vec_* programs at -O3 to exercise
# auto-vectorisation; mte_glibc needs the MTE intrinsics of <arm_acle.h>.
options() {
	case "$1" in
	vec_*) echo "-O3" ;;
	mte_*) echo "-O2 -march=armv8.5-a+memtag" ;;
	*) echo "-O2" ;;
	esac
}

mkdir -p bin
if [ $# -gt 0 ]; then names="$*"; else names=$(ls src | sed -n 's/\.c$//p' | sort); fi
for n in $names; do
	# shellcheck disable=SC2046
	$CC $(options "$n") -static -Wall -Wextra -o "bin/$n.elf" "src/$n.c" -lm
	$STRIP "bin/$n.elf"
	echo "built bin/$n.elf ($(options "$n"))"
done
