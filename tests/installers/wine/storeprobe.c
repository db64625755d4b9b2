/* storeprobe add user|machine FILE.cer [readonly|nocommit] | has user|machine THUMBPRINT:
 * add: what an install into a "My" store meets. Opens the store as the product's install
 * does (CertOpenStore, CERT_STORE_PROV_SYSTEM_W; with CERT_STORE_READONLY_FLAG when
 * `readonly` is given), adds the DER certificate (CertAddEncodedCertificateToStore,
 * REPLACE_EXISTING), commits (CertControlStore COMMIT; not with `nocommit`, the
 * product's install sequence) and closes; prints each step's
 * result and GetLastError. has: looks the thumbprint up in a newly opened store, so a
 * write that was accepted but not persisted shows. Test-only (Wine); never shipped.
 * Exit codes: add 0 every step succeeded, 1 one failed; has 0 present, 1 absent, 3 the
 * store did not open; 2 usage. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>

static void step(const char *what, BOOL ok) {
    DWORD err = ok ? 0 : GetLastError();
    if (ok) printf("%s: ok\n", what);
    else printf("%s: FAILED, GetLastError 0x%08lx (%lu)\n", what, (unsigned long)err, (unsigned long)err);
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: storeprobe add user|machine FILE.cer [readonly|nocommit] | has user|machine THUMBPRINT\n");
        return 2;
    }
    DWORD location = lstrcmpiW(argv[2], L"machine") == 0 ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER;
    if (lstrcmpW(argv[1], L"has") == 0) {
        BYTE hash[20];
        for (int i = 0; i < 20; i++) hash[i] = (BYTE)wcstoul((wchar_t[]){ argv[3][2 * i], argv[3][2 * i + 1], 0 }, NULL, 16);
        HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, L"My");
        if (!store) {
            step("CertOpenStore(My, read-only, existing)", FALSE);
            return 3;
        }
        CRYPT_HASH_BLOB blob = { 20, hash };
        PCCERT_CONTEXT found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL);
        printf("certificate %s\n", found ? "present" : "absent");
        if (found) CertFreeCertificateContext(found);
        CertCloseStore(store, 0);
        return found ? 0 : 1;
    }
    if (lstrcmpW(argv[1], L"add") != 0) return 2;
    BOOL readonly = argc > 4 && lstrcmpW(argv[4], L"readonly") == 0;
    BOOL commit = !(argc > 4 && lstrcmpW(argv[4], L"nocommit") == 0);

    HANDLE file = CreateFileW(argv[3], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        step("opening FILE.cer", FALSE);
        return 1;
    }
    DWORD size = GetFileSize(file, NULL), got = 0;
    BYTE *der = malloc(size);
    ReadFile(file, der, size, &got, NULL);
    CloseHandle(file);

    int failed = 0;
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location | (readonly ? CERT_STORE_READONLY_FLAG : 0), L"My");
    step(readonly ? "CertOpenStore(My, CERT_STORE_READONLY_FLAG)" : "CertOpenStore(My)", store != NULL);
    if (!store) return 1;
    BOOL ok = CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, got, CERT_STORE_ADD_REPLACE_EXISTING, NULL);
    step("CertAddEncodedCertificateToStore", ok);
    failed += !ok;
    if (commit) {
        ok = CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
        step("CertControlStore(COMMIT)", ok);
        failed += !ok;
    }
    ok = CertCloseStore(store, CERT_CLOSE_STORE_CHECK_FLAG);
    step("CertCloseStore", ok);
    failed += !ok;
    free(der);
    return failed ? 1 : 0;
}
