/* p12import FILE.p12 PASSWORD: imports a PKCS#12 file into the current user's "My"
 * certificate store as Windows' import wizard does (PFXImportCertStore, then the
 * end-entity certificate that carries the private key added to "My"; CA certificates
 * are left out), and prints the SHA-1 thumbprint of each certificate added. A test tool
 * for tests/installers/wine.sh, standing in for the product's own import until it
 * exists; exit 0 when a certificate was added.
 * Wine 8 attaches the imported key to the intermediate CA of the file as well (Windows
 * attaches it to the certificate whose localKeyID matches): hence the CA test. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>

static void fail(const char *what) {
    fprintf(stderr, "p12import: %s failed (error 0x%08lx)\n", what, (unsigned long)GetLastError());
    exit(1);
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
    if (argc != 3) {
        fprintf(stderr, "usage: p12import FILE.p12 PASSWORD\n");
        return 2;
    }
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) fail("opening the .p12 file");
    DWORD size = GetFileSize(file, NULL), read = 0;
    BYTE *data = malloc(size);
    if (!data || !ReadFile(file, data, size, &read, NULL) || read != size) fail("reading the .p12 file");
    CloseHandle(file);

    CRYPT_DATA_BLOB blob = { size, data };
    if (!PFXIsPFXBlob(&blob)) fail("PFXIsPFXBlob");
    HCERTSTORE pfx = PFXImportCertStore(&blob, argv[2], CRYPT_USER_KEYSET | CRYPT_EXPORTABLE);
    if (!pfx) fail("PFXImportCertStore");
    HCERTSTORE my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"My");
    if (!my) fail("CertOpenStore(CurrentUser\\My)");

    int added = 0;
    PCCERT_CONTEXT cert = NULL;
    while ((cert = CertEnumCertificatesInStore(pfx, cert)) != NULL) {
        DWORD key_info = 0;
        if (is_ca(cert) || !CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &key_info)) continue;
        if (!CertAddCertificateContextToStore(my, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) fail("CertAddCertificateContextToStore");
        BYTE hash[20];
        DWORD hash_size = sizeof hash;
        if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &hash_size)) fail("reading the thumbprint");
        for (DWORD i = 0; i < hash_size; i++) printf("%02x", hash[i]);
        printf("\n");
        added++;
    }
    CertControlStore(my, 0, CERT_STORE_CTRL_COMMIT, NULL);
    CertCloseStore(my, 0);
    CertCloseStore(pfx, 0);
    free(data);
    if (added == 0) {
        fprintf(stderr, "p12import: no certificate with a private key in the file\n");
        return 1;
    }
    return 0;
}
