/* Hand-written loads and stores: all addressing modes (offset, pre/post-index, register
 * offset with extend), pairs, sign-extending loads, unaligned accesses, literal loads. */
#include "show.inc"

	.data
	.p2align 4
buf:
	.quad	0x1122334455667788, 0x99aabbccddeeff00, 0x8070605040302010, 0x0f0e0d0c0b0a0908
	.quad	0xfedcba9876543210, 0x0123456789abcdef, 0x8000000000000001, 0x7ffffffffffffffe
scratch:
	.zero	256

FUNC main
	PROLOGUE
	adrp	x20, buf
	add	x20, x20, :lo12:buf		/* x20 = buf */
	adrp	x21, scratch
	add	x21, x21, :lo12:scratch		/* x21 = scratch */

	/* immediate offsets, all sizes */
	ldr	x19, [x20, #8]
	SHOW	"ldr x [#8]", x19
	ldr	w19, [x20, #12]
	SHOW	"ldr w [#12]", x19
	ldrh	w19, [x20, #6]
	SHOW	"ldrh [#6]", x19
	ldrb	w19, [x20, #23]
	SHOW	"ldrb [#23]", x19
	ldrsb	x19, [x20, #23]
	SHOW	"ldrsb x [#23]", x19
	ldrsb	w19, [x20, #23]
	SHOW	"ldrsb w [#23]", x19
	ldrsh	x19, [x20, #22]
	SHOW	"ldrsh x [#22]", x19
	ldrsh	w19, [x20, #14]
	SHOW	"ldrsh w [#14]", x19
	ldrsw	x19, [x20, #36]
	SHOW	"ldrsw [#36]", x19
	ldur	x19, [x20, #3]
	SHOW	"ldur x [#3] unaligned", x19
	add	x24, x20, #32
	ldur	x19, [x24, #-5]
	SHOW	"ldur x [#-5]", x19
	ldursh	x19, [x24, #-1]
	SHOW	"ldursh [#-1]", x19

	/* pre/post-index writeback */
	mov	x22, x20
	ldr	x19, [x22, #16]!
	sub	x25, x22, x20
	SHOW	"ldr pre-index value", x19
	SHOW	"ldr pre-index base", x25
	ldr	x19, [x22], #-8
	sub	x25, x22, x20
	SHOW	"ldr post-index value", x19
	SHOW	"ldr post-index base", x25
	ldrb	w19, [x22, #-1]!
	sub	x25, x22, x20
	SHOW	"ldrb pre-index -1 value", x19
	SHOW	"ldrb pre-index -1 base", x25

	/* register offset with extend */
	mov	x1, #3
	ldr	x19, [x20, x1, lsl #3]
	SHOW	"ldr [x, x lsl #3]", x19
	mov	w1, #5
	ldr	x19, [x20, w1, uxtw #3]
	SHOW	"ldr [x, w uxtw #3]", x19
	add	x24, x20, #40
	mov	w1, #-2
	ldr	x19, [x24, w1, sxtw #3]
	SHOW	"ldr [x, w sxtw #3] (-2)", x19
	mov	x1, #-3
	ldr	x19, [x24, x1, sxtx]
	SHOW	"ldr [x, x sxtx] (-3)", x19
	mov	x1, #9
	ldrb	w19, [x20, x1]
	SHOW	"ldrb [x, x]", x19
	mov	w1, #-1
	ldrsh	x19, [x24, w1, sxtw #1]
	SHOW	"ldrsh [x, w sxtw #1]", x19
	mov	w1, #7
	ldr	w19, [x20, w1, uxtw #2]
	SHOW	"ldr w [x, w uxtw #2]", x19
	mov	x1, #7
	ldrsw	x19, [x20, x1, lsl #2]
	SHOW	"ldrsw [x, x lsl #2]", x19

	/* pairs */
	ldp	x19, x23, [x20, #16]
	SHOW	"ldp x a", x19
	SHOW	"ldp x b", x23
	ldp	w19, w23, [x20, #4]
	SHOW	"ldp w a", x19
	SHOW	"ldp w b", x23
	ldpsw	x19, x23, [x20, #48]
	SHOW	"ldpsw a", x19
	SHOW	"ldpsw b", x23
	ldnp	x19, x23, [x20, #32]
	eor	x19, x19, x23
	SHOW	"ldnp a^b", x19
	mov	x22, x20
	ldp	x19, x23, [x22, #32]!
	sub	x25, x22, x20
	SHOW	"ldp pre-index base", x25
	ldp	x19, x23, [x22], #-16
	sub	x25, x22, x20
	SHOW	"ldp post-index base", x25
	SHOW	"ldp post-index b", x23

	/* stores into scratch, then read back */
	mov	x22, x21
	movz	x0, #0xaaaa
	movk	x0, #0xbbbb, lsl #48
	mov	x1, #0x1234
	stp	x0, x1, [x22], #16
	stp	x1, x0, [x22, #16]!
	str	x0, [x22, #8]
	strb	w1, [x22, #-1]
	strh	w1, [x22, #-4]
	str	w0, [x22, #-12]
	stur	x1, [x22, #-31]
	mov	x2, #5
	str	x0, [x21, x2, lsl #3]
	mov	w2, #-1
	add	x3, x21, #64
	strb	w1, [x3, w2, sxtw]
	stnp	x1, x1, [x21, #80]
	stp	w0, w1, [x21, #96]
	str	xzr, [x21, #104]
	strh	wzr, [x21, #2]
	sub	x25, x22, x21
	SHOW	"store base after writebacks", x25
	/* checksum the first 112 bytes of scratch */
	mov	x19, #0
	mov	x0, x21
	mov	x1, #14
1:	ldr	x2, [x0], #8
	eor	x19, x2, x19, ror #7
	subs	x1, x1, #1
	b.ne	1b
	SHOW	"scratch checksum", x19
	ldr	x19, [x21, #0]
	SHOW	"scratch[0]", x19
	ldr	x19, [x21, #16]
	SHOW	"scratch[16]", x19
	ldr	x19, [x21, #40]
	SHOW	"scratch[40]", x19
	ldr	x19, [x21, #56]
	SHOW	"scratch[56]", x19

	/* stack: pre-index push/pop */
	mov	x0, #0x55
	mov	x1, #0x66
	stp	x0, x1, [sp, #-16]!
	str	x0, [sp, #-16]!
	ldr	x2, [sp], #16
	ldp	x3, x4, [sp], #16
	add	x19, x2, x3, lsl #8
	add	x19, x19, x4, lsl #16
	SHOW	"stack push/pop", x19

	/* literal loads */
	ldr	x19, lit64
	SHOW	"ldr x literal", x19
	ldr	w19, lit32
	SHOW	"ldr w literal", x19
	ldrsw	x19, lit32
	SHOW	"ldrsw literal", x19
	ldr	x19, =0x0badc0ffee0ddf00
	SHOW	"ldr =const (pool)", x19
	prfm	pldl1keep, [x20]
	prfm	pstl2strm, [x20, #64]
	prfm	pldl1keep, lit64
	SHOW	"prfm done", xzr

	/* unaligned pair and cross-cacheline access */
	add	x0, x20, #61
	ldr	x19, [x0, #-30]
	SHOW	"unaligned ldr [buf+31]", x19
	add	x0, x20, #2
	ldp	w19, w23, [x0]
	SHOW	"unaligned ldp w a", x19
	SHOW	"unaligned ldp w b", x23

	mov	x0, #0
	EPILOGUE
	.p2align 3
lit64:	.quad	0xc001d00dfeedface
lit32:	.word	0x87654321
	.ltorg
	.size	main, . - main

	.section .note.GNU-stack,"",%progbits
