// `npm start`: launches the built app in Electron, first fetching Electron's binary when it is
// missing (the package is installed with its download step disabled, see allowScripts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const electronDir = join(root, 'node_modules', 'electron');
const pathFile = join(electronDir, 'path.txt');

function binary() {
  if (!existsSync(pathFile)) return null;
  const path = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? path : null;
}

if (binary() === null) {
  process.stderr.write('crowdheat: downloading the Electron binary (first start only)…\n');
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
  if (install.status !== 0 || binary() === null) {
    process.stderr.write('crowdheat: cannot download Electron; use `npm run serve` to open the app in a browser instead\n');
    process.exit(1);
  }
}

const child = spawn(binary(), [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal === null ? (code ?? 0) : 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
