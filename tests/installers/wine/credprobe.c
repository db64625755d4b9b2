/* credprobe write|read|delete TARGET [SIZE]: Windows Credential Manager as the app's
 * keystore uses it (a generic credential, persistence "local machine", a binary blob).
 * write: CredWriteW of SIZE bytes (a fixed pattern); read: CredReadW, checks the size
 * given and the pattern; delete: CredDeleteW. Prints one line; on failure the Win32
 * error (1312 ERROR_NO_SUCH_LOGON_SESSION is "Credential Manager unavailable", 1168
 * ERROR_NOT_FOUND "no such credential"). Test-only (Wine); never shipped.
 * Exit codes: 0 done, 1 the call failed, 2 usage, 3 the blob read back differs. */
#include <windows.h>
#include <wincred.h>
#include <stdio.h>
#include <stdlib.h>

static BYTE pattern(DWORD i) { return (BYTE)(i * 7 + 3); }

static int fail(const char *what) {
    DWORD err = GetLastError();
    printf("credprobe: %s failed: error %lu (0x%08lx)\n", what, (unsigned long)err, (unsigned long)err);
    return 1;
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: credprobe write TARGET SIZE | read TARGET [SIZE] | delete TARGET\n");
        return 2;
    }
    const wchar_t *op = argv[1], *target = argv[2];
    DWORD size = argc > 3 ? (DWORD)wcstoul(argv[3], NULL, 10) : 0;
    if (lstrcmpW(op, L"write") == 0 && argc == 4) {
        BYTE *blob = malloc(size ? size : 1);
        for (DWORD i = 0; i < size; i++) blob[i] = pattern(i);
        CREDENTIALW cred = { 0 };
        cred.Type = CRED_TYPE_GENERIC;
        cred.TargetName = (LPWSTR)target;
        cred.UserName = L"certisante";
        cred.Persist = CRED_PERSIST_LOCAL_MACHINE;
        cred.CredentialBlobSize = size;
        cred.CredentialBlob = blob;
        if (!CredWriteW(&cred, 0)) return fail("CredWriteW");
        printf("credprobe: CredWriteW wrote %lu bytes\n", (unsigned long)size);
        return 0;
    }
    if (lstrcmpW(op, L"read") == 0) {
        PCREDENTIALW cred = NULL;
        if (!CredReadW(target, CRED_TYPE_GENERIC, 0, &cred)) return fail("CredReadW");
        DWORD bad = 0;
        for (DWORD i = 0; i < cred->CredentialBlobSize; i++) bad += cred->CredentialBlob[i] != pattern(i);
        printf("credprobe: CredReadW read %lu bytes, persist %lu, user %ls, pattern %s\n", (unsigned long)cred->CredentialBlobSize,
               (unsigned long)cred->Persist, cred->UserName ? cred->UserName : L"(none)", bad ? "DIFFERS" : "ok");
        int rc = (bad || (argc > 3 && cred->CredentialBlobSize != size)) ? 3 : 0;
        CredFree(cred);
        return rc;
    }
    if (lstrcmpW(op, L"delete") == 0 && argc == 3) {
        if (!CredDeleteW(target, CRED_TYPE_GENERIC, 0)) return fail("CredDeleteW");
        printf("credprobe: CredDeleteW done\n");
        return 0;
    }
    fprintf(stderr, "credprobe: unknown operation\n");
    return 2;
}
