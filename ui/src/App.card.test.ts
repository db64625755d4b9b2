// @vitest-environment happy-dom
// The card in the header and the PIN dialog, against a simulated Tauri IPC (Tauri's own
// test mocks): card_status at start and after every card-event, check_card called once
// per submit with the typed PIN, and the token's own PIN warnings.

import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CardCheck } from './lib/bindings/CardCheck';
import type { CardStatus } from './lib/bindings/CardStatus';
import type { Dashboard } from './lib/bindings/Dashboard';
import type { PinStatus } from './lib/bindings/PinStatus';
import { mockBackend, mountApp as render, resetApp, settle, sleep, textOf as text, typeInto, unexpected, type Backend } from './lib/ipc.test-support';
import { cardInReader, CPS3_ATR, cps3, emptyDashboard, emptyReader, makeProcedure, makeReader, makeToken, READER } from './lib/test-fixtures';

const dashboard: Dashboard = emptyDashboard();

const checked: CardCheck = {
  token_label: 'CPS de Jean DUPONT',
  holder_name: 'Jean DUPONT',
  key_id: 'a1b2c320',
  mechanism: 'rsa_pkcs1_sha256',
};

let backend: Backend;
let card: CardStatus;
let checkCard: (args: Record<string, unknown> | undefined) => unknown;

beforeEach(() => {
  card = emptyReader();
  checkCard = () => checked;
  backend = mockBackend(() => (cmd, args) => {
    if (cmd === 'get_dashboard') return dashboard;
    if (cmd === 'card_status') return card;
    if (cmd === 'check_card') return checkCard(args);
    if (cmd === 'get_procedure') return makeProcedure();
    return unexpected(cmd);
  });
});

afterEach(() => resetApp());

function count(cmd: string): number {
  return backend.callsOf(cmd).length;
}

function indicator(root: HTMLElement): HTMLElement {
  return root.querySelector<HTMLElement>('[data-testid="card-indicator"]')!;
}

function checkButton(root: HTMLElement): HTMLButtonElement {
  return root.querySelector<HTMLButtonElement>('[data-testid="check-card-button"]')!;
}

/** Renders the app with `pin` as the card's PIN flags and opens the PIN dialog. */
async function openDialog(pin: Partial<PinStatus> = {}): Promise<{ root: HTMLElement; dialog: HTMLElement }> {
  card = cardInReader(makeToken(pin));
  const root = await render();
  checkButton(root).click();
  await settle();
  const dialog = root.querySelector<HTMLElement>('[data-testid="pin-dialog"]')!;
  expect(dialog).not.toBeNull();
  return { root, dialog };
}

function type(dialog: HTMLElement, value: string) {
  typeInto(dialog.querySelector<HTMLInputElement>('[data-testid="pin-input"]')!, value);
}

function submit(dialog: HTMLElement) {
  dialog.querySelector<HTMLButtonElement>('[data-testid="pin-submit"]')!.click();
}

function warnings(dialog: HTMLElement): string[] {
  return [...dialog.querySelectorAll<HTMLElement>('[data-testid="pin-warning"]')].map((w) => w.dataset.flag ?? '');
}

