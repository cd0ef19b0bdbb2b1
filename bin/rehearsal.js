#!/usr/bin/env node
// The `rehearsal` command (package.json "bin"). It registers tsx first, so that the CLI and the
// user's actor modules load as TypeScript, then runs cli/main.ts. Exit codes: 0 ok, 1 failure,
// 2 bad argument or module import error (as Dramatiq's CLI).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { runFromProcess } = await import('../cli/main.ts');
await runFromProcess(fileURLToPath(import.meta.url));
