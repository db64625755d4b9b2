// The settings form: reading the stored settings into editable fields and checking
// the fields before they are sent. Pure functions; the same rules as the back end.

import { DEFAULT_ALERT_DAYS, DEFAULT_RENEWAL_LEAD_DAYS } from './bindings/defaults';
import type { Settings } from './bindings/Settings';
import { DEFAULT_LANG, isLang, type Key, type Lang } from './i18n';

export const DEFAULT_WARN_DAYS = 30;
export const DEFAULT_CRIT_DAYS = 7;
export const MAX_THRESHOLD_DAYS = 3650;

export interface SettingsForm {
  warnDays: number | null;
  critDays: number | null;
  hideExpired: boolean;
  hideExpiredDays: number | null;
  includeOsStores: boolean;
  /** Path of the card's PKCS#11 module; empty: its usual places. */
  pkcs11Module: string;
  /** A secretary's workstation: dashboard, statuses and exports only. */
  readOnly: boolean;
  startAtLogin: boolean;
  runInBackground: boolean;
  /** Days before expiry at which a notification is sent, as typed: "90, 60, 30, 7, 0". */
  alertDays: string;
  /** Per-establishment days, by structure identifier (FINESS, SIRET…). */
  alertOverrides: AlertOverride[];
}

export interface AlertOverride {
  structure: string;
  days: string;
}

/** Settings used before the back end answered (or when it cannot). */
export function defaultSettings(language: Lang = DEFAULT_LANG): Settings {
  return {
    language,
    thresholds: { warn_days: DEFAULT_WARN_DAYS, crit_days: DEFAULT_CRIT_DAYS },
    hide_expired_after_days: null,
    include_os_stores: true,
    pkcs11_module: null,
    read_only: false,
    start_at_login: false,
    run_in_background: true,
    alert_days: [...DEFAULT_ALERT_DAYS],
    alert_days_by_structure: {},
  };
}

export function languageOf(settings: Settings): Lang {
  return isLang(settings.language) ? settings.language : DEFAULT_LANG;
}

export function formFromSettings(settings: Settings): SettingsForm {
  const hide = settings.hide_expired_after_days;
  return {
    warnDays: settings.thresholds.warn_days,
    critDays: settings.thresholds.crit_days,
    hideExpired: hide !== null,
    hideExpiredDays: hide ?? 90,
    includeOsStores: settings.include_os_stores,
    // Settings stored before the card support have no module path at all.
    pkcs11Module: settings.pkcs11_module ?? '',
    // Settings stored before these fields existed lack them (the back end's defaults).
    readOnly: settings.read_only === true,
    startAtLogin: settings.start_at_login === true,
    runInBackground: settings.run_in_background !== false,
    alertDays: formatAlertDays(settings.alert_days ?? DEFAULT_ALERT_DAYS),
    alertOverrides: Object.entries(settings.alert_days_by_structure ?? {}).map(([structure, days]) => ({
      structure,
      days: formatAlertDays(days ?? []),
    })),
  };
}

function isWholeNumber(value: number | null): value is number {
  return value !== null && Number.isInteger(value) && value >= 0;
}

export type FormResult = { ok: true; settings: Settings } | { ok: false; error: Key };

/**
 * Checks the form and builds the settings to save: `current` with the form's fields and
 * the UI's language (fields the form does not show are kept as they are).
 */
export function settingsFromForm(form: SettingsForm, language: Lang, current: Settings = defaultSettings(language)): FormResult {
  const { warnDays, critDays } = form;
  if (!isWholeNumber(warnDays) || !isWholeNumber(critDays) || critDays > warnDays || warnDays > MAX_THRESHOLD_DAYS) {
    return { ok: false, error: 'settings.invalidThresholds' };
  }
  if (form.hideExpired && !isWholeNumber(form.hideExpiredDays)) {
    return { ok: false, error: 'settings.invalidHide' };
  }
  const alertDays = parseAlertDays(form.alertDays);
  if (alertDays === null) {
    return { ok: false, error: 'settings.invalidAlertDays' };
  }
  const byStructure: Record<string, number[]> = {};
  for (const override of form.alertOverrides) {
    const structure = override.structure.trim();
    const days = parseAlertDays(override.days);
    if (structure === '') return { ok: false, error: 'settings.overrideNoStructure' };
    if (days === null) return { ok: false, error: 'settings.invalidAlertDays' };
    if (Object.prototype.hasOwnProperty.call(byStructure, structure)) return { ok: false, error: 'settings.overrideTwice' };
    byStructure[structure] = days;
  }
  return {
    ok: true,
    settings: {
      ...current,
      language,
      thresholds: { warn_days: warnDays, crit_days: critDays },
      hide_expired_after_days: form.hideExpired ? form.hideExpiredDays : null,
      include_os_stores: form.includeOsStores,
      pkcs11_module: moduleFromForm(form.pkcs11Module),
      read_only: form.readOnly,
      start_at_login: form.startAtLogin,
      run_in_background: form.runInBackground,
      alert_days: alertDays,
      alert_days_by_structure: byStructure,
    },
  };
}

/** The module path as typed, trimmed; null (its usual places) when left empty. */
function moduleFromForm(value: string | null | undefined): string | null {
  const path = (value ?? '').trim();
  return path === '' ? null : path;
}

/** Example module path for the placeholder, for the platform the app runs on. */
export function modulePlaceholder(userAgent: string): string {
  if (/windows/i.test(userAgent)) {
    return 'C:\\Windows\\System32\\cps3_pkcs11_w64.dll';
  }
  if (/mac os|macintosh/i.test(userAgent)) {
    return '/usr/local/lib/libcps3_pkcs11_osx.dylib';
  }
  return '/usr/local/galss/libcps3_pkcs11_lux.so';
}

/** The same settings with another language. */
export function withLanguage(settings: Settings, language: Lang): Settings {
  return { ...settings, language };
}

/**
 * The alert days shipped by default and ANS's own reminder's lead time, as the back end
 * generates them (`bindings/defaults.ts`): never typed again here.
 */
export { DEFAULT_ALERT_DAYS, DEFAULT_RENEWAL_LEAD_DAYS };
export const MAX_ALERT_DAYS = 3650;

/** Alert days as typed in the settings: "90, 60, 30, 7, 0". */
export function formatAlertDays(days: readonly number[]): string {
  return days.join(', ');
}

/**
 * Reads "90, 60, 30, 7, 0" (commas, semicolons or spaces between): whole numbers of days
 * from 0 (the expiry day) to 3650, each once; most distant first, as the back end stores
 * them. An empty text is an empty list (no alert). Null when a value is not allowed.
 */
export function parseAlertDays(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  const days: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,4}$/.test(part)) return null;
    const day = Number(part);
    if (day > MAX_ALERT_DAYS || days.includes(day)) return null;
    days.push(day);
  }
  return days.sort((a, b) => b - a);
}
