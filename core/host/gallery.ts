/**
 * The scenario gallery: the JSON files of one folder (the repository's `scenarios/`).
 *
 * Contract:
 * 1. A scenario's gallery name is its file name without `.json`; only names made of letters,
 *    digits, `_`, `.` and `-` are looked up, so a name can never leave the folder.
 * 2. Listing reads each file's `name` (the title) and `description` without validating the rest;
 *    files that are not JSON objects are skipped. Loading validates fully (`loadScenario`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, RehearsalError } from '../errors.ts';
import { loadScenario } from '../sim/load-scenario.ts';
import type { Scenario } from '../sim/scenario-schema.ts';

/** The repository's `scenarios/` folder (next to `core/`). */
export const DEFAULT_SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** One gallery entry. */
export type GalleryEntry = { name: string; title: string; description: string };

/** The gallery entries of `dir`, by name (contract item 2). */
export function listGallery(dir: string): GalleryEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const out: GalleryEntry[] = [];
  for (const f of files.sort()) {
    try {
      const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
      const d = data as { name?: unknown; description?: unknown };
      const name = f.slice(0, -'.json'.length);
      out.push({
        name,
        title: typeof d.name === 'string' ? d.name : name,
        description: typeof d.description === 'string' ? d.description : '',
      });
    } catch {
      // Not JSON: not a gallery entry.
    }
  }
  return out;
}

/**
 * Loads gallery scenario `name` (contract item 1).
 * @throws RehearsalError `SCENARIO_NOT_FOUND` (with a suggestion), ScenarioError `SCENARIO_INVALID`.
 */
export function loadGalleryScenario(
  dir: string,
  name: string,
): { scenario: Scenario; file: string; name: string } {
  const stem = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
  const known = listGallery(dir).map((e) => e.name);
  if (!NAME.test(stem) || !known.includes(stem)) {
    const hint = closest(stem, known);
    throw new RehearsalError(
      'SCENARIO_NOT_FOUND',
      `no scenario "${name}" in the gallery${hint ? ` — did you mean "${hint}"?` : ''}; list them with the \`scenarios\` query`,
      { name, ...(hint ? { suggestion: hint } : {}) },
    );
  }
  const file = join(dir, `${stem}.json`);
  return { scenario: loadScenario(file), file, name: stem };
}
