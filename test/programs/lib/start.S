/* Tagscope guest runtime: process entry point.
 * Linux/AArch64 initial stack: [sp] = argc, [sp+8..] = argv[], NULL, envp[], NULL, auxv[].
 * We call main(argc, argv, envp) and exit_group(main's return value). */
	.text
	.globl	_start
	.type	_start, %function
	.p2align 2
_start:
	mov	x29, #0
	mov	x30, #0
	ldr	x0, [sp]		/* argc */
	add	x1, sp, #8		/* argv */
	add	x2, x1, x0, lsl #3
	add	x2, x2, #8		/* envp = &argv[argc+1] */
	adrp	x3, tiny_envp
	str	x2, [x3, :lo12:tiny_envp]
	bl	main
	mov	x8, #94			/* exit_group */
	svc	#0
	udf	#0
	.size	_start, . - _start

	/* Signal return trampoline used as sa_restorer for every handler. */
	.globl	tiny_sigreturn
	.type	tiny_sigreturn, %function
	.p2align 2
tiny_sigreturn:
	mov	x8, #139		/* rt_sigreturn */
	svc	#0
	.size	tiny_sigreturn, . - tiny_sigreturn

	.bss
	.p2align 3
	.globl	tiny_envp
tiny_envp:
	.zero	8

	.section .note.GNU-stack,"",%progbits
