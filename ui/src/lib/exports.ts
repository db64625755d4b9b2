// The dashboard's exports: which formats, and the file name the save dialog proposes.
// Pure module; the back end writes the file (`export_dashboard`).

import type { ExportFormat } from './bindings/ExportFormat';
import type { Key } from './i18n';

/** In the order the export menu lists them: the calendar first (the secretary's need). */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ics', 'csv', 'json'];

/** The file extension of a format (what the save dialog filters on). */
export function exportExtension(format: ExportFormat): string {
  return format;
}

/** The name proposed by the save dialog, in the UI's language. */
export function exportFileNameKey(format: ExportFormat): Key {
  return `export.fileName.${format}`;
}
