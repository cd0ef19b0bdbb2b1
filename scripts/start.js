// `npm start`: launch the desktop app when the Electron binary is installed; otherwise fall back to
// the browser UI server (`rehearsal serve`), so the app is usable on machines (and CI) where the
// binary was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Returns the Electron binary path, or undefined when it is not installed. */
function findElectronBinary() {
  try {
    // The `electron` package's main export is the binary path; it throws if the download was skipped.
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a command in the project root with inherited stdio; returns its exit code. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

const electronBinary = findElectronBinary();
if (electronBinary !== undefined) {
  const built = run(npm, ['run', 'build']);
  if (built !== 0) process.exit(built);
  process.exit(run(electronBinary, ['.', ...process.argv.slice(2)]));
}

console.log(
  'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting the browser UI server instead; open the URL below',
);
const cli = path.join(root, 'bin', 'rehearsal.js');
if (!existsSync(cli)) {
  console.log(
    'The CLI (bin/rehearsal.js) is not built into this checkout yet, so there is no server to start.\n' +
      'To see the UI now, run `npm run dev` and open the URL vite prints;\n' +
      'to install the desktop app, run `npm install` without ELECTRON_SKIP_BINARY_DOWNLOAD.',
  );
  process.exit(0);
}
const built = run(npm, ['run', 'build:renderer']);
if (built !== 0) process.exit(built);
process.exit(run(process.execPath, [cli, 'serve', ...process.argv.slice(2)]));
