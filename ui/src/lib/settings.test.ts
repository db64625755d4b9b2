import { describe, expect, it } from 'vitest';

import {
  DEFAULT_ALERT_DAYS,
  DEFAULT_RENEWAL_LEAD_DAYS,
  defaultSettings,
  formatAlertDays,
  formFromSettings,
  modulePlaceholder,
  parseAlertDays,
  settingsFromForm,
} from './settings';

/** The workstation's and the alerts' fields at their defaults. */
const WORKSTATION = { readOnly: false, startAtLogin: false, runInBackground: true, alertDays: '90, 60, 30, 7, 0', alertOverrides: [] };

describe('settings form', () => {
  it('defaults to 30/7 days, no hiding, OS stores included', () => {
    const form = formFromSettings(defaultSettings());
    expect(form).toEqual({
      warnDays: 30,
      critDays: 7,
      hideExpired: false,
      hideExpiredDays: 90,
      includeOsStores: true,
      pkcs11Module: '',
      ...WORKSTATION,
    });
    expect(defaultSettings().pkcs11_module).toBe(null);
  });

  it('reads thresholds sent as JSON numbers', () => {
    const fromBackend = JSON.parse(
      '{"language":"en","thresholds":{"warn_days":60,"crit_days":15},"hide_expired_after_days":30,"include_os_stores":false,"pkcs11_module":"/opt/cps/libcps3_pkcs11_lux.so"}',
    );
    expect(formFromSettings(fromBackend)).toEqual({
      warnDays: 60,
      critDays: 15,
      hideExpired: true,
      hideExpiredDays: 30,
      includeOsStores: false,
      pkcs11Module: '/opt/cps/libcps3_pkcs11_lux.so',
      ...WORKSTATION,
    });
  });

  it('reads settings stored before the module path existed', () => {
    const old = JSON.parse(
      '{"language":"fr","thresholds":{"warn_days":30,"crit_days":7},"hide_expired_after_days":null,"include_os_stores":true}',
    );
    expect(formFromSettings(old).pkcs11Module).toBe('');
  });

  it('builds settings that serialise to plain JSON numbers', () => {
    const result = settingsFromForm(
      {
        warnDays: 45,
        critDays: 10,
        hideExpired: true,
        hideExpiredDays: 365,
        includeOsStores: false,
        pkcs11Module: '  /opt/cps/libcps3_pkcs11_lux.so ',
        readOnly: true,
        startAtLogin: true,
        runInBackground: false,
        alertDays: '7, 30',
        alertOverrides: [{ structure: ' 10B0123456 ', days: '' }],
      },
      'en',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.thresholds.warn_days).toBe(45);
    expect(JSON.parse(JSON.stringify({ settings: result.settings }))).toEqual({
      settings: {
        language: 'en',
        thresholds: { warn_days: 45, crit_days: 10 },
        hide_expired_after_days: 365,
        include_os_stores: false,
        pkcs11_module: '/opt/cps/libcps3_pkcs11_lux.so',
        read_only: true,
        start_at_login: true,
        run_in_background: false,
        alert_days: [30, 7],
        alert_days_by_structure: { '10B0123456': [] },
      },
    });
  });

  it('sends null when hiding is off and when the module path is left empty', () => {
    const result = settingsFromForm(
      { warnDays: 30, critDays: 7, hideExpired: false, hideExpiredDays: 12, includeOsStores: true, pkcs11Module: '  ', ...WORKSTATION },
      'fr',
    );
    expect(result.ok && result.settings.hide_expired_after_days).toBe(null);
    expect(result.ok && result.settings.pkcs11_module).toBe(null);
  });

  it('suggests the usual module path of the platform', () => {
    expect(modulePlaceholder('Mozilla/5.0 (X11; Linux x86_64)')).toBe('/usr/local/galss/libcps3_pkcs11_lux.so');
    expect(modulePlaceholder('Mozilla/5.0 (Windows NT 10.0; Win64; x64)')).toBe(
      'C:\\Windows\\System32\\cps3_pkcs11_w64.dll',
    );
    expect(modulePlaceholder('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)')).toBe('/usr/local/lib/libcps3_pkcs11_osx.dylib');
  });

  it('rejects thresholds out of order, negative, fractional or too large', () => {
    const base = { hideExpired: false, hideExpiredDays: null, includeOsStores: true, pkcs11Module: '', ...WORKSTATION };
    for (const [warnDays, critDays] of [
      [7, 30],
      [-1, -2],
      [30.5, 7],
      [4000, 7],
      [null, 7],
    ] as const) {
      expect(settingsFromForm({ ...base, warnDays, critDays }, 'fr')).toEqual({
        ok: false,
        error: 'settings.invalidThresholds',
      });
    }
  });

  it('keeps the fields the form does not show from the current settings', () => {
    const current = { ...defaultSettings('fr'), pkcs11_module: '/x.so', start_at_login: true };
    const result = settingsFromForm({ ...formFromSettings(current), readOnly: true }, 'en', current);
    expect(result.ok && result.settings).toEqual({ ...current, language: 'en', read_only: true });
  });

  it('rejects an invalid number of days for hiding', () => {
    expect(
      settingsFromForm(
        { warnDays: 30, critDays: 7, hideExpired: true, hideExpiredDays: null, includeOsStores: true, pkcs11Module: '', ...WORKSTATION },
        'fr',
      ),
    ).toEqual({ ok: false, error: 'settings.invalidHide' });
  });
});

