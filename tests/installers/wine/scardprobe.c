/* scardprobe: what the smart-card service answers, as the app's first PC/SC call sees it:
 * SCardEstablishContext(SCARD_SCOPE_USER), then SCardListReadersW when a context exists.
 * Prints each return code (hex and name). Test-only (Wine); never shipped.
 * Exit code: 0 a context was established, 1 not. */
#include <windows.h>
#include <winscard.h>
#include <stdio.h>

static const char *name(LONG rc) {
    switch ((DWORD)rc) {
    case SCARD_S_SUCCESS: return "SCARD_S_SUCCESS";
    case SCARD_E_NO_SERVICE: return "SCARD_E_NO_SERVICE";
    case SCARD_E_SERVICE_STOPPED: return "SCARD_E_SERVICE_STOPPED";
    case SCARD_E_NO_READERS_AVAILABLE: return "SCARD_E_NO_READERS_AVAILABLE";
    case SCARD_E_NO_SMARTCARD: return "SCARD_E_NO_SMARTCARD";
    case SCARD_E_INVALID_PARAMETER: return "SCARD_E_INVALID_PARAMETER";
    case SCARD_E_INVALID_HANDLE: return "SCARD_E_INVALID_HANDLE";
    case SCARD_F_INTERNAL_ERROR: return "SCARD_F_INTERNAL_ERROR";
    case SCARD_E_READER_UNAVAILABLE: return "SCARD_E_READER_UNAVAILABLE";
    case SCARD_F_COMM_ERROR: return "SCARD_F_COMM_ERROR";
    case SCARD_E_UNSUPPORTED_FEATURE: return "SCARD_E_UNSUPPORTED_FEATURE";
    case ERROR_CALL_NOT_IMPLEMENTED: return "ERROR_CALL_NOT_IMPLEMENTED";
    case ERROR_INVALID_HANDLE: return "ERROR_INVALID_HANDLE";
    default: return "other";
    }
}

int main(void) {
    SCARDCONTEXT ctx = 0;
    LONG rc = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &ctx);
    printf("SCardEstablishContext: 0x%08lx %s (context %s)\n", (unsigned long)rc, name(rc), ctx ? "set" : "none");
    if (rc != SCARD_S_SUCCESS) return 1;
    DWORD len = SCARD_AUTOALLOCATE;
    LPWSTR readers = NULL;
    rc = SCardListReadersW(ctx, NULL, (LPWSTR)&readers, &len);
    printf("SCardListReadersW: 0x%08lx %s\n", (unsigned long)rc, name(rc));
    if (rc == SCARD_S_SUCCESS) {
        for (LPWSTR r = readers; *r; r += lstrlenW(r) + 1) printf("  reader: %ls\n", r);
        SCardFreeMemory(ctx, readers);
    }
    rc = SCardIsValidContext(ctx);
    printf("SCardIsValidContext: 0x%08lx %s\n", (unsigned long)rc, name(rc));
    rc = SCardReleaseContext(ctx);
    printf("SCardReleaseContext: 0x%08lx %s\n", (unsigned long)rc, name(rc));
    return 0;
}
