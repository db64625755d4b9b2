// ANS's procedure as the screen shows it: the data of `get_procedure` (steps, forms, roles,
// routes, customer service, the user guide's chapters), the téléservices, and the
// establishment's recorded habilitations. Loaded on first need, never at start (a start-up
// calls the dashboard and the card only), and shared by the views through a context.

import { getContext, setContext } from 'svelte';

import * as api from './api';
import type { Advice } from './bindings/Advice';
import type { GuideChapter } from './bindings/GuideChapter';
import type { Habilitation } from './bindings/Habilitation';
import type { Procedure } from './bindings/Procedure';
import type { Role } from './bindings/Role';
import type { RoleInfo } from './bindings/RoleInfo';
import type { Source } from './bindings/Source';
import type { Teleservice } from './bindings/Teleservice';
import type { Lang } from './i18n';
import { Busy, NoticeSlot, QUIET_WITHOUT_BACKEND, runApi, type Notice } from './notices.svelte';

/** A text the data holds in both languages (`…_fr`, `…_en`), in `lang`. */
export function inLang(lang: Lang, fr: string, en: string): string {
  return lang === 'fr' ? fr : en;
}

/** An advice of the procedure (the PIN lock, renewal) in `lang`. */
export function adviceText(lang: Lang, advice: Advice): string {
  return inLang(lang, advice.text_fr, advice.text_en);
}

/** A habilitation's identity: the record the back end keys it by. */
export function habilitationKey(h: Pick<Habilitation, 'structure_id' | 'offer' | 'usage' | 'teleservice'>): string {
  return `${h.structure_id}/${h.offer}/${h.usage}/${h.teleservice ?? ''}`;
}

export class ProcedureState {
  procedure = $state.raw<Procedure | null>(null);
  teleservices = $state.raw<readonly Teleservice[]>([]);
  habilitations = $state.raw<readonly Habilitation[]>([]);
  /** The habilitations were listed at least once. */
  habilitationsLoaded = $state(false);
  /** Why the procedure could not be loaded (a missing back end stays quiet). */
  readonly notices = new NoticeSlot();
  /** What the last change of the habilitations did, or why it failed. */
  readonly habilitationNotices = new NoticeSlot();
  readonly loading = new Busy();
  readonly saving = new Busy();

  #procedure: Promise<boolean> | null = null;
  #teleservices: Promise<boolean> | null = null;

  /** Loads the procedure once (again after a failure); true when it is there. */
  load(): Promise<boolean> {
    if (this.procedure !== null) return Promise.resolve(true);
    this.#procedure ??= runApi(api.getProcedure, { notices: this.notices, busy: this.loading, codes: QUIET_WITHOUT_BACKEND }).then((outcome) => {
      if (outcome.ok) this.procedure = outcome.value;
      else this.#procedure = null;
      return outcome.ok;
    });
    return this.#procedure;
  }

  /** Loads the téléservices once (again after a failure). */
  loadTeleservices(): Promise<boolean> {
    if (this.teleservices.length > 0) return Promise.resolve(true);
    this.#teleservices ??= runApi(api.listTeleservices, { notices: this.notices, busy: this.loading, codes: QUIET_WITHOUT_BACKEND }).then((outcome) => {
      if (outcome.ok) this.teleservices = outcome.value;
      else this.#teleservices = null;
      return outcome.ok;
    });
    return this.#teleservices;
  }

  /** Lists the habilitations recorded (again: another window may have changed them). */
  async loadHabilitations(): Promise<void> {
    const listed = await runApi(api.listHabilitations, { notices: this.habilitationNotices, busy: this.loading, codes: QUIET_WITHOUT_BACKEND });
    if (listed.ok) {
      this.habilitations = listed.value;
      this.habilitationsLoaded = true;
    }
  }

  /** Records a habilitation; true once recorded (the list is the back end's answer). */
  record(habilitation: Habilitation): Promise<boolean> {
    return this.#change(() => api.recordHabilitation(habilitation), { kind: 'success', key: 'habilitation.recorded' });
  }

  remove(habilitation: Habilitation): Promise<boolean> {
    return this.#change(() => api.removeHabilitation(habilitation), { kind: 'success', key: 'habilitation.removed' });
  }

  async #change(call: () => Promise<Habilitation[]>, success: Notice): Promise<boolean> {
    const outcome = await runApi(call, { notices: this.habilitationNotices, busy: this.saving, success });
    if (outcome.ok) {
      this.habilitations = outcome.value;
      this.habilitationsLoaded = true;
    }
    return outcome.ok;
  }

  /** A téléservice's name in `lang`, its id while the list is not loaded or does not know it. */
  teleserviceName(id: string, lang: Lang): string {
    const found = this.teleservices.find((t) => t.id === id);
    return found === undefined ? id : inLang(lang, found.name_fr, found.name_en);
  }

  chapter(id: string): GuideChapter | null {
    return this.procedure?.guide_chapters.find((c) => c.id === id) ?? null;
  }

  role(id: Role): RoleInfo | null {
    return this.procedure?.roles.find((r) => r.id === id) ?? null;
  }

  source(key: string): Source | null {
    return this.procedure?.sources[key] ?? null;
  }
}

const KEY = Symbol('procedure');

/** Shares one ProcedureState below the calling component (the app's root). */
export function provideProcedure(state: ProcedureState = new ProcedureState()): ProcedureState {
  return setContext(KEY, state);
}

/**
 * The app's ProcedureState; a component mounted on its own (a component test) gets one
 * of its own, which loads on first need like the app's.
 */
export function useProcedure(): ProcedureState {
  return getContext<ProcedureState | undefined>(KEY) ?? new ProcedureState();
}
