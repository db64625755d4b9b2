// Guards the boundary rule: only api.ts may import @tauri-apps/*.

import { describe, expect, it } from 'vitest';

// Tests and their support files (*.test-support.ts) may use Tauri's mocks.
const sources = import.meta.glob(['/src/**/*.ts', '/src/**/*.svelte', '!/src/**/*.test.ts', '!/src/**/*.test-support.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('architecture', () => {
  it('finds the sources, api.ts among them', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    expect(sources['/src/lib/api.ts']).toMatch(/from '@tauri-apps\/api\/core'/);
  });

  it('imports @tauri-apps/* from api.ts only', () => {
    const offenders = Object.entries(sources)
      .filter(([path, text]) => path !== '/src/lib/api.ts' && /['"]@tauri-apps\//.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it('leaves failures to runApi: no component catches one itself', () => {
    const offenders = Object.entries(sources)
      .filter(([path, text]) => path.endsWith('.svelte') && /\bcatch\s*\(|\.catch\(/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it('matches errors by their code, never by their message', () => {
    const byMessage = /(?<!typeof\s+[\w.]*)\.message\s*[!=]==?\s*['"`]|\.message\.(?:includes|startsWith|endsWith|match|indexOf|search)\(/;
    const offenders = Object.entries(sources)
      .filter(([, text]) => byMessage.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
