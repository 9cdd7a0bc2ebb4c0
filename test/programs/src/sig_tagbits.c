/* Signals: si_addr and the top byte. With SA_EXPOSE_TAGBITS the handler sees bits 59:56 of a
 * tag check fault address and the whole top byte of other faults (pointers here keep 63:60 = 0,
 * so qemu and Linux agree). Without it, only bits 55:0 are printed (Linux clears the top byte,
 * qemu does not: see sig_tagbits_raw). MTE.md §3, §9 item 4. */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	set_tags(p, 32, 0xa);
	u64 gone = map_anon(PAGE, PROT_READ);
	sys_munmap(gone, PAGE);

	sig_install(SIGSEGV, skip_handler, SA_EXPOSE_TAGBITS);
	fault_reset();
	ld64(with_tag(p + 8, 3));
	tprintf("EXPOSE_TAGBITS, MTE fault tag3: si_code=%d si_addr-p=0x%lx\n", flog.code, flog.addr - p);
	fault_reset();
	ld64(with_tag(gone + 0x20, 0x6));
	tprintf("EXPOSE_TAGBITS, MAPERR tag6: si_code=%d si_addr-gone=0x%lx\n", flog.code, flog.addr - gone);
	fault_reset();
	ld64(gone + 0x28);
	tprintf("EXPOSE_TAGBITS, MAPERR untagged: si_code=%d si_addr-gone=0x%lx\n", flog.code, flog.addr - gone);

	sig_install(SIGSEGV, skip_handler, 0);
	fault_reset();
	ld64(with_tag(p + 8, 3));
	tprintf("no EXPOSE, MTE fault tag3: si_code=%d (si_addr & 0x00ff..ff)-p=0x%lx\n", flog.code,
		untag(flog.addr) - p);
	fault_reset();
	ld64(with_tag(gone + 0x20, 0x6));
	tprintf("no EXPOSE, MAPERR tag6: si_code=%d (si_addr & 0x00ff..ff)-gone=0x%lx\n", flog.code,
		untag(flog.addr) - gone);
	fault_reset();
	ld64(gone + 0x28);
	tprintf("no EXPOSE, MAPERR untagged: si_code=%d si_addr-gone=0x%lx\n", flog.code, flog.addr - gone);
	return 0;
}
