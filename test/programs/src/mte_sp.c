/* MTE: SP-based accesses. Immediate-offset loads/stores and pairs with SP base and no
 * writeback are Unchecked; with pre/post-index writeback they are checked; register-offset
 * forms are always checked; exclusives/atomics/acquire-release with Rn=SP are Unchecked.
 * SP is pointed (tag 0) into a PROT_MTE region whose granules are tagged 5, so every checked
 * access mismatches. Signals are taken on an alternate stack. MTE.md §2.5. */
#include "mte.h"

static u64 fake_sp;
static u8 altstack[16384] __attribute__((aligned(16)));

#define SPCASE(label, insn)                                                                          \
	do {                                                                                         \
		u64 after;                                                                           \
		fault_reset();                                                                       \
		__asm__ volatile("mov x19, sp\n\t"                                                   \
				 "mov sp, %1\n\t"                                                    \
				 "mov x10, #16\n\t"                                                  \
				 "mov x0, #1\n\t"                                                    \
				 "mov x1, #2\n\t" insn "\n\t"                                        \
				 "mov %0, sp\n\t"                                                    \
				 "mov sp, x19"                                                       \
				 : "=r"(after)                                                       \
				 : "r"(fake_sp)                                                      \
				 : "x0", "x1", "x9", "x10", "x19", "memory");                              \
		tprintf("%-34s %s sp_delta=%ld\n", label ":", flog.count ? "FAULT" : "ok   ",              \
			(i64)(after - fake_sp));                                                     \
		if (flog.count)                                                                      \
			show_fault("  fault", fake_sp);                                                   \
	} while (0)

int main(void)
{
	u64 m = map_mte(2 * PAGE);
	set_tags(m, 2 * PAGE, 5);
	fake_sp = m + PAGE; /* 16-aligned, tag 0 */
	struct tstack ss = {(u64)altstack, 0, 0, sizeof altstack};
	tprintf("sigaltstack: %ld\n", sys_sigaltstack(&ss, 0));
	tprintf("prctl sync: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS | SA_ONSTACK);

	/* Unchecked: SP base, immediate offset, no writeback */
	SPCASE("str xzr, [sp, #16]", "str xzr, [sp, #16]");
	SPCASE("ldr x0, [sp, #8]", "ldr x0, [sp, #8]");
	SPCASE("ldrb w0, [sp, #4095]", "ldrb w0, [sp, #4095]");
	SPCASE("ldur x0, [sp, #-8]", "ldur x0, [sp, #-8]");
	SPCASE("stur w1, [sp, #-3]", "stur w1, [sp, #-3]");
	SPCASE("ldp x0, x1, [sp, #32]", "ldp x0, x1, [sp, #32]");
	SPCASE("stp x0, x1, [sp, #-16]", "stp x0, x1, [sp, #-16]");
	SPCASE("ldpsw x0, x1, [sp]", "ldpsw x0, x1, [sp]");
	SPCASE("stnp x0, x1, [sp, #64]", "stnp x0, x1, [sp, #64]");
	/* Checked: writeback forms */
	SPCASE("str xzr, [sp, #16]!", "str xzr, [sp, #16]!");
	SPCASE("str x0, [sp, #-16]!", "str x0, [sp, #-16]!");
	SPCASE("ldr x0, [sp], #16", "ldr x0, [sp], #16");
	SPCASE("ldp x0, x1, [sp], #16", "ldp x0, x1, [sp], #16");
	SPCASE("stp x0, x1, [sp, #-16]!", "stp x0, x1, [sp, #-16]!");
	SPCASE("ldrb w0, [sp, #1]!", "ldrb w0, [sp, #1]!");
	/* Checked: register offset, even with SP base */
	SPCASE("str xzr, [sp, x10]", "str xzr, [sp, x10]");
	SPCASE("ldr x0, [sp, x10, lsl #3]", "ldr x0, [sp, x10, lsl #3]");
	SPCASE("ldrb w0, [sp, w10, uxtw]", "ldrb w0, [sp, w10, uxtw]");
	/* Unchecked: exclusives, acquire/release, atomics with Rn=SP */
	SPCASE("ldxr x0, [sp]", "ldxr x0, [sp]\n\tclrex");
	SPCASE("ldaxr x0, [sp] + stlxr", "ldaxr x0, [sp]\n\tstlxr w1, x0, [sp]");
	SPCASE("ldar x0, [sp]", "ldar x0, [sp]");
	SPCASE("stlr x0, [sp]", "stlr x0, [sp]");
	SPCASE("ldapr x0, [sp]", "ldapr x0, [sp]");
	SPCASE("ldadd x1, x0, [sp]", "ldadd x1, x0, [sp]");
	SPCASE("swp x1, x0, [sp]", "swp x1, x0, [sp]");
	SPCASE("cas x0, x1, [sp]", "cas x0, x1, [sp]");
	SPCASE("stset x1, [sp]", "stset x1, [sp]");
	/* the same forms through an ordinary register holding the same (tag 0) address: checked */
	SPCASE("mov x9,sp; ldr x0, [x9, #8]", "mov x9, sp\n\tldr x0, [x9, #8]");
	SPCASE("mov x9,sp; ldar x0, [x9]", "mov x9, sp\n\tldar x0, [x9]");
	SPCASE("mov x9,sp; ldadd x1, x0, [x9]", "mov x9, sp\n\tldadd x1, x0, [x9]");
	/* SP carrying the matching tag: writeback forms pass */
	fake_sp = with_tag(fake_sp, 5);
	SPCASE("tag5 sp: str x0, [sp, #-16]!", "str x0, [sp, #-16]!");
	SPCASE("tag5 sp: ldp x0, x1, [sp], #16", "ldp x0, x1, [sp], #16");
	SPCASE("tag5 sp: ldr x0, [sp, x10]", "ldr x0, [sp, x10]");
	return 0;
}
