// Tagscope benchmark guest: a tight loop of tag-checked 64-bit loads and stores with ALU work.
// Usage: tagloop MODE ITERATIONS
//   MODE "sync": tag checks on, synchronous; "none": TCF none on tagged memory;
//   "untagged": TCF none and a plain (non-PROT_MTE) buffer, so no access is tag checked at all.
// Each iteration executes 9 instructions, two of them tag-checked accesses.
    .text
    .globl _start
_start:
    ldr     x19, [sp]              // argc
    add     x20, sp, #8            // argv
    mov     x21, #1                // default mode: sync
    mov     x23, #0x23             // PROT_READ|PROT_WRITE|PROT_MTE
    mov     x22, #1000             // default iterations
    cmp     x19, #2
    b.lt    1f
    ldr     x0, [x20, #8]
    ldrb    w1, [x0]
    cmp     w1, #'s'
    cset    x21, eq                // "sync" -> 1, anything else -> 0
    cmp     w1, #'u'
    b.ne    1f
    mov     x23, #0x3              // "untagged": PROT_READ|PROT_WRITE
1:  cmp     x19, #3
    b.lt    3f
    ldr     x0, [x20, #16]         // parse decimal iterations
    mov     x22, #0
2:  ldrb    w1, [x0], #1
    cbz     w1, 3f
    sub     w1, w1, #'0'
    mov     x2, #10
    madd    x22, x22, x2, x1
    b       2b
3:  // prctl(PR_SET_TAGGED_ADDR_CTRL, ENABLE | (sync ? TCF_SYNC : 0) | include 0xfffe << 3)
    mov     x0, #55
    mov     x1, #1
    lsl     x2, x21, #1
    orr     x1, x1, x2
    mov     x2, #0xfffe
    orr     x1, x1, x2, lsl #3
    mov     x2, #0
    mov     x3, #0
    mov     x4, #0
    mov     x8, #167
    svc     #0
    cbnz    x0, fail
    // mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_MTE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
    mov     x0, #0
    mov     x1, #4096
    mov     x2, x23
    mov     x3, #0x22
    mov     x4, #-1
    mov     x5, #0
    mov     x8, #222
    svc     #0
    cmn     x0, #4096
    b.hi    fail
    irg     x1, x0                 // random tag for the buffer
    mov     x2, x1
    mov     x3, #256
4:  stg     x1, [x2], #16
    subs    x3, x3, #1
    b.ne    4b
    mov     x4, #0                 // byte offset, wraps within the page
    mov     x5, #0x9e37
    movk    x5, #0x79b9, lsl #16
    mov     x6, #0
5:  ldr     x3, [x1, x4]
    eor     x3, x3, x6
    mul     x3, x3, x5
    add     x6, x6, x3
    str     x3, [x1, x4]
    add     x4, x4, #8
    and     x4, x4, #0xff8
    subs    x22, x22, #1
    b.ne    5b
    nop
    // print the checksum's low byte as a sanity check: write(1, &byte, 1) after converting to a letter
    and     x6, x6, #15
    add     x6, x6, #'a'
    strb    w6, [sp, #-16]!
    mov     x0, #1
    mov     x1, sp
    mov     x2, #1
    mov     x8, #64
    svc     #0
    mov     x0, #0
    mov     x8, #93
    svc     #0
fail:
    mov     x0, #1
    mov     x8, #93
    svc     #0
