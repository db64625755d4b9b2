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
});
