/* MTE: the TCF mode and the ENABLE bit are independent. prctl TCF none: mismatches are
 * invisible; TCF sync: faults; switching back and forth. TCF_SYNC without
 * PR_TAGGED_ADDR_ENABLE still checks (Linux set_mte_ctrl ignores ENABLE; so does qemu);
 * ENABLE only controls whether syscalls accept tagged pointers (write() -> EFAULT without it).
 * MTE.md §3 (TCF values), §7. */
#include "mte.h"

static u64 p, bad;

static void probe(const char *label)
{
	fault_reset();
	st64(bad + 8, 0x11);
	ld64(bad + 8);
	tprintf("%-40s get=0x%lx faults=%d si_code=%d data=0x%lx\n", label, tagctrl_get(), flog.count, flog.code,
		peek64(p + 8));
	poke64(p + 8, 0);
}

int main(void)
{
	p = map_mte(PAGE);
	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	set_tags(p, 64, 8);
	bad = with_tag(p, 1);
	static const char msg[] = "[tagged write ok]\n";
	u64 tmsg = with_tag((u64)msg, 0xd);

	probe("default");
	tprintf("set ENABLE|NONE: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | INCL(0xffff)));
	probe("ENABLE, TCF none");
	tprintf("set ENABLE|SYNC: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff)));
	probe("ENABLE, TCF sync");
	tprintf("  write(tagged ptr): %ld\n", sys_write(1, (void *)tmsg, sizeof msg - 1));
	tprintf("set SYNC without ENABLE: %ld\n", tagctrl_set(PR_MTE_TCF_SYNC | INCL(0xffff)));
	probe("no ENABLE, TCF sync (still checked)");
	tprintf("  write(tagged ptr): %ld\n", sys_write(1, (void *)tmsg, sizeof msg - 1));
	tprintf("set NONE without ENABLE: %ld\n", tagctrl_set(INCL(0xffff)));
	probe("no ENABLE, TCF none");
	tprintf("set ENABLE|SYNC: %ld\n", tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC));
	probe("ENABLE, TCF sync, include 0");
	tprintf("set 0: %ld\n", tagctrl_set(0));
	probe("all zero");
	return 0;
}
