// The card as the header shows it and the PIN dialog's rules, from the back end's
// CardStatus. Pure module: no Svelte, no Tauri (the refresher only uses timers).

import type { CardIdentity } from './bindings/CardIdentity';
import type { CardStatus } from './bindings/CardStatus';
import type { PinStatus } from './bindings/PinStatus';
import type { ReaderStatus } from './bindings/ReaderStatus';
import type { ReaderView } from './bindings/ReaderView';
import type { TokenView } from './bindings/TokenView';
import type { Key, Lang } from './i18n';

/** What the header's card indicator shows (its data-state). */
export type CardState = 'no_service' | 'no_reader' | 'no_card' | 'unrecognized' | 'card';

export interface CardSummary {
  state: CardState;
  /** The reader shown: the first one holding a card, else the first one. */
  reader: ReaderView | null;
  /** How many other readers are connected. */
  otherReaders: number;
  /** The first card the middleware sees, when it sees one. */
  token: TokenView | null;
}

/** Same rule as the back end: a mute card is still a card in the reader. */
export function holdsCard(status: ReaderStatus): boolean {
  return status === 'card_present' || status === 'card_in_use' || status === 'mute';
}

/** The first token of the middleware's list (the one the header and the check use). */
export function firstToken(status: CardStatus | null): TokenView | null {
  return status?.tokens?.tokens[0] ?? null;
}

export function summarizeCard(status: CardStatus): CardSummary {
  const withCard = status.readers.find((reader) => holdsCard(reader.status)) ?? null;
  const reader = withCard ?? status.readers[0] ?? null;
  const otherReaders = Math.max(0, status.readers.length - 1);
  const token = firstToken(status);
  let state: CardState;
  if (withCard !== null) {
    state = withCard.card?.recognized ? 'card' : 'unrecognized';
  } else if (token !== null && status.readers.length === 0) {
    // No PC/SC reader, yet the middleware sees a card (a module chosen in the settings
    // may serve a token that needs no reader): it can still be checked. With readers
    // present, their state wins: an empty reader means the card is out.
    state = 'card';
  } else if (status.readers_error !== null) {
    const code = status.readers_error.code;
    state = code === 'card.no_reader' ? 'no_reader' : code === 'card.no_card' ? 'no_card' : 'no_service';
  } else {
    state = status.readers.length === 0 ? 'no_reader' : 'no_card';
  }
  return { state, reader, otherReaders, token };
}

/** The card model's name in the UI language ("CPS3 (contact)"). */
export function cardLabel(card: CardIdentity, lang: Lang): string {
  return lang === 'fr' ? card.label_fr : card.label_en;
}

/** One warning of the PIN dialog, from the token's own PIN flags. */
export interface PinNotice {
  flag: 'locked' | 'final_try' | 'count_low' | 'to_be_changed' | 'protected_authentication_path';
  key: Key;
  level: 'danger' | 'warning' | 'info';
}

/**
 * The warnings the PIN dialog shows. A locked PIN hides everything else (no PIN is
 * ever sent to it); the final try replaces the "count low" warning it implies.
 */
export function pinNotices(pin: PinStatus): PinNotice[] {
  if (!pin.known) {
    return [];
  }
  if (pin.locked) {
    return [{ flag: 'locked', key: 'pin.locked', level: 'danger' }];
  }
  const notices: PinNotice[] = [];
  if (pin.final_try) {
    notices.push({ flag: 'final_try', key: 'pin.finalTry', level: 'danger' });
  } else if (pin.count_low) {
    notices.push({ flag: 'count_low', key: 'pin.countLow', level: 'warning' });
  }
  if (pin.to_be_changed) {
    notices.push({ flag: 'to_be_changed', key: 'pin.toBeChanged', level: 'warning' });
  }
  if (pin.protected_authentication_path) {
    notices.push({ flag: 'protected_authentication_path', key: 'pin.protectedPath', level: 'info' });
  }
  return notices;
}

/**
 * What is known of the tries left: PKCS#11 only says "a wrong PIN was entered" and
 * "this is the last try", never a number.
 */
export function triesKey(pin: PinStatus): Key | null {
  if (!pin.known) return 'pin.triesUnknown';
  if (pin.locked) return null;
  return pin.count_low || pin.final_try ? 'pin.triesNotExact' : 'pin.triesOk';
}

/** True when the PIN is locked: the dialog then offers no input and no submit. */
export function pinLocked(pin: PinStatus): boolean {
  return pin.known && pin.locked;
}

/** True when the reader's pad or the middleware's window asks for the PIN itself. */
export function pinOnReader(pin: PinStatus): boolean {
  return pin.known && pin.protected_authentication_path;
}

/** The length hint for the PIN field, when the token gives limits. */
export function pinLengthHint(pin: PinStatus): { key: Key; params: { min?: number; max?: number } } | null {
  const { min_length: min, max_length: max } = pin;
  if (min !== null && max !== null) return { key: 'pin.length', params: { min, max } };
  if (min !== null) return { key: 'pin.lengthMin', params: { min } };
  if (max !== null) return { key: 'pin.lengthMax', params: { max } };
  return null;
}

/** True when the PIN's length (in bytes, as PKCS#11 counts it) fits the token's limits. */
export function pinLengthFits(value: string, pin: PinStatus): boolean {
  const bytes = new TextEncoder().encode(value).length;
  return (pin.min_length === null || bytes >= pin.min_length) && (pin.max_length === null || bytes <= pin.max_length);
}

export interface Refresher {
  /** Refreshes now (after the refresh in flight, if any). */
  now(): Promise<void>;
  /** Refreshes once `delayMs` after the last of a burst of requests. */
  soon(): void;
  /** Stops the pending timer; later answers are ignored. */
  dispose(): void;
}

/**
 * Runs `load` and hands its answer to `apply` (or the error to `fail`), never two at
 * once: a request made while one runs starts one more run afterwards, so the last
 * answer applied is always at least as recent as the last request.
 */
export function createRefresher<T>(
  load: () => Promise<T>,
  apply: (value: T) => void,
  fail: (error: unknown) => void,
  delayMs = 100,
): Refresher {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let disposed = false;

  async function runLoop(): Promise<void> {
    do {
      again = false;
      try {
        const value = await load();
        if (!disposed) apply(value);
      } catch (error) {
        if (!disposed) fail(error);
      }
    } while (again && !disposed);
  }

  function now(): Promise<void> {
    if (disposed) return Promise.resolve();
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (running !== null) {
      again = true;
      return running;
    }
    running = runLoop().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    now,
    soon() {
      if (disposed) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void now();
      }, delayMs);
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
