// The dashboard as the screen shows it: the back end's Dashboard, the scans, the filters,
// the sort and the certificate selected, and the commands that change them.

import * as api from './api';
import type { CertificateView } from './bindings/CertificateView';
import type { Dashboard } from './bindings/Dashboard';
import type { ExportFormat } from './bindings/ExportFormat';
import type { LostPlace } from './bindings/LostPlace';
import type { PendingOrder } from './bindings/PendingOrder';
import type { ScanProgress } from './bindings/ScanProgress';
import type { ScanSummary } from './bindings/ScanSummary';
import type { Settings } from './bindings/Settings';
import { exportExtension, exportFileNameKey } from './exports';
import {
  countByStatus,
  countLongExpired,
  DEFAULT_SORT,
  indexCertificates,
  isLongExpired,
  matchIndex,
  nextSort,
  NO_FILTERS,
  orderedMatches,
  teleservicesOf,
  type Filters,
  type Sort,
  type SortKey,
} from './filters';
import { localeOf, type Lang } from './i18n';
import { locale, t } from './locale.svelte';
import { Busy, runApi, type Notice } from './notices.svelte';
import { defaultSettings, languageOf, withLanguage } from './settings';
import type { AppShell } from './shell.svelte';

/** The filters the filter bar edits ("hide long expired" is a checkbox of its own). */
export type FilterFields = Omit<Filters, 'hideExpiredAfterDays'>;

function noFilters(): FilterFields {
  return {
    text: NO_FILTERS.text,
    status: NO_FILTERS.status,
    usage: NO_FILTERS.usage,
    environment: NO_FILTERS.environment,
    teleservice: NO_FILTERS.teleservice,
  };
}

export class DashboardState {
  readonly #shell: AppShell;

  /** Replaced whole by every answer, never edited: not deeply reactive (20,000 certificates). */
  dashboard = $state.raw<Dashboard | null>(null);
  loading = $state(true);
  scanning = $state(false);
  progress = $state.raw<ScanProgress | null>(null);
  summary = $state.raw<ScanSummary | null>(null);
  selectedSha = $state<string | null>(null);
  filters = $state<FilterFields>(noFilters());
  hideExpired = $state(true);
  sort = $state<Sort>(DEFAULT_SORT);
  /** Bumped to have the table scroll the selected row into view. */
  revealRequest = $state(0);
  /**
   * Places CertiSanté wrote that a scan found gone: kept until dismissed (the scan that
   * found them took them off the list, so no later scan says it again).
   */
  lostPlaces = $state.raw<readonly LostPlace[]>([]);

  /** Commands in flight (buttons wait). */
  readonly busy = new Busy();
  readonly exporting = new Busy();
  readonly checkingRevocation = new Busy();

  /** A certificate asked for (a notification clicked) before the dashboard listed it. */
  #openRequested: string | null = null;
  /** The stored language is applied once, from the first dashboard. */
  #languageApplied = false;

