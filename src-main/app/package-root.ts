/**
 * The installed package's root folder and version, found by walking up from this module, so
 * the same code works from `src-main/` (tests) and from `dist/src-main/` (the built app).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'crowdheat') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('crowdheat: cannot find the package root (package.json named crowdheat)');
    dir = parent;
  }
}

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

/** The built renderer (`vite build` output). */
export function rendererDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
