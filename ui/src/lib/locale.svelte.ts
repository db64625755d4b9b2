// The language currently shown, as shared reactive state, and `t()` bound to it.

import { DEFAULT_LANG, translate, translateCode, translateViolation, type Key, type Lang, type Params } from './i18n';

let current = $state<Lang>(DEFAULT_LANG);

export const locale = {
  get lang(): Lang {
    return current;
  },
  set lang(value: Lang) {
    current = value;
    if (typeof document !== 'undefined') {
      document.documentElement.lang = value;
    }
  },
};

/** The string for `key` in the current language. */
export function t(key: Key, params?: Params): string {
  return translate(current, key, params);
}

/** A back-end error or warning, translated by its code. */
export function tc(item: { code: string; message: string }): string {
  return translateCode(current, item);
}

/** A broken order rule (the wizard's live validation), in the current language. */
export function tv(violation: { code: string; message: string }): string {
  return translateViolation(current, violation);
}
