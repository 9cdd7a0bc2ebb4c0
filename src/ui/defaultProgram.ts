/** The teaching scenario shown on first start: a one-granule heap overflow caught by MTE. */
export const DEFAULT_PROGRAM = `// A one-granule heap overflow, caught by MTE.
// mmap a PROT_MTE page, give two 32-byte objects random tags with
// IRG and colour them with ST2G, then write one granule past the
// end of the first object. Try TCF none, TCO or PROT_MTE off.
_start:
        mov     x0, #0              // addr: let the kernel choose
        mov     x1, #4096           // one page
        mov     x2, #0x23           // PROT_READ | PROT_WRITE | PROT_MTE
        mov     x3, #0x22           // MAP_PRIVATE | MAP_ANONYMOUS
        mov     x4, #-1             // no file
        mov     x5, #0
        mov     x8, #222            // mmap
        svc     #0
        irg     x1, x0              // object A: a random tag (GCR_EL1.Exclude keeps 0 out)
        st2g    x1, [x1]            // colour A's two granules
        add     x9, x0, #64
        irg     x9, x9              // object B, 64 bytes further on
        st2g    x9, [x9]            // colour B
        mov     x2, #0x41
        str     x2, [x1]            // in bounds: the tags match
        str     x2, [x1, #16]       // in bounds: the tags match
        str     x2, [x1, #32]       // one granule past A: allocation tag 0
        mov     x0, #0
        mov     x8, #93             // exit(0)
        svc     #0
`;
