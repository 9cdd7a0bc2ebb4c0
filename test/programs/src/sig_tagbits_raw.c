/* Signals: si_addr WITHOUT SA_EXPOSE_TAGBITS, printed raw. Linux clears the whole top byte
 * (bits 63:56) before delivery; qemu 7.2 always reports the full top byte (MTE.md §9 item 4).
 * Expected output is Linux's (linuxOverride); qemu's is kept under "qemu". */
#include "mte.h"

int main(void)
{
	u64 p = map_mte(PAGE);
	tagctrl_set(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCL(0xffff));
	set_tags(p, 32, 0xa);
	u64 gone = map_anon(PAGE, PROT_READ);
	sys_munmap(gone, PAGE);
	sig_install(SIGSEGV, skip_handler, 0);

	fault_reset();
	ld64(with_tag(p + 8, 3));
	tprintf("MTE fault, pointer tag 3: si_code=%d si_addr top byte=0x%02lx low-p=0x%lx\n", flog.code,
		flog.addr >> 56, untag(flog.addr) - p);
	fault_reset();
	ld64(with_tag(gone + 0x20, 0x6));
	tprintf("MAPERR, pointer tag 6: si_code=%d si_addr top byte=0x%02lx low-gone=0x%lx\n", flog.code,
		flog.addr >> 56, untag(flog.addr) - gone);
	return 0;
}
