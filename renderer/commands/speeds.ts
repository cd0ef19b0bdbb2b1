/** The play speeds offered (virtual ms per wall ms). */
export const SPEEDS: readonly number[] = [0.25, 1, 10, 100, 1000, 10_000];