describe('card indicator', () => {
  it('reads the card once at start', async () => {
    await render();
    expect(count('card_status')).toBe(1);
    expect(count('check_card')).toBe(0);
  });

  it('shows a stopped smart-card service', async () => {
    card = { readers: [], readers_error: { code: 'card.pcsc_unavailable', message: 'no service' }, tokens: null, tokens_error: null };
    const root = await render();
    expect(indicator(root).dataset.state).toBe('no_service');
    expect(text(root, 'card-label')).toContain('pcscd');
    expect(text(root, 'card-label')).toContain('« Carte à puce »');
    expect(checkButton(root).disabled).toBe(true);
  });

  it('shows that no reader is connected', async () => {
    card = { readers: [], readers_error: null, tokens: null, tokens_error: null };
    const root = await render();
    expect(indicator(root).dataset.state).toBe('no_reader');
    expect(text(root, 'card-label')).toBe('Aucun lecteur de carte connecté');
  });

  it('shows the reader without a card', async () => {
    const root = await render();
    expect(indicator(root).dataset.state).toBe('no_card');
    expect(text(root, 'card-reader')).toBe(READER);
    expect(text(root, 'card-label')).toBe('Aucune carte dans le lecteur');
    expect(root.querySelector('[data-testid="card-holder"]')).toBeNull();
    expect(checkButton(root).disabled).toBe(true);
  });

  it('shows an unrecognised card with its ATR', async () => {
    const atr = '3B 8F 80 01 80 4F 0C A0 00 00 03 06';
    card = {
      readers: [
        makeReader({
          status: 'card_present',
          atr,
          card: cps3({ atr, recognized: false, model: null, family: null, label_fr: 'Carte non reconnue', label_en: 'Unrecognised card', interface: null, can_sign: false }),
        }),
      ],
      readers_error: null,
      tokens: null,
      tokens_error: null,
    };
    const root = await render();
    expect(indicator(root).dataset.state).toBe('unrecognized');
    expect(text(root, 'card-reader')).toBe(READER);
    expect(text(root, 'card-label')).toBe('Carte non reconnue');
    expect(text(root, 'card-atr')).toBe(`ATR ${atr}`);
    expect(root.querySelector('[data-testid="card-no-sign"]')).toBeNull();
  });

  it('shows a CPS3 with its holder and enables the check', async () => {
    card = cardInReader();
    const root = await render();
    expect(indicator(root).dataset.state).toBe('card');
    expect(text(root, 'card-reader')).toBe(READER);
    expect(text(root, 'card-label')).toBe('CPS3 (contact)');
    expect(text(root, 'card-holder')).toBe('Jean DUPONT · CPS (professionnel de santé)');
    expect(root.querySelector<HTMLElement>('[data-testid="card-holder"]')?.dataset.cardType).toBe('CPS');
    expect(root.querySelector('[data-testid="card-no-sign"]')).toBeNull();
    expect(checkButton(root).disabled).toBe(false);
    expect(checkButton(root).textContent?.trim()).toBe('Vérifier la carte');
  });

  it('says a contactless CPS3 cannot sign', async () => {
    const contactless = cps3({ model: 'cps3_contactless', label_fr: 'CPS3 (sans contact)', label_en: 'CPS3 (contactless)', interface: 'contactless', can_sign: false });
    card = { ...cardInReader(), readers: [makeReader({ status: 'card_present', atr: CPS3_ATR, card: contactless })] };
    const root = await render();
    expect(indicator(root).dataset.state).toBe('card');
    expect(text(root, 'card-label')).toBe('CPS3 (sans contact)');
    expect(text(root, 'card-no-sign')).toBe('Sans contact : cette carte ne permet pas de signer');
  });

  it('shows a middleware error discreetly, keeping the reader part', async () => {
    card = {
      readers: [makeReader({ status: 'card_present', atr: CPS3_ATR, card: cps3() })],
      readers_error: null,
      tokens: null,
      tokens_error: { code: 'token.module_not_found', message: 'libcps3_pkcs11_lux.so: not found' },
    };
    const root = await render();
    expect(indicator(root).dataset.state).toBe('card');
    expect(text(root, 'card-label')).toBe('CPS3 (contact)');
    const error = root.querySelector<HTMLElement>('[data-testid="card-tokens-error"]')!;
    expect(error.dataset.code).toBe('token.module_not_found');
    expect(error.textContent).toContain('Middleware de la carte introuvable');
    expect(error.title).toContain('installez Cryptolib CPS');
    expect(error.title).toContain('réglages');
    expect(root.querySelector('[data-testid="card-holder"]')).toBeNull();
    expect(checkButton(root).disabled).toBe(true);
  });

  it('follows card events, debounced', async () => {
    const root = await render();
    expect(indicator(root).dataset.state).toBe('no_card');
    expect(count('card_status')).toBe(1);

    card = cardInReader();
    await emit('card-event', { kind: 'reader_added', reader: READER });
    await emit('card-event', { kind: 'card_inserted', reader: READER, atr: CPS3_ATR, card: cps3(), status: 'card_present' });
    await settle();
    // Still within the debounce window: one refresh for the whole burst, later.
    expect(count('card_status')).toBe(1);
    await sleep(150);
    await settle();
    expect(count('card_status')).toBe(2);
    expect(indicator(root).dataset.state).toBe('card');
    expect(text(root, 'card-holder')).toContain('Jean DUPONT');

    card = { readers: [], readers_error: { code: 'card.pcsc_unavailable', message: 'x' }, tokens: null, tokens_error: null };
    await emit('card-event', { kind: 'service_unavailable', code: 'card.pcsc_unavailable', message: 'x' });
    await sleep(150);
    await settle();
    expect(count('card_status')).toBe(3);
    expect(indicator(root).dataset.state).toBe('no_service');
  });
});

