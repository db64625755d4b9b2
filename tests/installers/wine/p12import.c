/* p12import user|machine FILE.p12 PASSWORD: imports a PKCS#12 file into the "My" store of
 * the current user or of the local machine as Windows' import wizard does
 * (PFXImportCertStore into the user's or the machine's key set, then the certificate
 * that carries the private key, not a CA, added to "My"), and prints the SHA-1
 * thumbprint (hex) of each certificate added. Test-only (Wine); never shipped.
 * Exit codes: 0 added, 1 nothing with a key in the file, 2 usage, 3 file, 4 import,
 * 5 store open, 6 add. Wine 8 attaches the key to the file's CA certificates too: they
 * are skipped by their basicConstraints. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(int code, const char *what) {
    DWORD err = GetLastError();
    fprintf(stderr, "p12import: %s failed (GetLastError 0x%08lx = %lu)\n", what, (unsigned long)err, (unsigned long)err);
    return code;
}

static BOOL is_ca(PCCERT_CONTEXT cert) {
    PCERT_EXTENSION ext = CertFindExtension(szOID_BASIC_CONSTRAINTS2, cert->pCertInfo->cExtension, cert->pCertInfo->rgExtension);
    CERT_BASIC_CONSTRAINTS2_INFO info;
    DWORD size = sizeof info;
    if (!ext) return FALSE;
    if (!CryptDecodeObject(X509_ASN_ENCODING, X509_BASIC_CONSTRAINTS2, ext->Value.pbData, ext->Value.cbData, 0, &info, &size)) return FALSE;
    return info.fCA;
}

int wmain(int argc, wchar_t **argv) {
    DWORD key_set, location;
    if (argc == 4 && lstrcmpiW(argv[1], L"user") == 0) {
        key_set = CRYPT_USER_KEYSET;
        location = CERT_SYSTEM_STORE_CURRENT_USER;
    } else if (argc == 4 && lstrcmpiW(argv[1], L"machine") == 0) {
        key_set = CRYPT_MACHINE_KEYSET;
        location = CERT_SYSTEM_STORE_LOCAL_MACHINE;
    } else {
        fprintf(stderr, "usage: p12import user|machine FILE.p12 PASSWORD\n");
        return 2;
    }
    HANDLE file = CreateFileW(argv[2], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return fail(3, "opening the .p12 file");
    DWORD size = GetFileSize(file, NULL), got = 0;
    BYTE *data = malloc(size ? size : 1);
    if (!data || !ReadFile(file, data, size, &got, NULL) || got != size) return fail(3, "reading the .p12 file");
    CloseHandle(file);

    CRYPT_DATA_BLOB blob = { size, data };
    if (!PFXIsPFXBlob(&blob)) return fail(4, "PFXIsPFXBlob (not a PKCS#12 file)");
    HCERTSTORE pfx = PFXImportCertStore(&blob, argv[3], key_set | CRYPT_EXPORTABLE);
    if (!pfx) return fail(4, "PFXImportCertStore");
    HCERTSTORE my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location, L"My");
    if (!my) return fail(5, "CertOpenStore(My)");

    int added = 0;
    PCCERT_CONTEXT cert = NULL;
    while ((cert = CertEnumCertificatesInStore(pfx, cert)) != NULL) {
        DWORD key_info = 0;
        if (is_ca(cert) || !CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &key_info)) continue;
        if (!CertAddCertificateContextToStore(my, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) return fail(6, "CertAddCertificateContextToStore");
        BYTE hash[20];
        DWORD hash_size = sizeof hash;
        if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &hash_size)) return fail(6, "reading the thumbprint");
        for (DWORD i = 0; i < hash_size; i++) printf("%02x", hash[i]);
        printf("\n");
        added++;
    }
    /* Wine writes a registry store back on commit or close; commit to see its error. */
    if (!CertControlStore(my, 0, CERT_STORE_CTRL_COMMIT, NULL)) return fail(6, "CertControlStore(COMMIT)");
    CertCloseStore(my, 0);
    CertCloseStore(pfx, 0);
    free(data);
    if (added == 0) {
        fprintf(stderr, "p12import: no certificate with a private key in the file\n");
        return 1;
    }
    return 0;
}
