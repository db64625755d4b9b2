// The Groupe view as the screen shows it: the group's rows (one per certificate, read from
// the group database), its workstations, the filters and sort, the certificate selected and
// its details (asked for when selected: the rows carry only what the table shows).

import * as api from './api';
import type { GroupCertificateDetails } from './bindings/GroupCertificateDetails';
import type { GroupRow } from './bindings/GroupRow';
import type { GroupView } from './bindings/GroupView';
import type { PublishSummary } from './bindings/PublishSummary';
import {
  countGroupByStatus,
  DEFAULT_GROUP_SORT,
  establishmentsOf,
  indexGroupRows,
  matchGroupRows,
  nextGroupSort,
  NO_GROUP_FILTERS,
  orderedGroupRows,
  type GroupFilters,
  type GroupSort,
  type GroupSortKey,
} from './groupFilters';
import { localeOf } from './i18n';
import { locale } from './locale.svelte';
import { Busy, NoticeSlot, QUIET_WITHOUT_BACKEND, runApi } from './notices.svelte';

export class GroupState {
  /** Replaced whole by every answer, never edited: not deeply reactive (20,000 rows). */
  view = $state.raw<GroupView | null>(null);
  filters = $state<GroupFilters>({ ...NO_GROUP_FILTERS });
  sort = $state<GroupSort>(DEFAULT_GROUP_SORT);
  selectedSha = $state<string | null>(null);
  details = $state.raw<GroupCertificateDetails | null>(null);
  /** The last publication this workstation made (in the background or asked). */
  lastPublish = $state.raw<PublishSummary | null>(null);

  /** Why the group could not be read (the server away, a refused login): shown in the view. */
  readonly notices = new NoticeSlot();
  readonly detailsNotices = new NoticeSlot();
  readonly loading = new Busy();
  readonly loadingDetails = new Busy();
  readonly publishing = new Busy();

  readonly rows = $derived<readonly GroupRow[]>(this.view?.rows ?? []);
  readonly #index = $derived(indexGroupRows(this.rows));
  // A plain copy of the filters: the loop reads them 20,000 times, and each read of the
  // reactive object costs a proxy trap (the filter took 160 ms instead of a few).
  readonly #matches = $derived(matchGroupRows(this.#index, { ...this.filters }));
  /** The table's rows: those passing the filters, in the chosen order. */
  readonly visible = $derived(orderedGroupRows(this.#index, this.#matches, this.sort, localeOf(locale.lang)));
  readonly establishments = $derived(establishmentsOf(this.rows));
  readonly workstationNames = $derived((this.view?.workstations ?? []).map((w) => w.name));
  readonly counts = $derived(countGroupByStatus(this.rows));
  readonly selected = $derived.by(() => {
    const position = this.selectedSha === null ? undefined : this.#index.positions.get(this.selectedSha);
    return position === undefined ? null : this.rows[position];
  });

  async load() {
    const loaded = await runApi(api.groupView, { notices: this.notices, busy: this.loading, codes: QUIET_WITHOUT_BACKEND });
    if (loaded.ok) this.view = loaded.value;
  }

  /** A row clicked: its details open (asked for now), or close when they were open. */
  async select(sha256: string) {
    if (this.selectedSha === sha256) {
      this.closeDetails();
      return;
    }
    this.selectedSha = sha256;
    this.details = null;
    const loaded = await runApi(() => api.groupCertificate(sha256), { notices: this.detailsNotices, busy: this.loadingDetails });
    // Another row may have been chosen meanwhile.
    if (loaded.ok && this.selectedSha === sha256) this.details = loaded.value;
  }

  closeDetails(): string | null {
    const sha = this.selectedSha;
    this.selectedSha = null;
    this.details = null;
    return sha;
  }

  changeSort(key: Exclude<GroupSortKey, 'default'>) {
    this.sort = nextGroupSort(this.sort, key);
  }

  resetFilters() {
    this.filters = { ...NO_GROUP_FILTERS };
    this.sort = DEFAULT_GROUP_SORT;
  }

  /** "Publier maintenant", then the group read again. */
  async publishNow() {
    const published = await runApi(api.publishGroup, { notices: this.notices, busy: this.publishing });
    if (published.ok) {
      this.lastPublish = published.value;
      await this.load();
    }
  }

  /** A publication in the background did something: the group is read again. */
  published(summary: PublishSummary) {
    this.lastPublish = summary;
    if (summary.outcome === 'published' && this.view !== null) void this.load();
  }
}
