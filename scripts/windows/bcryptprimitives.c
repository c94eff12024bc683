/* Wine 8 (Debian 12) lacks bcryptprimitives.dll's ProcessPrng, which Rust's std imports on
   Windows since 1.78. This stand-in, put beside a test's .exe under Wine only, answers it with
   RtlGenRandom (advapi32's SystemFunction036), which Wine has. Never shipped. */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
