import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The repository's assets/ folder, found from this file whether it runs from src/lib (node on the sources) or
// from dist/src/lib (the compiled build, where assets/ stays at the top).
const ROOT = [new URL('../../assets/', import.meta.url), new URL('../../../assets/', import.meta.url)].map((u) => fileURLToPath(u)).find((dir) => existsSync(dir));

/** The absolute path of a file under assets/ (fonts, the family view's page); throws when assets/ is missing. */
export function assetPath(relative: string): string {
  if (!ROOT) throw new Error('the assets/ folder is missing (it ships with the code: fonts and the family view page)');
  return `${ROOT}${relative}`;
}
