/* MTE: LDAPUR/STLUR (FEAT_LRCPC2, unscaled-offset RCpc) with an X-register base are tag
 * checked like every other load/store form with Rn != 31 (MTE.md §2.5 table: "LDAPUR/STLUR
 * ... Rn != 31"). qemu 7.2 does NOT check them (it translates them with clean_data_tbi, no
 * MTE check), so the expected output records the Linux/pseudocode result and keeps qemu's
 * output under "qemu" (linuxOverride). */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 64, 7);
	u64 bad = with_tag(p + 16, 2), good = with_tag(p + 16, 7);
	u64 v;

	fault_reset();
	v = SENTINEL;
	__asm__ volatile("ldapur %0, [%1, #-8]" : "+r"(v) : "r"(good) : "memory");
	show_fault("ldapur matching tag", p);
	fault_reset();
	__asm__ volatile("stlur %1, [%0, #8]" : : "r"(good), "r"(0x55UL) : "memory");
	show_fault("stlur matching tag", p);
	tprintf("  memory at +24: 0x%lx\n", peek64(p + 24));

	fault_reset();
	v = SENTINEL;
	__asm__ volatile("ldapur %0, [%1, #-8]" : "+r"(v) : "r"(bad) : "memory");
	show_fault("ldapur mismatched tag", p);
	tprintf("  destination unchanged: %d\n", v == SENTINEL);
	fault_reset();
	__asm__ volatile("stlur %1, [%0, #24]" : : "r"(bad), "r"(0x66UL) : "memory");
	show_fault("stlur mismatched tag", p);
	tprintf("  memory at +40: 0x%lx\n", peek64(p + 40));
	fault_reset();
	v = SENTINEL;
	__asm__ volatile("ldapursw %0, [%1, #1]" : "+r"(v) : "r"(bad + 3) : "memory");
	show_fault("ldapursw mismatched tag", p);
	return 0;
}
