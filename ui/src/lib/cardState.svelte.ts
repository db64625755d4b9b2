// The card in the header and the PIN dialog's state: the last card_status answer, the
// last check, and when the card may be read at all (never on a read-only workstation).

import { onDestroy, untrack } from 'svelte';

import * as api from './api';
import type { ApiError } from './api';
import type { CardCheck } from './bindings/CardCheck';
import type { CardStatus } from './bindings/CardStatus';
import { createRefresher, firstToken } from './card';
import type { DashboardState } from './dashboard.svelte';
import type { AppShell } from './shell.svelte';

export class CardState {
  readonly #shell: AppShell;
  readonly #board: DashboardState;

  status = $state.raw<CardStatus | null>(null);
  /** Why card_status itself failed, when it did. */
  error = $state.raw<ApiError | null>(null);
  /** The last successful check, shown until dismissed or the card goes. */
  checked = $state.raw<CardCheck | null>(null);
  pinOpen = $state(false);
  /** Card events are listened to (or cannot be): the card may be read from then on. */
  listening = $state(false);

  readonly token = $derived(firstToken(this.status));
  /**
   * The card is read only once the back end said the workstation is not read-only (or
   * could not say: no back end); a read-only workstation never touches it.
   */
  readonly allowed: boolean;
  /** The card bar shows: a first answer came, or a failure other than "no back end". */
  readonly shown: boolean;

  // Read at start, on every card-event (debounced: one insertion brings several events
  // within milliseconds) and after a failed check.
  readonly #refresher = createRefresher(
    api.cardStatus,
    (next) => {
      this.status = next;
      this.error = null;
      if (firstToken(next) === null) this.checked = null;
    },
    (error) => {
      this.error = api.toApiError(error);
    },
    100,
  );

  /** Create during a component's initialisation: the card is followed while it lives. */
  constructor(shell: AppShell, board: DashboardState) {
    this.#shell = shell;
    this.#board = board;
    this.allowed = $derived((board.dashboard !== null || shell.noBackend) && !board.readOnly);
    this.shown = $derived(
      this.allowed && !shell.noBackend && (this.status !== null || (this.error !== null && this.error.code !== api.NO_BACKEND)),
    );

    // Read the card when it becomes allowed (start, read-only turned off); forget it
    // when the workstation turns read-only.
    $effect(() => {
      if (!this.listening) return;
      if (this.allowed) {
        untrack(() => void this.#refresher.now());
      } else if (this.#board.readOnly) {
        untrack(() => this.#forget());
      }
    });
    onDestroy(() => this.#refresher.dispose());
  }

  /** A card-event came: the card is read again shortly. */
  cardEvent() {
    if (this.allowed) this.#refresher.soon();
  }

  openPin() {
    if (this.#board.readOnly) return;
    this.checked = null;
    this.pinOpen = true;
    // The PIN flags may have changed since the last event (another application).
    void this.#refresher.now();
  }

  closePin() {
    this.pinOpen = false;
  }

  checkSucceeded(check: CardCheck) {
    this.checked = check;
    this.pinOpen = false;
  }

  checkFailed(error: ApiError) {
    // The dialog shows the error; the card is read again so its warnings show the new
    // PIN flags (count_low after a wrong PIN, locked…). Nothing is retried.
    if (!this.pinOpen) this.#shell.banner.fail(error);
    void this.#refresher.now();
  }

  #forget() {
    this.status = null;
    this.error = null;
    this.checked = null;
    this.pinOpen = false;
  }
}