describe('alert days', () => {
  it('reads the stored lists into the form, per establishment too', () => {
    const form = formFromSettings({ ...defaultSettings(), alert_days: [60, 0], alert_days_by_structure: { '750712184': [15, 1] } });
    expect(form.alertDays).toBe('60, 0');
    expect(form.alertOverrides).toEqual([{ structure: '750712184', days: '15, 1' }]);
    // Settings from before the alerts: the shipped defaults.
    const old = JSON.parse('{"language":"fr","thresholds":{"warn_days":30,"crit_days":7},"hide_expired_after_days":null,"include_os_stores":true}');
    expect(formFromSettings(old).alertDays).toBe('90, 60, 30, 7, 0');
    expect(formFromSettings(old).alertOverrides).toEqual([]);
  });

  it('refuses an invalid list, an establishment without identifier or listed twice', () => {
    const form = formFromSettings(defaultSettings());
    expect(settingsFromForm({ ...form, alertDays: '90, 4000' }, 'fr')).toEqual({ ok: false, error: 'settings.invalidAlertDays' });
    const twice = [
      { structure: 'A1', days: '7' },
      { structure: ' A1', days: '30' },
    ];
    expect(settingsFromForm({ ...form, alertOverrides: twice }, 'fr')).toEqual({ ok: false, error: 'settings.overrideTwice' });
    expect(settingsFromForm({ ...form, alertOverrides: [{ structure: ' ', days: '7' }] }, 'fr')).toEqual({
      ok: false,
      error: 'settings.overrideNoStructure',
    });
    expect(settingsFromForm({ ...form, alertOverrides: [{ structure: 'A1', days: '7,7' }] }, 'fr')).toEqual({
      ok: false,
      error: 'settings.invalidAlertDays',
    });
  });

  it('reads a typed list, most distant first', () => {
    expect(parseAlertDays('90, 30, 7, 0')).toEqual([90, 30, 7, 0]);
    expect(parseAlertDays('7;90 30,,0 ')).toEqual([90, 30, 7, 0]);
    expect(parseAlertDays('3650')).toEqual([3650]);
    expect(parseAlertDays('  ')).toEqual([]);
  });

  it('refuses what the back end would refuse', () => {
    for (const text of ['-1', '3651', '7.5', '30, 30', 'sept', '1e3', '90 ,x']) {
      expect(parseAlertDays(text), text).toBeNull();
    }
  });

  it('writes the list back as typed', () => {
    expect(formatAlertDays([90, 30, 7, 0])).toBe('90, 30, 7, 0');
    expect(parseAlertDays(formatAlertDays(DEFAULT_ALERT_DAYS))).toEqual([...DEFAULT_ALERT_DAYS]);
  });

  it('defaults to the back end’s days, ANS’s own 60-day reminder among them', () => {
    expect(DEFAULT_ALERT_DAYS).toEqual([90, 60, 30, 7, 0]);
    expect(DEFAULT_ALERT_DAYS).toContain(DEFAULT_RENEWAL_LEAD_DAYS);
    expect(defaultSettings().alert_days).toEqual([...DEFAULT_ALERT_DAYS]);
  });
});
