/* certsign user|machine THUMBPRINT INPUT SIGNATURE: finds the certificate whose SHA-1
 * thumbprint is THUMBPRINT (hex, spaces or colons allowed) in the "My" store of the
 * current user or of the local machine, acquires its private key, signs SHA-256(INPUT)
 * with RSA PKCS#1 v1.5 and writes the signature to SIGNATURE, big-endian (as OpenSSL's
 * `openssl dgst -sha256 -verify pub.pem -signature SIGNATURE INPUT` expects).
 * Test-only (Wine); never shipped. Prints what it used on stdout, what failed on stderr.
 *
 * Keys: a CNG key (NCRYPT handle) signs through NCryptSignHash. A legacy CryptoAPI key
 * whose provider cannot hash SHA-256 (PROV_RSA_FULL, e.g. Wine's import provider) is
 * reopened by its container name in the "Microsoft Enhanced RSA and AES Cryptographic
 * Provider" (PROV_RSA_AES), which can; CryptSignHash returns little-endian bytes.
 *
 * Exit codes: 0 signed, 2 usage, 3 store, 4 certificate not found, 5 private key,
 * 6 reopening in PROV_RSA_AES, 7 hashing or signing, 8 reading INPUT or writing SIGNATURE. */
#include <windows.h>
#include <wincrypt.h>
#include <ncrypt.h>
#include <bcrypt.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(int code, const char *what) {
    DWORD err = GetLastError();
    fprintf(stderr, "certsign: %s failed (GetLastError 0x%08lx)\n", what, (unsigned long)err);
    return code;
}

static int fail_status(int code, const char *what, LONG status) {
    fprintf(stderr, "certsign: %s failed (status 0x%08lx)\n", what, (unsigned long)status);
    return code;
}

static int hex_value(wchar_t c) {
    if (c >= L'0' && c <= L'9') return c - L'0';
    if (c >= L'a' && c <= L'f') return c - L'a' + 10;
    if (c >= L'A' && c <= L'F') return c - L'A' + 10;
    return -1;
}

/* 40 hex digits, separators (space, colon) ignored; FALSE on anything else. */
static BOOL parse_thumbprint(const wchar_t *text, BYTE out[20]) {
    int digits = 0;
    for (; *text; text++) {
        if (*text == L' ' || *text == L':') continue;
        int v = hex_value(*text);
        if (v < 0 || digits >= 40) return FALSE;
        if (digits % 2 == 0) out[digits / 2] = (BYTE)(v << 4);
        else out[digits / 2] |= (BYTE)v;
        digits++;
    }
    return digits == 40;
}

static BYTE *read_file(const wchar_t *path, DWORD *size) {
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return NULL;
    DWORD len = GetFileSize(file, NULL), got = 0;
    BYTE *data = malloc(len ? len : 1);
    if (data && !(ReadFile(file, data, len, &got, NULL) && got == len)) {
        free(data);
        data = NULL;
    }
    CloseHandle(file);
    *size = len;
    return data;
}

static BOOL write_file(const wchar_t *path, const BYTE *data, DWORD size) {
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    DWORD put = 0;
    BOOL ok = WriteFile(file, data, size, &put, NULL) && put == size;
    return CloseHandle(file) && ok;
}

/* A CNG key: SHA-256 through BCrypt, then NCryptSignHash (big-endian already). */
static int sign_ncrypt(NCRYPT_KEY_HANDLE key, const BYTE *data, DWORD size, BYTE **sig, DWORD *sig_size) {
    BYTE digest[32];
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE hash = NULL;
    NTSTATUS st = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0);
    if (st == 0) st = BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0);
    if (st == 0) st = BCryptHashData(hash, (PUCHAR)data, size, 0);
    if (st == 0) st = BCryptFinishHash(hash, digest, sizeof digest, 0);
    if (hash) BCryptDestroyHash(hash);
    if (alg) BCryptCloseAlgorithmProvider(alg, 0);
    if (st != 0) return fail_status(7, "BCrypt SHA-256", st);
    BCRYPT_PKCS1_PADDING_INFO padding = { BCRYPT_SHA256_ALGORITHM };
    SECURITY_STATUS ss = NCryptSignHash(key, &padding, digest, sizeof digest, NULL, 0, sig_size, BCRYPT_PAD_PKCS1);
    if (ss != ERROR_SUCCESS) return fail_status(7, "NCryptSignHash (size)", ss);
    *sig = malloc(*sig_size);
    ss = NCryptSignHash(key, &padding, digest, sizeof digest, *sig, *sig_size, sig_size, BCRYPT_PAD_PKCS1);
    if (ss != ERROR_SUCCESS) return fail_status(7, "NCryptSignHash", ss);
    printf("certsign: signed with a CNG key (NCryptSignHash)\n");
    return 0;
}

/* A CryptoAPI key: CryptSignHash gives little-endian bytes; reversed here. */
static int sign_capi(HCRYPTPROV prov, DWORD key_spec, const BYTE *data, DWORD size, BYTE **sig, DWORD *sig_size) {
    HCRYPTHASH hash = 0;
    if (!CryptCreateHash(prov, CALG_SHA_256, 0, 0, &hash)) return fail(7, "CryptCreateHash(CALG_SHA_256)");
    if (!CryptHashData(hash, data, size, 0)) return fail(7, "CryptHashData");
    *sig_size = 0;
    if (!CryptSignHashW(hash, key_spec, NULL, 0, NULL, sig_size)) return fail(7, "CryptSignHash (size)");
    *sig = malloc(*sig_size);
    if (!CryptSignHashW(hash, key_spec, NULL, 0, *sig, sig_size)) return fail(7, "CryptSignHash");
    CryptDestroyHash(hash);
    for (DWORD i = 0; i < *sig_size / 2; i++) {
        BYTE t = (*sig)[i];
        (*sig)[i] = (*sig)[*sig_size - 1 - i];
        (*sig)[*sig_size - 1 - i] = t;
    }
    return 0;
}