  readonly settings = $derived<Settings>(this.dashboard?.settings ?? defaultSettings(locale.lang));
  readonly certificates = $derived<readonly CertificateView[]>(this.dashboard?.certificates ?? []);
  /** Orders whose CSR waits for the portal's certificate, the longest waiting first. */
  readonly pendingOrders = $derived<readonly PendingOrder[]>(this.dashboard?.pending_orders ?? []);
  readonly hideDays = $derived(this.settings.hide_expired_after_days);
  readonly effectiveFilters = $derived<Filters>({ ...this.filters, hideExpiredAfterDays: this.hideExpired ? this.hideDays : null });
  // Each step is recomputed only when what it reads changes: the index with the dashboard,
  // the matches with the filters, the order with the matches or the sort.
  readonly #index = $derived(indexCertificates(this.certificates));
  readonly #matches = $derived(matchIndex(this.#index, this.effectiveFilters));
  /** The table's rows: the certificates passing the filters, in the chosen order. */
  readonly visible = $derived(orderedMatches(this.#index, this.#matches, this.sort, localeOf(locale.lang)));
  readonly hiddenCount = $derived(this.hideExpired ? countLongExpired(this.certificates, this.hideDays) : 0);
  readonly counts = $derived(countByStatus(this.certificates));
  /** The téléservices some certificate serves: the téléservice filter's choices. */
  readonly teleservices = $derived(teleservicesOf(this.certificates));
  readonly selected = $derived.by(() => {
    const position = this.selectedSha === null ? undefined : this.#index.positions.get(this.selectedSha);
    return position === undefined ? null : this.certificates[position];
  });
  /** A secretary's workstation: dashboard, statuses and exports only. */
  readonly readOnly = $derived(this.dashboard?.read_only.enabled ?? false);

  /** What the back end pushes about scans and the dashboard (api.subscribe). */
  readonly events: Pick<api.BackendEvents, 'scanStarted' | 'scanProgress' | 'scanFinished' | 'dashboardUpdated'> = {
    scanStarted: () => {
      this.scanning = true;
      this.progress = null;
      this.summary = null;
    },
    scanProgress: (next) => {
      this.scanning = true;
      this.progress = next;
    },
    scanFinished: (next) => {
      this.summary = next;
      // A back end from before the managed places sends none.
      if ((next.places_lost ?? []).length > 0) this.lostPlaces = next.places_lost;
      // A command still running says when its scan is over.
      if (!this.busy.active) {
        this.scanning = false;
        this.progress = null;
      }
    },
    dashboardUpdated: (next) => this.apply(next),
  };

  constructor(shell: AppShell) {
    this.#shell = shell;
  }

  apply(next: Dashboard) {
    this.dashboard = next;
    this.#shell.noBackend = false;
    this.#shell.restrictTo(next.read_only.enabled);
    if (!this.#languageApplied) {
      this.#languageApplied = true;
      locale.lang = languageOf(next.settings);
    }
    const requested = this.#openRequested;
    if (requested !== null && next.certificates.some((cert) => cert.sha256 === requested)) {
      this.#openRequested = null;
      this.openCertificate(requested);
    }
  }

  async load() {
    this.loading = true;
    const loaded = await runApi(api.getDashboard, { notices: this.#shell.banner, codes: this.#shell.codes });
    if (loaded.ok) this.apply(loaded.value);
    this.loading = false;
  }

  /**
   * Reads the dashboard again without a scan: orders changed (a certificate imported or
   * installed is listed without any folder watched, a request made waits for the portal).
   */
  async reload() {
    const loaded = await runApi(api.getDashboard, { notices: this.#shell.banner, codes: this.#shell.codes });
    if (loaded.ok) this.apply(loaded.value);
  }

  /** The certificate of this SHA-256, when the dashboard lists it. */
  certificateBySha(sha256: string): CertificateView | null {
    const position = this.#index.positions.get(sha256);
    return position === undefined ? null : this.certificates[position];
  }

  dismissLostPlaces() {
    this.lostPlaces = [];
  }

  /** Runs one command that answers the new dashboard: busy, and its notice on the banner. */
  async #run(command: () => Promise<Dashboard>, options: { scans?: boolean; success?: Notice } = {}): Promise<boolean> {
    if (options.scans) this.scanning = true;
    const outcome = await runApi(command, {
      notices: this.#shell.banner,
      busy: this.busy,
      success: options.success,
      codes: this.#shell.codes,
    });
    if (options.scans) {
      this.scanning = false;
      this.progress = null;
    }
    if (outcome.ok) this.apply(outcome.value);
    return outcome.ok;
  }

  scan() {
    this.summary = null;
    void this.#run(api.rescan, { scans: true });
  }

  /** Reads again the files an interrupted scan set aside, then scans. */
  retrySetAside() {
    this.summary = null;
    void this.#run(api.retrySetAside, { scans: true });
  }

  async addPaths(paths: string[]) {
    if (paths.length === 0) return;
    this.summary = null;
    await this.#run(() => api.addWatched(paths), {
      scans: true,
      success: { kind: 'success', key: 'banner.added', params: { count: paths.length } },
    });
  }

  async addFolder() {
    const picked = await runApi(() => api.pickFolders(t('dialog.folderTitle')), { notices: this.#shell.banner, codes: this.#shell.codes });
    if (picked.ok) await this.addPaths(picked.value);
  }

  async addFile() {
    const picked = await runApi(() => api.pickFiles(t('dialog.fileTitle'), t('dialog.filterName')), {
      notices: this.#shell.banner,
      codes: this.#shell.codes,
    });
    if (picked.ok) await this.addPaths(picked.value);
  }

  removeWatched(path: string) {
    void this.#run(() => api.removeWatched(path), { success: { kind: 'info', key: 'banner.removed', params: { path } } });
  }

  saveSettings(next: Settings): Promise<boolean> {
    return this.#run(() => api.saveSettings(next), { scans: true, success: { kind: 'success', key: 'settings.saved' } });
  }

  changeLanguage(lang: Lang) {
    locale.lang = lang;
    this.#languageApplied = true;
    // The language is a stored setting too; without a back end it only changes here.
    const current = this.dashboard;
    if (current !== null && !this.#shell.noBackend && current.settings.language !== lang) {
      void this.#run(() => api.saveSettings(withLanguage(this.settings, lang)));
    }
  }

  /**
   * Records the téléservices a certificate serves (none: an empty list); the dashboard
   * answered shows the tie and the warnings it brings. True once recorded.
   */
  setTeleservices(sha256: string, teleservices: string[], cn: string): Promise<boolean> {
    return this.#run(() => api.setTeleservices(sha256, teleservices), {
      success: { kind: 'success', key: 'teleservices.saved', params: { cn } },
    });
  }

  /** "Vérifier la révocation maintenant": every certificate's status asked again. */
  async checkRevocation() {
    await this.checkingRevocation.during(() =>
      this.#run(api.checkRevocation, { success: { kind: 'success', key: 'revocation.checkedAll' } }),
    );
  }

  /** Asks where to save, then has the back end write the export there. */
  async exportDashboard(format: ExportFormat) {
    const picked = await runApi(
      () => api.pickSavePath(t(`export.dialogTitle.${format}`), t(exportFileNameKey(format)), t(`export.filterName.${format}`), [exportExtension(format)]),
      { notices: this.#shell.banner, codes: this.#shell.codes },
    );
    if (!picked.ok || picked.value === null) return;
    const path = picked.value;
    await runApi(() => api.exportDashboard(format, path), {
      notices: this.#shell.banner,
      busy: this.exporting,
      codes: this.#shell.codes,
      success: (written) => ({ kind: 'success', key: 'export.done', params: { path: written } }),
    });
  }

  resetFilters() {
    this.filters = noFilters();
    this.hideExpired = true;
    this.sort = DEFAULT_SORT;
  }

  changeSort(key: Exclude<SortKey, 'default'>) {
    this.sort = nextSort(this.sort, key);
  }

  /** A row clicked: its details open, or close when they were open. */
  select(sha256: string) {
    this.selectedSha = this.selectedSha === sha256 ? null : sha256;
  }

  /** Closes the details; answers the certificate they showed (its row takes the focus back). */
  closeDetails(): string | null {
    const sha = this.selectedSha;
    this.selectedSha = null;
    return sha;
  }

  /**
   * Shows one certificate (a notification was clicked): the dashboard, with filters that
   * let it show, its details open and its row scrolled into view.
   */
  openCertificate(sha256: string) {
    this.#shell.view = 'dashboard';
    const position = this.#index.positions.get(sha256);
    if (position === undefined) {
      // Not listed yet (the start-up scan is running): opened when it is.
      this.#openRequested = sha256;
      return;
    }
    if (this.#matches.mask[position] !== 1) {
      this.filters = noFilters();
      if (isLongExpired(this.certificates[position], this.hideExpired ? this.hideDays : null)) this.hideExpired = false;
    }
    this.selectedSha = sha256;
    this.revealRequest += 1;
  }
}
