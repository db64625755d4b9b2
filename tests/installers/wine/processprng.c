/* bcryptprimitives.dll for Wine 8 only (tests): Rust's standard library (1.78 and later)
 * takes its random bytes from ProcessPrng in bcryptprimitives.dll, which Wine 8.0 lacks,
 * so every Rust .exe exits at start (code 53). This stub answers ProcessPrng with
 * RtlGenRandom (advapi32's SystemFunction036). Real Windows has the DLL: never shipped.
 * Built by tests/installers/wine.sh: x86_64-w64-mingw32-gcc -shared ... -ladvapi32 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
