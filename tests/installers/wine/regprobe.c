/* regprobe [SUBKEY]: reads CertiSanté's machine policy as the app would, with RegGetValueW
 * from HKLM\SUBKEY (default Software\Policies\CertiSante) in the 64-bit view, each value
 * with the type it must have: ReadOnly REG_DWORD, WatchedPaths REG_MULTI_SZ, AlertDays,
 * Pkcs11Module and GroupDatabaseUrl REG_SZ. Prints one line per value, UTF-8:
 *   NAME REG_DWORD 1 | NAME REG_SZ "text" | NAME REG_MULTI_SZ ["a", "b"] | NAME missing |
 *   NAME error N (ERROR_UNSUPPORTED_TYPE 1630: another type than the expected one)
 * Test-only (Wine); never shipped. Exit code: 0 (the lines tell), 2 usage. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static void out(const wchar_t *text) {
    char buf[8192];
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof buf, NULL, NULL);
    if (n > 1) fwrite(buf, 1, n - 1, stdout);
}

static void line_error(const wchar_t *name, LONG rc) {
    wchar_t text[256];
    if (rc == ERROR_FILE_NOT_FOUND) swprintf(text, 256, L"%ls missing\n", name);
    else swprintf(text, 256, L"%ls error %ld\n", name, rc);
    out(text);
}

int wmain(int argc, wchar_t **argv) {
    const wchar_t *subkey = argc > 1 ? argv[1] : L"Software\\Policies\\CertiSante";
    if (argc > 2) {
        fprintf(stderr, "usage: regprobe [SUBKEY]\n");
        return 2;
    }
    const DWORD view = RRF_SUBKEY_WOW6464KEY;
    wchar_t text[4096];

    DWORD dword = 0, size = sizeof dword;
    LONG rc = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, L"ReadOnly", RRF_RT_REG_DWORD | view, NULL, &dword, &size);
    if (rc == ERROR_SUCCESS) {
        swprintf(text, 4096, L"ReadOnly REG_DWORD %lu\n", (unsigned long)dword);
        out(text);
    } else line_error(L"ReadOnly", rc);

    const wchar_t *strings[] = { L"AlertDays", L"Pkcs11Module", L"GroupDatabaseUrl" };
    for (int i = 0; i < 3; i++) {
        wchar_t value[2048];
        size = sizeof value;
        rc = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, strings[i], RRF_RT_REG_SZ | view, NULL, value, &size);
        if (rc == ERROR_SUCCESS) {
            swprintf(text, 4096, L"%ls REG_SZ \"%ls\"\n", strings[i], value);
            out(text);
        } else line_error(strings[i], rc);
    }

    wchar_t multi[2048];
    size = sizeof multi;
    rc = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, L"WatchedPaths", RRF_RT_REG_MULTI_SZ | view, NULL, multi, &size);
    if (rc == ERROR_SUCCESS) {
        out(L"WatchedPaths REG_MULTI_SZ [");
        for (wchar_t *p = multi; *p; p += lstrlenW(p) + 1) {
            swprintf(text, 4096, L"%ls\"%ls\"", p == multi ? L"" : L", ", p);
            out(text);
        }
        out(L"]\n");
    } else line_error(L"WatchedPaths", rc);
    return 0;
}
