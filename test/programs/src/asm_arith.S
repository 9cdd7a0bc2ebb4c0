/* Hand-written integer data processing: move-wide, logical immediates, extended/shifted
 * register add/sub, carry arithmetic, conditional select/compare, multiply/divide,
 * variable shifts, bitfield moves, bit reversal. Each result is printed as "name: 0x...". */
#include "show.inc"

FUNC main
	PROLOGUE

	/* --- move wide --- */
	movz	x19, #0xdef0
	movk	x19, #0x9abc, lsl #16
	movk	x19, #0x5678, lsl #32
	movk	x19, #0x1234, lsl #48
	SHOW	"movz+movk", x19
	movn	x19, #0x1234
	SHOW	"movn x", x19
	movn	w19, #0x1234, lsl #16
	SHOW	"movn w lsl16", x19
	mov	x19, #-2
	SHOW	"mov #-2", x19
	movz	w19, #0xffff, lsl #16
	movk	w19, #0x8001
	SHOW	"movz w+movk w", x19
	mov	x19, #0xffff00000000ffff
	SHOW	"mov bitmask imm", x19

	/* --- logical immediates --- */
	movz	x20, #0xcdef
	movk	x20, #0x89ab, lsl #16
	movk	x20, #0x4567, lsl #32
	movk	x20, #0x0123, lsl #48	/* x20 = 0x0123456789abcdef */
	and	x19, x20, #0xff00ff00ff00ff00
	SHOW	"and #0xff00ff00ff00ff00", x19
	orr	x19, x20, #0x5555555555555555
	SHOW	"orr #0x5555..", x19
	eor	x19, x20, #0x0f0f0f0f0f0f0f0f
	SHOW	"eor #0x0f0f..", x19
	and	w19, w20, #0x7ffffffe
	SHOW	"and w #0x7ffffffe", x19
	eor	w19, w20, #0xc0000003
	SHOW	"eor w #0xc0000003", x19
	orr	x19, xzr, #0x3ffc0
	SHOW	"orr xzr #0x3ffc0", x19
	ands	x19, x20, #0x8000000000000000
	SHOWNZCV "ands nzcv"
	tst	x20, #0x1
	SHOWNZCV "tst #1 nzcv"

	/* --- shifted register --- */
	mov	x21, #0x7
	add	x19, x20, x21, lsl #60
	SHOW	"add lsl #60", x19
	sub	x19, x20, x20, asr #3
	SHOW	"sub asr #3", x19
	orr	x19, x20, x20, ror #13
	SHOW	"orr ror #13", x19
	bic	x19, x20, x20, lsr #4
	SHOW	"bic lsr #4", x19
	orn	x19, x21, x20
	SHOW	"orn", x19
	eon	x19, x20, x21, lsl #8
	SHOW	"eon lsl #8", x19
	neg	x19, x20, lsl #1
	SHOW	"neg lsl #1", x19
	mvn	w19, w20, ror #7
	SHOW	"mvn w ror #7", x19
	bics	x19, x21, x21
	SHOWNZCV "bics nzcv (zero)"

	/* --- extended register --- */
	mov	x22, #0xff80
	movk	x22, #0xfedc, lsl #16
	movk	x22, #0x8000, lsl #48	/* x22 = 0x80000000fedcff80 */
	add	x19, x20, w22, uxtb
	SHOW	"add uxtb", x19
	add	x19, x20, w22, sxtb #2
	SHOW	"add sxtb #2", x19
	add	x19, x20, w22, uxth #1
	SHOW	"add uxth #1", x19
	add	x19, x20, w22, sxth #3
	SHOW	"add sxth #3", x19
	sub	x19, x20, w22, uxtw #4
	SHOW	"sub uxtw #4", x19
	sub	x19, x20, w22, sxtw
	SHOW	"sub sxtw", x19
	add	x19, x20, x22, sxtx #2
	SHOW	"add sxtx #2", x19
	add	w19, w20, w22, uxtb #4
	SHOW	"add w uxtb #4", x19
	mov	x23, sp
	add	x19, sp, #0x10
	sub	x19, x19, x23
	SHOW	"add sp,#0x10 - sp", x19
	add	x19, sp, w21, uxtw #3
	sub	x19, x19, x23
	SHOW	"add sp, w21 uxtw #3 - sp", x19
	cmp	x21, w22, sxtb
	SHOWNZCV "cmp x21, w22 sxtb nzcv"
	cmn	w21, w22, uxth
	SHOWNZCV "cmn w uxth nzcv"

	/* --- carries and flags --- */
	mov	x24, #-1
	adds	x19, x24, #1
	SHOWNZCV "adds -1+1 nzcv"
	adc	x19, xzr, xzr
	SHOW	"adc after carry", x19
	mov	x24, #0x7fffffffffffffff
	adds	x19, x24, #1
	SHOWNZCV "adds max+1 nzcv"
	mov	x0, #0
	subs	x19, x0, #1
	SHOWNZCV "subs 0-1 nzcv"
	sbc	x19, x20, x21
	SHOW	"sbc (c=0)", x19
	mov	x24, #5
	cmp	x24, #3
	sbcs	x19, x24, x21
	SHOWNZCV "sbcs nzcv"
	ngc	x26, x21		/* flags still from sbcs (C=0) */
	SHOW	"sbcs (c=1) 5-7", x19
	SHOW	"ngc", x26
	mov	w24, #0x7fffffff
	adds	w19, w24, w24
	SHOWNZCV "adds w overflow nzcv"
	adcs	w19, w24, w24
	SHOW	"adcs w", x19
	subs	w19, w24, #0xfff, lsl #12
	SHOW	"subs w #0xfff lsl 12", x19

	/* --- conditional select / compare --- */
	mov	x24, #10
	mov	x25, #-3
	cmp	x24, x25
	csel	x19, x24, x25, lt
	SHOW	"csel lt", x19
	cmp	x24, x25
	csinc	x19, x24, x25, lo
	SHOW	"csinc lo (10 <u -3)", x19
	cmp	x24, x25
	csinv	x19, x24, x25, ge
	SHOW	"csinv ge", x19
	cmp	x24, x25
	csneg	x19, x24, x25, le
	SHOW	"csneg le", x19
	cmp	x24, #10
	cset	x19, eq
	SHOW	"cset eq", x19
	cmp	x24, #11
	csetm	x19, ne
	SHOW	"csetm ne", x19
	cmp	x25, #0
	cneg	x19, x25, mi
	SHOW	"cneg mi (abs -3)", x19
	cmp	x25, #0
	cinc	x19, x24, pl
	SHOW	"cinc pl", x19
	cmp	w25, #0
	cinv	w19, w24, lt
	SHOW	"cinv w lt", x19
	/* ccmp chains: (x24 == 10 && x25 < 0) */
	cmp	x24, #10
	ccmp	x25, #0, #0, eq
	cset	x19, lt
	SHOW	"ccmp chain true", x19
	cmp	x24, #11
	ccmp	x25, #0, #0, eq
	cset	x19, lt
	SHOW	"ccmp chain false", x19
	cmp	x24, #11
	ccmp	x25, #0, #0b1000, eq
	SHOWNZCV "ccmp failed cond -> nzcv=#8"
	cmp	x24, #10
	ccmn	x25, #3, #0b0010, eq
	SHOWNZCV "ccmn -3+3 nzcv"
	cmp	w24, w25
	ccmp	w24, w25, #0xf, hs
	SHOWNZCV "ccmp w reg nzcv"
	/* all condition codes after cmp 10, -3 */
	mov	x19, #0
	cmp	x24, x25
	cset	x0, eq
	orr	x19, x19, x0, lsl #0
	cset	x0, ne
	orr	x19, x19, x0, lsl #1
	cset	x0, hs
	orr	x19, x19, x0, lsl #2
	cset	x0, lo
	orr	x19, x19, x0, lsl #3
	cset	x0, mi
	orr	x19, x19, x0, lsl #4
	cset	x0, pl
	orr	x19, x19, x0, lsl #5
	cset	x0, vs
	orr	x19, x19, x0, lsl #6
	cset	x0, vc
	orr	x19, x19, x0, lsl #7
	cset	x0, hi
	orr	x19, x19, x0, lsl #8
	cset	x0, ls
	orr	x19, x19, x0, lsl #9
	cset	x0, ge
	orr	x19, x19, x0, lsl #10
	cset	x0, lt
	orr	x19, x19, x0, lsl #11
	cset	x0, gt
	orr	x19, x19, x0, lsl #12
	cset	x0, le
	orr	x19, x19, x0, lsl #13
	csinc	x0, xzr, xzr, al
	orr	x19, x19, x0, lsl #14
	SHOW	"cond bits (cmp 10,-3)", x19

	/* --- multiply / divide --- */
	mov	x24, #0x1234
	movk	x24, #0xfedc, lsl #48
	mov	x25, #0x7777
	movk	x25, #0x1111, lsl #32
	mul	x19, x24, x25
	SHOW	"mul", x19
	madd	x19, x24, x25, x20
	SHOW	"madd", x19
	msub	x19, x24, x25, x20
	SHOW	"msub", x19
	mneg	x19, x24, x25
	SHOW	"mneg", x19
	smulh	x19, x24, x25
	SHOW	"smulh", x19
	umulh	x19, x24, x25
	SHOW	"umulh", x19
	smull	x19, w24, w22
	SHOW	"smull", x19
	umull	x19, w24, w22
	SHOW	"umull", x19
	smaddl	x19, w22, w22, x20
	SHOW	"smaddl", x19
	umsubl	x19, w22, w22, x20
	SHOW	"umsubl", x19
	smnegl	x19, w22, w25
	SHOW	"smnegl", x19
	mul	w19, w24, w22
	SHOW	"mul w", x19
	udiv	x19, x20, x25
	SHOW	"udiv", x19
	sdiv	x19, x24, x25
	SHOW	"sdiv neg", x19
	udiv	x19, x20, xzr
	SHOW	"udiv by 0", x19
	sdiv	w19, w22, wzr
	SHOW	"sdiv w by 0", x19
	mov	x0, #-1
	mov	x1, #1
	lsl	x1, x1, #63
	sdiv	x19, x1, x0
	SHOW	"sdiv min/-1", x19
	mov	w0, #-1
	mov	w1, #0x80000000
	sdiv	w19, w1, w0
	SHOW	"sdiv w min/-1", x19

	/* --- variable shifts (amount taken modulo the width) --- */
	mov	x26, #67
	lsl	x19, x20, x26
	SHOW	"lslv 67", x19
	lsr	x19, x20, x26
	SHOW	"lsrv 67", x19
	asr	x19, x22, x26
	SHOW	"asrv 67", x19
	ror	x19, x20, x26
	SHOW	"rorv 67", x19
	mov	w26, #33
	lsl	w19, w20, w26
	SHOW	"lslv w 33", x19
	asr	w19, w22, w26
	SHOW	"asrv w 33", x19
	ror	w19, w20, w26
	SHOW	"rorv w 33", x19
	ror	x19, x20, #17
	SHOW	"ror #17", x19
	extr	x19, x20, x22, #40
	SHOW	"extr #40", x19
	extr	w19, w20, w22, #5
	SHOW	"extr w #5", x19

	/* --- bitfield moves --- */
	mov	x19, x22
	bfi	x19, x20, #8, #12
	SHOW	"bfi #8,#12", x19
	mov	x19, x22
	bfxil	x19, x20, #20, #16
	SHOW	"bfxil #20,#16", x19
	ubfx	x19, x22, #4, #12
	SHOW	"ubfx #4,#12", x19
	sbfx	x19, x22, #4, #12
	SHOW	"sbfx #4,#12", x19
	ubfiz	x19, x22, #36, #10
	SHOW	"ubfiz #36,#10", x19
	sbfiz	x19, x22, #36, #10
	SHOW	"sbfiz #36,#10", x19
	sbfx	x19, x22, #63, #1
	SHOW	"sbfx #63,#1", x19
	bfc	x19, #8, #40
	SHOW	"bfc #8,#40", x19
	sxtb	x19, w22
	SHOW	"sxtb", x19
	sxth	x19, w22
	SHOW	"sxth", x19
	sxtw	x19, w22
	SHOW	"sxtw", x19
	uxtb	w19, w22
	SHOW	"uxtb", x19
	uxth	w19, w22
	SHOW	"uxth", x19
	mov	w19, w22
	SHOW	"mov w (uxtw)", x19
	ubfm	x19, x20, #60, #3
	SHOW	"ubfm #60,#3", x19
	sbfm	w19, w22, #7, #5
	SHOW	"sbfm w #7,#5", x19
	bfm	x19, x20, #12, #3
	SHOW	"bfm #12,#3", x19

	/* --- bit counting / reversal --- */
	clz	x19, x22
	SHOW	"clz", x19
	clz	w19, w21
	SHOW	"clz w", x19
	clz	x19, xzr
	SHOW	"clz 0", x19
	cls	x19, x22
	SHOW	"cls", x19
	cls	w19, w22
	SHOW	"cls w", x19
	rbit	x19, x20
	SHOW	"rbit", x19
	rbit	w19, w20
	SHOW	"rbit w", x19
	rev	x19, x20
	SHOW	"rev", x19
	rev	w19, w20
	SHOW	"rev w", x19
	rev16	x19, x20
	SHOW	"rev16", x19
	rev32	x19, x20
	SHOW	"rev32", x19

	/* --- pc-relative --- */
	adr	x19, 1f
	adr	x0, 2f
	sub	x19, x0, x19
	SHOW	"adr distance", x19
1:	nop
	nop
	nop
2:	adrp	x0, main
	adrp	x19, main + 0x3000
	sub	x19, x19, x0
	SHOW	"adrp distance", x19

	/* --- branches: cbz/cbnz/tbz/tbnz/b.cond loop --- */
	mov	x19, #0
	mov	x0, #37
3:	tbz	x0, #0, 4f
	add	x19, x19, #1		/* count odd numbers */
4:	tbnz	x0, #5, 5f
	add	x19, x19, #0x100	/* count numbers < 32 */
5:	sub	x0, x0, #1
	cbnz	x0, 3b
	cbz	x19, 6f
	add	x19, x19, #0x10, lsl #12
6:	mov	w0, #3
	cmp	w0, #2
	b.gt	7f
	add	x19, x19, #0x100, lsl #12	/* not taken */
7:	SHOW	"branch loop", x19

	mov	x0, #0
	EPILOGUE
	.size	main, . - main

	.section .note.GNU-stack,"",%progbits
