/* regacl deny-write|deny-all|show HKCU|HKLM SUBKEY: puts a DACL on a registry key that
 * denies Everyone writing (KEY_SET_VALUE | KEY_CREATE_SUB_KEY | DELETE) or everything,
 * then allows Everyone the rest; `show` prints the key's DACL as SDDL. Used to make a
 * registry-backed Windows facility (Credential Manager, a certificate store) fail on
 * purpose under Wine. Wine keeps a key's security descriptor only while its wineserver
 * runs (it is not saved in the prefix's .reg files): run `wineserver -p` first. The key
 * is created when missing. Test-only (Wine); never shipped.
 * Exit codes: 0 done, 1 failed, 2 usage. */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: regacl deny-write|deny-all|show HKCU|HKLM SUBKEY\n");
        return 2;
    }
    HKEY root = lstrcmpiW(argv[2], L"HKLM") == 0 ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
    HKEY key;
    LONG rc = RegCreateKeyExW(root, argv[3], 0, NULL, 0, READ_CONTROL | WRITE_DAC, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS) {
        printf("regacl: opening %ls\\%ls failed: error %ld\n", argv[2], argv[3], rc);
        return 1;
    }
    const wchar_t *sddl;
    if (lstrcmpW(argv[1], L"deny-write") == 0)
        /* D:P = protected DACL; deny KEY_SET_VALUE|KEY_CREATE_SUB_KEY|DELETE (0x10006), allow KEY_ALL_ACCESS. */
        sddl = L"D:P(D;OICI;0x10006;;;WD)(A;OICI;KA;;;WD)";
    else if (lstrcmpW(argv[1], L"deny-all") == 0)
        sddl = L"D:P(D;OICI;KA;;;WD)";
    else
        sddl = NULL;
    if (sddl) {
        PSECURITY_DESCRIPTOR sd = NULL;
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL)) {
            printf("regacl: SDDL failed: error %lu\n", (unsigned long)GetLastError());
            return 1;
        }
        rc = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
        LocalFree(sd);
        if (rc != ERROR_SUCCESS) {
            printf("regacl: RegSetKeySecurity failed: error %ld\n", rc);
            return 1;
        }
    }
    BYTE buf[4096];
    DWORD len = sizeof buf;
    rc = RegGetKeySecurity(key, DACL_SECURITY_INFORMATION, buf, &len);
    LPWSTR text = NULL;
    if (rc == ERROR_SUCCESS && ConvertSecurityDescriptorToStringSecurityDescriptorW(buf, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, NULL))
        printf("regacl: %ls\\%ls DACL %ls\n", argv[2], argv[3], text);
    else
        printf("regacl: reading the DACL failed: error %ld\n", rc);
    RegCloseKey(key);
    return 0;
}
