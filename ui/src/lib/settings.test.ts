import { describe, expect, it } from 'vitest';

import { defaultSettings, formFromSettings, settingsFromForm } from './settings';

describe('settings form', () => {
  it('defaults to 30/7 days, no hiding, OS stores included', () => {
    const form = formFromSettings(defaultSettings());
    expect(form).toEqual({
      warnDays: 30,
      critDays: 7,
      hideExpired: false,
      hideExpiredDays: 90,
      includeOsStores: true,
    });
  });

  it('reads thresholds sent as JSON numbers', () => {
    const fromBackend = JSON.parse(
      '{"language":"en","thresholds":{"warn_days":60,"crit_days":15},"hide_expired_after_days":30,"include_os_stores":false}',
    );
    expect(formFromSettings(fromBackend)).toEqual({
      warnDays: 60,
      critDays: 15,
      hideExpired: true,
      hideExpiredDays: 30,
      includeOsStores: false,
    });
  });

  it('builds settings that serialise to plain JSON numbers', () => {
    const result = settingsFromForm(
      { warnDays: 45, critDays: 10, hideExpired: true, hideExpiredDays: 365, includeOsStores: false },
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
      },
    });
  });

  it('sends null when hiding is off', () => {
    const result = settingsFromForm(
      { warnDays: 30, critDays: 7, hideExpired: false, hideExpiredDays: 12, includeOsStores: true },
      'fr',
    );
    expect(result.ok && result.settings.hide_expired_after_days).toBe(null);
  });

  it('rejects thresholds out of order, negative, fractional or too large', () => {
    const base = { hideExpired: false, hideExpiredDays: null, includeOsStores: true };
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

  it('rejects an invalid number of days for hiding', () => {
    expect(
      settingsFromForm({ warnDays: 30, critDays: 7, hideExpired: true, hideExpiredDays: null, includeOsStores: true }, 'fr'),
    ).toEqual({ ok: false, error: 'settings.invalidHide' });
  });
});
