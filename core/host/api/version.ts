/**
 * The Engine API version, exchanged in the `hello` frame and reported by `info`.
 *
 * `MAJOR.MINOR`: a client refuses a server of another major version; a minor bump only adds
 * methods, optional params, result fields or event kinds (readers ignore what they do not know).
 */
export const API_VERSION = '1.2';

/** The major part of an API version string (`'1.0'` → 1), or NaN when it is not one. */
export function apiMajor(version: string): number {
  return Number(version.split('.')[0]);
}
