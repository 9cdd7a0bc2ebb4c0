#!/bin/sh
# Build every guest program in src/ into bin/NAME.elf (static, no libc, AArch64 + MTE).
# Usage: ./build.sh [NAME...]     (default: all programs)
set -eu
cd "$(dirname "$0")"

CC=${CC:-aarch64-linux-gnu-gcc}
# armv8.5-a already includes LSE atomics (v8.1) and RCpc (v8.3); +memtag enables MTE.
ARCH="-march=armv8.5-a+memtag"
# -mgeneral-regs-only: no FP/SIMD in compiled C (keeps the instruction set to the integer ISA,
# also avoids q-register spills in variadic prologues). libgcc helpers are linked for __int128 /
# popcount but are checked by the mnemonic listing in README.md.
CFLAGS="$ARCH -O2 -ffreestanding -fno-builtin -fno-stack-protector -fno-tree-loop-distribute-patterns \
 -mgeneral-regs-only -fno-pic -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
 -ffile-prefix-map=$(pwd)=. -Wall -Wextra -Werror -Ilib"
LDFLAGS="-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
 -Wl,--no-warn-rwx-segments"

OBJ=$(mktemp -d)
trap 'rm -rf "$OBJ"' EXIT
mkdir -p bin

$CC $CFLAGS -c lib/start.S -o "$OBJ/start.o"
$CC $CFLAGS -c lib/tiny.c -o "$OBJ/tiny.o"

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(ls src | sed -n 's/\.[cS]$//p' | sort -u)
fi

for n in $names; do
	if [ -f "src/$n.c" ]; then
		srcf="src/$n.c"
	elif [ -f "src/$n.S" ]; then
		srcf="src/$n.S"
	else
		echo "no source for $n" >&2
		exit 1
	fi
	# compile to a fixed object name first: gas names the STT_FILE symbol after it (reproducible)
	$CC $CFLAGS -c "$srcf" -o "$OBJ/$n.o"
	$CC $CFLAGS $LDFLAGS -o "bin/$n.elf" "$OBJ/start.o" "$OBJ/$n.o" "$OBJ/tiny.o" -lgcc
	echo "built bin/$n.elf"
done
