// The choices the filter bars offer (the dashboard's and the Groupe view's), labelled in the
// user's language; each ChoiceField adds "Tous" first.

import type { Status } from './bindings/Status';
import { ENVIRONMENTS, STATUSES, USAGES } from './filters';
import { t } from './locale.svelte';

export interface Choice {
  value: string;
  label: string;
}

/** Each status; with `counts`, how many certificates have it beside those that some do. */
export function statusChoices(counts?: Record<Status, number>): Choice[] {
  return STATUSES.map((status) => {
    const count = counts?.[status] ?? 0;
    return { value: status, label: count > 0 ? `${t(`status.${status}`)} (${count})` : t(`status.${status}`) };
  });
}

/** Each usage, then "none". */
export function usageChoices(): Choice[] {
  return [...USAGES.map((usage) => ({ value: usage, label: t(`usage.${usage}`) })), { value: 'none', label: t('filters.usageNone') }];
}

export function environmentChoices(): Choice[] {
  return ENVIRONMENTS.map((environment) => ({ value: environment, label: t(`env.${environment}`) }));
}

/** Values shown as they are (structure ids, workstation names, téléservices). */
export function plainChoices(values: readonly string[]): Choice[] {
  return values.map((value) => ({ value, label: value }));
}