/* The provider's type (PROV_RSA_FULL, PROV_RSA_AES...) of an open CryptoAPI handle. */
static DWORD provider_type(HCRYPTPROV prov) {
    DWORD type = 0, len = sizeof type;
    if (!CryptGetProvParam(prov, PP_PROVTYPE, (BYTE *)&type, &len, 0)) return 0;
    return type;
}

int wmain(int argc, wchar_t **argv) {
    DWORD location;
    BYTE thumbprint[20];
    if (argc != 5 || !parse_thumbprint(argv[2], thumbprint)) {
        fprintf(stderr, "usage: certsign user|machine SHA1-THUMBPRINT-HEX INPUT SIGNATURE\n");
        return 2;
    }
    if (lstrcmpiW(argv[1], L"user") == 0) location = CERT_SYSTEM_STORE_CURRENT_USER;
    else if (lstrcmpiW(argv[1], L"machine") == 0) location = CERT_SYSTEM_STORE_LOCAL_MACHINE;
    else {
        fprintf(stderr, "certsign: the store location must be user or machine\n");
        return 2;
    }

    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                     location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, L"My");
    if (!store) return fail(3, "CertOpenStore(My)");
    CRYPT_HASH_BLOB wanted = { sizeof thumbprint, thumbprint };
    PCCERT_CONTEXT cert = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &wanted, NULL);
    if (!cert) return fail(4, "CertFindCertificateInStore (no certificate with this thumbprint in My)");

    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE key = 0;
    DWORD key_spec = 0;
    BOOL must_free = FALSE;
    if (!CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG | CRYPT_ACQUIRE_SILENT_FLAG, NULL, &key, &key_spec, &must_free))
        return fail(5, "CryptAcquireCertificatePrivateKey");

    DWORD size = 0;
    BYTE *data = read_file(argv[3], &size);
    if (!data) return fail(8, "reading INPUT");

    BYTE *sig = NULL;
    DWORD sig_size = 0;
    int rc;
    if (key_spec == CERT_NCRYPT_KEY_SPEC) {
        rc = sign_ncrypt((NCRYPT_KEY_HANDLE)key, data, size, &sig, &sig_size);
    } else {
        HCRYPTPROV prov = (HCRYPTPROV)key;
        DWORD type = provider_type(prov);
        HCRYPTHASH probe = 0;
        if (CryptCreateHash(prov, CALG_SHA_256, 0, 0, &probe)) {
            CryptDestroyHash(probe);
            printf("certsign: signed with the key's own provider (type %lu)\n", (unsigned long)type);
            rc = sign_capi(prov, key_spec, data, size, &sig, &sig_size);
        } else {
            /* Reopen the same container in the AES provider, in the same key set. */
            DWORD why = GetLastError();
            DWORD info_size = 0;
            if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &info_size))
                return fail(6, "CertGetCertificateContextProperty(KEY_PROV_INFO)");
            CRYPT_KEY_PROV_INFO *info = malloc(info_size);
            if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, info, &info_size))
                return fail(6, "CertGetCertificateContextProperty(KEY_PROV_INFO)");
            HCRYPTPROV aes = 0;
            DWORD flags = (info->dwFlags & CRYPT_MACHINE_KEYSET) | CRYPT_SILENT;
            if (!CryptAcquireContextW(&aes, info->pwszContainerName, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, flags))
                return fail(6, "CryptAcquireContext(Microsoft Enhanced RSA and AES Cryptographic Provider)");
            printf("certsign: the key's provider (type %lu, key spec %lu) cannot hash SHA-256 (0x%08lx); container \"%ls\" reopened in PROV_RSA_AES%s\n",
                   (unsigned long)type, (unsigned long)key_spec, (unsigned long)why, info->pwszContainerName, (flags & CRYPT_MACHINE_KEYSET) ? " (machine key set)" : "");
            /* Wine records dwKeySpec 3 in the key's provider info: use the spec the
             * acquisition returned, AT_KEYEXCHANGE when it is not a single one. */
            DWORD spec = (key_spec == AT_SIGNATURE || key_spec == AT_KEYEXCHANGE) ? key_spec : AT_KEYEXCHANGE;
            rc = sign_capi(aes, spec, data, size, &sig, &sig_size);
            CryptReleaseContext(aes, 0);
            free(info);
        }
    }
    if (rc != 0) return rc;
    if (!write_file(argv[4], sig, sig_size)) return fail(8, "writing SIGNATURE");
    printf("certsign: %lu-byte signature written\n", (unsigned long)sig_size);

    if (must_free) {
        if (key_spec == CERT_NCRYPT_KEY_SPEC) NCryptFreeObject((NCRYPT_KEY_HANDLE)key);
        else CryptReleaseContext((HCRYPTPROV)key, 0);
    }
    free(sig);
    free(data);
    CertFreeCertificateContext(cert);
    CertCloseStore(store, 0);
    return 0;
}
