import { afterEach, describe, expect, it, vi } from 'vitest';

import type { CardStatus } from './bindings/CardStatus';
import {
  createRefresher,
  firstToken,
  pinLengthFits,
  pinLengthHint,
  pinLocked,
  pinNotices,
  pinOnReader,
  summarizeCard,
  triesKey,
} from './card';
import { cardInReader, cps3, emptyReader, makePin, makeReader, makeToken } from './test-fixtures';

function status(overrides: Partial<CardStatus>): CardStatus {
  return { readers: [], readers_error: null, tokens: null, tokens_error: null, ...overrides };
}

describe('summarizeCard', () => {
  it('says the service is down when the readers cannot be listed', () => {
    const s = status({ readers_error: { code: 'card.pcsc_unavailable', message: 'no service' } });
    expect(summarizeCard(s).state).toBe('no_service');
    expect(summarizeCard(status({ readers_error: { code: 'card.pcsc_error', message: 'x' } })).state).toBe('no_service');
    expect(summarizeCard(status({ readers_error: { code: 'card.no_reader', message: 'x' } })).state).toBe('no_reader');
  });

  it('tells no reader from an empty reader', () => {
    expect(summarizeCard(status({})).state).toBe('no_reader');
    const empty = summarizeCard(emptyReader());
    expect(empty.state).toBe('no_card');
    expect(empty.reader?.name).toContain('Identiv');
  });

  it('recognises a card, or not, from the reader holding it', () => {
    const unknown = makeReader({
      name: 'Other reader',
      status: 'card_present',
      atr: '3B 00',
      card: cps3({ atr: '3B 00', recognized: false, model: null, family: null, label_fr: 'Carte non reconnue', can_sign: false }),
    });
    const s = status({ readers: [makeReader(), unknown] });
    const summary = summarizeCard(s);
    expect(summary.state).toBe('unrecognized');
    expect(summary.reader?.name).toBe('Other reader');
    expect(summary.otherReaders).toBe(1);
    // A mute card (no ATR) is a card that cannot be recognised.
    expect(summarizeCard(status({ readers: [makeReader({ status: 'mute' })] })).state).toBe('unrecognized');
    expect(summarizeCard(cardInReader()).state).toBe('card');
  });

  it('counts a token the middleware sees without a PC/SC card', () => {
    const s = { ...cardInReader(), readers: [] };
    expect(summarizeCard(s).state).toBe('card');
    expect(firstToken(s)?.details.slot_id).toBe(1);
    expect(firstToken(null)).toBe(null);
    // With a PC/SC reader present and empty, the card is out, whatever the middleware says.
    const emptyReader = { ...cardInReader(), readers: [makeReader({ status: 'empty', atr: null, card: null })] };
    expect(summarizeCard(emptyReader).state).toBe('no_card');
  });
});

describe('PIN rules', () => {
  it('warns from the token flags, the final try replacing "count low"', () => {
    expect(pinNotices(makePin()).map((n) => n.flag)).toEqual([]);
    expect(pinNotices(makePin({ count_low: true })).map((n) => n.flag)).toEqual(['count_low']);
    expect(pinNotices(makePin({ count_low: true, final_try: true })).map((n) => n.flag)).toEqual(['final_try']);
    expect(
      pinNotices(makePin({ to_be_changed: true, protected_authentication_path: true })).map((n) => n.flag),
    ).toEqual(['to_be_changed', 'protected_authentication_path']);
  });

  it('shows only the lock when the PIN is locked', () => {
    const locked = makePin({ locked: true, count_low: true, final_try: true });
    expect(pinNotices(locked).map((n) => n.flag)).toEqual(['locked']);
    expect(pinLocked(locked)).toBe(true);
    expect(triesKey(locked)).toBe(null);
  });

  it('says what is known of the tries left', () => {
    expect(triesKey(makePin())).toBe('pin.triesOk');
    expect(triesKey(makePin({ count_low: true }))).toBe('pin.triesNotExact');
    expect(triesKey(makePin({ known: false }))).toBe('pin.triesUnknown');
    expect(pinNotices(makePin({ known: false }))).toEqual([]);
    expect(pinOnReader(makePin({ known: false, protected_authentication_path: true }))).toBe(false);
  });

  it('checks the PIN length in bytes against the token limits', () => {
    const pin = makePin({ min_length: 4, max_length: 8 });
    expect(pinLengthFits('123', pin)).toBe(false);
    expect(pinLengthFits('1234', pin)).toBe(true);
    expect(pinLengthFits('123456789', pin)).toBe(false);
    expect(pinLengthFits('1', makePin({ min_length: null, max_length: null }))).toBe(true);
    expect(pinLengthHint(pin)).toEqual({ key: 'pin.length', params: { min: 4, max: 8 } });
    expect(pinLengthHint(makePin({ min_length: null, max_length: null }))).toBe(null);
  });

  it('reads the PIN state of the first token', () => {
    expect(firstToken(cardInReader(makeToken({ final_try: true })))?.details.pin.final_try).toBe(true);
  });
});

describe('createRefresher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of requests into one load', async () => {
    vi.useFakeTimers();
    const load = vi.fn(async () => 1);
    const apply = vi.fn();
    const refresher = createRefresher(load, apply, () => {}, 100);
    refresher.soon();
    await vi.advanceTimersByTimeAsync(50);
    refresher.soon();
    refresher.soon();
    await vi.advanceTimersByTimeAsync(99);
    expect(load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith(1);
    refresher.dispose();
  });

  it('never runs two loads at once and always ends with a fresh one', async () => {
    const resolvers: Array<(value: number) => void> = [];
    const load = vi.fn(() => new Promise<number>((resolve) => resolvers.push(resolve)));
    const applied: number[] = [];
    const refresher = createRefresher(load, (value) => applied.push(value), () => {});
    const first = refresher.now();
    void refresher.now();
    void refresher.now();
    expect(load).toHaveBeenCalledTimes(1);
    resolvers[0](1);
    await Promise.resolve();
    await Promise.resolve();
    expect(load).toHaveBeenCalledTimes(2);
    resolvers[1](2);
    await first;
    expect(applied).toEqual([1, 2]);
  });

  it('reports failures and ignores answers after dispose', async () => {
    const fail = vi.fn();
    const refresher = createRefresher(() => Promise.reject({ code: 'card.pcsc_error', message: 'x' }), () => {}, fail);
    await refresher.now();
    expect(fail).toHaveBeenCalledWith({ code: 'card.pcsc_error', message: 'x' });
    refresher.dispose();
    await refresher.now();
    expect(fail).toHaveBeenCalledTimes(1);
  });
});