describe('PIN dialog', () => {
  it('asks for the PIN only when the check is started', async () => {
    card = cardInReader();
    const root = await render();
    expect(root.querySelector('[data-testid="pin-dialog"]')).toBeNull();
    expect(root.querySelector('[data-testid="pin-input"]')).toBeNull();
    checkButton(root).click();
    await settle();
    const input = root.querySelector<HTMLInputElement>('[data-testid="pin-input"]')!;
    expect(input.type).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('off');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    expect(input.getAttribute('minlength')).toBe('4');
    expect(input.getAttribute('maxlength')).toBe('8');
    expect(document.activeElement).toBe(input);
    expect(text(root, 'pin-tries')).toContain('n’indique pas le nombre exact');
    expect(count('check_card')).toBe(0);

    root.querySelector<HTMLButtonElement>('[data-testid="pin-cancel"]')!.click();
    await settle();
    expect(root.querySelector('[data-testid="pin-dialog"]')).toBeNull();
    expect(count('check_card')).toBe(0);
  });

  it('warns when a wrong PIN was already entered', async () => {
    const { dialog } = await openDialog({ count_low: true });
    expect(warnings(dialog)).toEqual(['count_low']);
    expect(text(dialog, 'pin-warning')).toBe('! Un code PIN erroné a déjà été saisi : il reste peu d’essais.');
    expect(dialog.querySelector('[data-testid="pin-input"]')).not.toBeNull();
  });

  it('warns before the last try', async () => {
    const { dialog } = await openDialog({ count_low: true, final_try: true });
    expect(warnings(dialog)).toEqual(['final_try']);
    expect(text(dialog, 'pin-warning')).toContain('Dernier essai : un code erroné bloquera la carte.');
  });

  it('offers no PIN input at all on a locked card', async () => {
    const { dialog } = await openDialog({ locked: true });
    expect(warnings(dialog)).toEqual(['locked']);
    expect(text(dialog, 'pin-warning')).toContain('code de déblocage');
    expect(text(dialog, 'pin-warning')).toContain('Cryptolib CPS');
    expect(dialog.querySelector('[data-testid="pin-input"]')).toBeNull();
    expect(dialog.querySelector('[data-testid="pin-submit"]')).toBeNull();
    expect(text(dialog, 'pin-cancel')).toBe('Fermer');
    expect(count('check_card')).toBe(0);
  });

  it('explains at the lock how lost codes are re-issued, through the mandataire, and who to call', async () => {
    const { dialog } = await openDialog({ locked: true });
    await settle();
    const help = dialog.querySelector<HTMLElement>('[data-testid="pin-locked-help"]')!;
    expect(help.textContent).toContain('réfection des codes confidentiels');
    expect(help.textContent).toMatch(/mandataire de l['’]établissement/);
    expect(text(help, 'pin-help-service')).toContain('0 825 852 000');
    expect(count('get_procedure')).toBe(1);
  });

  it('says nothing of lost codes while the PIN is not locked (the procedure is not even asked)', async () => {
    const { dialog } = await openDialog({});
    await settle();
    expect(dialog.querySelector('[data-testid="pin-locked-help"]')).toBeNull();
    expect(count('get_procedure')).toBe(0);
  });

  it('sends no PIN when the reader or the middleware asks for it', async () => {
    const { root, dialog } = await openDialog({ protected_authentication_path: true });
    expect(warnings(dialog)).toEqual(['protected_authentication_path']);
    expect(text(dialog, 'pin-warning')).toContain('Saisissez le code sur le lecteur ou dans la fenêtre du logiciel de la carte');
    expect(dialog.querySelector('[data-testid="pin-input"]')).toBeNull();
    submit(dialog);
    await settle();
    expect(backend.callsOf('check_card')).toEqual([{ cmd: 'check_card', args: { slotId: 1, pin: null } }]);
    expect(root.querySelector('[data-testid="pin-dialog"]')).toBeNull();
    expect(text(root, 'card-check-result')).toBe('Carte vérifiée : Jean DUPONT');
  });

  it('checks once per submit, clears the PIN and shows a wrong PIN, then succeeds', async () => {
    let answer: (value: unknown) => void = () => {};
    let refuse: (error: unknown) => void = () => {};
    checkCard = () =>
      new Promise((resolve, reject) => {
        answer = resolve;
        refuse = reject;
      });
    const { root, dialog } = await openDialog();
    const statusCallsBefore = count('card_status');
    const input = dialog.querySelector<HTMLInputElement>('[data-testid="pin-input"]')!;

    type(dialog, '1234');
    submit(dialog);
    await settle();
    // The call is running: the field is already empty and a second click does nothing.
    expect(input.value).toBe('');
    submit(dialog);
    await settle();
    expect(backend.callsOf('check_card')).toEqual([{ cmd: 'check_card', args: { slotId: 1, pin: '1234' } }]);

    // The card refuses it: its flags now say a wrong PIN was entered.
    card = cardInReader(makeToken({ count_low: true }));
    refuse({ code: 'token.pin_incorrect', message: 'CKR_PIN_INCORRECT' });
    await settle();
    const error = dialog.querySelector<HTMLElement>('[data-testid="pin-error"]')!;
    expect(error.dataset.code).toBe('token.pin_incorrect');
    expect(error.textContent?.trim()).toBe('Code PIN incorrect. Le nombre d’essais est limité avant le blocage de la carte.');
    expect(count('card_status')).toBe(statusCallsBefore + 1);
    expect(warnings(dialog)).toEqual(['count_low']);
    // Never retried on its own.
    await sleep(150);
    await settle();
    expect(count('check_card')).toBe(1);
    expect(root.querySelector('[data-testid="pin-dialog"]')).not.toBeNull();
    expect(input.value).toBe('');

    // The user types again: one more call, with the new PIN.
    type(dialog, '5678');
    submit(dialog);
    await settle();
    expect(input.value).toBe('');
    expect(backend.callsOf('check_card').map((call) => call.args)).toEqual([
      { slotId: 1, pin: '1234' },
      { slotId: 1, pin: '5678' },
    ]);
    answer(checked);
    await settle();
    expect(root.querySelector('[data-testid="pin-dialog"]')).toBeNull();
    expect(text(root, 'card-check-result')).toBe('Carte vérifiée : Jean DUPONT');
    expect(document.activeElement).toBe(checkButton(root));
    expect(count('check_card')).toBe(2);
  });

  it('sends nothing for an empty PIN or one of the wrong length', async () => {
    const { dialog } = await openDialog();
    submit(dialog);
    await settle();
    expect(text(dialog, 'pin-error')).toBe('Saisissez le code PIN.');
    type(dialog, '12');
    submit(dialog);
    await settle();
    expect(dialog.querySelector<HTMLElement>('[data-testid="pin-error"]')?.dataset.code).toBe('token.pin_length');
    expect(dialog.querySelector<HTMLInputElement>('[data-testid="pin-input"]')?.value).toBe('');
    expect(count('check_card')).toBe(0);
  });

  it('hides the input once the card reports a locked PIN', async () => {
    checkCard = () => {
      card = cardInReader(makeToken({ locked: true }));
      throw { code: 'token.pin_locked', message: 'CKR_PIN_LOCKED' };
    };
    const { dialog } = await openDialog({ count_low: true, final_try: true });
    type(dialog, '0000');
    submit(dialog);
    await settle();
    expect(dialog.querySelector<HTMLElement>('[data-testid="pin-error"]')?.dataset.code).toBe('token.pin_locked');
    expect(warnings(dialog)).toEqual(['locked']);
    expect(dialog.querySelector('[data-testid="pin-input"]')).toBeNull();
    expect(dialog.querySelector('[data-testid="pin-submit"]')).toBeNull();
    expect(count('check_card')).toBe(1);
    expect(dialog.querySelector('[data-testid="pin-locked-help"]')?.textContent).toContain('réfection des codes confidentiels');
  });
});
