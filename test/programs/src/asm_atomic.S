/* Hand-written exclusives, acquire/release and LSE atomics (armv8.5-a includes LSE and RCpc). */
#include "show.inc"

	.data
	.p2align 4
cell:	.quad	0x10, 0x20, 0, 0
pair:	.quad	0x1111, 0x2222, 0, 0
bytes:	.quad	0x8070605040302010, 0

FUNC main
	PROLOGUE
	adrp	x20, cell
	add	x20, x20, :lo12:cell
	adrp	x21, pair
	add	x21, x21, :lo12:pair
	adrp	x22, bytes
	add	x22, x22, :lo12:bytes

	/* ldxr/stxr increment loop, 100 times */
	mov	x23, #100
	mov	x24, #0			/* total store-exclusive failures (expected 0) */
1:	ldxr	x0, [x20]
	add	x0, x0, #3
	stxr	w1, x0, [x20]
	add	x24, x24, x1
	cbnz	w1, 1b
	subs	x23, x23, #1
	b.ne	1b
	ldr	x19, [x20]
	SHOW	"ldxr/stxr loop result", x19
	/* acquire/release word exclusives */
	add	x25, x20, #8
2:	ldaxr	w0, [x25]
	orr	w0, w0, #0x80000000
	stlxr	w1, w0, [x25]
	cbnz	w1, 2b
	ldr	x19, [x20, #8]
	SHOW	"ldaxr/stlxr w", x19
	/* byte and halfword exclusives */
	add	x25, x22, #1
3:	ldxrb	w0, [x25]
	add	w0, w0, #1
	stxrb	w1, w0, [x25]
	cbnz	w1, 3b
	add	x25, x22, #6
4:	ldaxrh	w0, [x25]
	eor	w0, w0, #0xffff
	stlxrh	w1, w0, [x25]
	cbnz	w1, 4b
	ldr	x19, [x22]
	SHOW	"ldxrb/ldaxrh result", x19
	/* pair exclusives: swap the two halves */
5:	ldxp	x0, x1, [x21]
	stxp	w2, x1, x0, [x21]
	cbnz	w2, 5b
	ldp	x19, x23, [x21]
	SHOW	"ldxp/stxp swapped a", x19
	SHOW	"ldxp/stxp swapped b", x23
6:	ldaxp	w0, w1, [x21]
	add	w0, w0, w1
	stlxp	w2, w0, w1, [x21]
	cbnz	w2, 6b
	ldr	x19, [x21]
	SHOW	"ldaxp/stlxp w", x19
	/* stxr fails after clrex (monitor open) and writes nothing */
	add	x25, x20, #16
	ldxr	x0, [x25]
	clrex
	mov	x3, #0x77
	stxr	w19, x3, [x25]
	SHOW	"stxr after clrex status", x19
	ldr	x19, [x20, #16]
	SHOW	"stxr after clrex memory", x19
	SHOW	"ldxr failures during loop", x24

	/* load-acquire / store-release */
	add	x25, x20, #24
	mov	x0, #0x5a5a
	stlr	x0, [x25]
	ldar	x19, [x25]
	SHOW	"stlr/ldar", x19
	mov	w0, #0x3c
	stlrb	w0, [x25]
	add	x9, x25, #1
	ldarb	w19, [x9]
	SHOW	"stlrb/ldarb", x19
	add	x9, x25, #2
	stlrh	wzr, [x9]
	ldarh	w19, [x25]
	SHOW	"stlrh/ldarh", x19
	ldapr	x19, [x25]
	SHOW	"ldapr", x19
	add	x9, x25, #4
	ldapr	w19, [x9]
	SHOW	"ldapr w", x19
	ldaprb	w19, [x22]
	SHOW	"ldaprb", x19
	mov	x0, #0x4321
	add	x9, x20, #1
	stlur	x0, [x9, #15]		/* unscaled odd offset, aligned address */
	ldapur	x19, [x9, #15]
	SHOW	"stlur/ldapur", x19
	ldapursb x19, [x20, #17]
	SHOW	"ldapursb", x19
	dmb	ish
	dmb	ishld
	dsb	sy
	isb

	/* LSE atomics on cell[0] */
	mov	x0, #1000
	str	x0, [x20]
	mov	x1, #5
	ldadd	x1, x19, [x20]
	SHOW	"ldadd old", x19
	mov	x1, #5
	ldaddal	x1, x19, [x20]
	SHOW	"ldaddal old", x19
	mov	x1, #0xff
	ldclr	x1, x19, [x20]
	SHOW	"ldclr old", x19
	ldr	x19, [x20]
	SHOW	"after ldclr", x19
	mov	x1, #0x5555
	ldeora	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldeora", x19
	mov	x1, #0x80000
	ldsetl	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldsetl", x19
	mov	x1, #-7
	ldsmax	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldsmax(-7)", x19
	mov	x1, #-7
	ldumax	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldumax(-7)", x19
	mov	x1, #12
	ldsmin	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldsmin(12)", x19
	mov	x1, #9
	ldumin	x1, x19, [x20]
	ldr	x19, [x20]
	SHOW	"after ldumin(9)", x19
	mov	x1, #100
	stadd	x1, [x20]
	mov	x1, #1
	stset	x1, [x20]
	ldr	x19, [x20]
	SHOW	"after stadd/stset", x19
	mov	w1, #0x7fffffff
	ldaddh	w1, w19, [x22]
	SHOW	"ldaddh old", x19
	ldr	x19, [x22]
	SHOW	"after ldaddh", x19
	mov	w1, #0x81
	add	x9, x22, #7
	ldsmaxb	w1, w19, [x9]
	SHOW	"ldsmaxb old", x19
	ldr	x19, [x22]
	SHOW	"after ldsmaxb", x19
	movz	w1, #0xef01
	movk	w1, #0xabcd, lsl #16
	add	x9, x20, #8
	ldeor	w1, w19, [x9]
	SHOW	"ldeor w old", x19
	ldr	x19, [x20, #8]
	SHOW	"after ldeor w", x19

	/* swap */
	mov	x1, #0xabc
	swp	x1, x19, [x20]
	SHOW	"swp old", x19
	mov	x1, #0xdef
	swpal	x1, x19, [x20]
	SHOW	"swpal old", x19
	mov	w1, #0x99
	swpb	w1, w19, [x22]
	SHOW	"swpb old", x19
	ldr	x19, [x22]
	SHOW	"after swpb", x19

	/* compare and swap */
	mov	x0, #0xdef		/* expected (matches) */
	mov	x1, #0x123
	cas	x0, x1, [x20]
	SHOW	"cas success returns", x0
	ldr	x19, [x20]
	SHOW	"cas success memory", x19
	mov	x0, #0xdef		/* expected (stale) */
	mov	x1, #0x456
	casal	x0, x1, [x20]
	SHOW	"casal failure returns", x0
	ldr	x19, [x20]
	SHOW	"casal failure memory", x19
	ldr	w0, [x20, #8]
	mov	w1, #0x1
	add	x9, x20, #8
	casa	w0, w1, [x9]
	ldr	x19, [x20, #8]
	SHOW	"casa w memory", x19
	mov	w0, #0x99
	mov	w1, #0x42
	casb	w0, w1, [x22]
	ldrb	w19, [x22]
	SHOW	"casb memory", x19
	mov	w0, #0x1234
	mov	w1, #0x4321
	add	x9, x22, #2
	caslh	w0, w1, [x9]
	SHOW	"caslh failure returns", x0
	/* casp: pair compare-and-swap (even register pairs) */
	ldp	x2, x3, [x21]
	mov	x4, #0xaaaa
	mov	x5, #0xbbbb
	casp	x2, x3, x4, x5, [x21]
	ldp	x19, x23, [x21]
	SHOW	"casp success a", x19
	SHOW	"casp success b", x23
	mov	x2, #0
	mov	x3, #0
	mov	x4, #1
	mov	x5, #2
	caspal	x2, x3, x4, x5, [x21]
	mov	x19, x2
	mov	x23, x3
	SHOW	"caspal failure returns a", x19
	SHOW	"caspal failure returns b", x23
	ldp	w6, w7, [x21]
	mov	w8, #7
	mov	w9, #8
	casp	w6, w7, w8, w9, [x21]
	ldp	w19, w23, [x21]
	SHOW	"casp w a", x19
	SHOW	"casp w b", x23

	mov	x0, #0
	EPILOGUE
	.size	main, . - main

	.section .note.GNU-stack,"",%progbits
