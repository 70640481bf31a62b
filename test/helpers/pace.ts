/**
 * The key's pace as the pacers promise it (nodes/OneFichier/pacing/pacer.ts, `PaceState`): in any
 * closed window of k spacings (k ≥ 1) at most k + 1 call starts, as strict spacing gives; in a
 * window shorter than one spacing at most two.
 */

/** The most call starts any closed window of `windowMs` holds. */
export function mostStartsInWindow(starts: number[], windowMs: number): number {
	const sorted = [...starts].sort((a, b) => a - b);
	let most = 0;
	let last = 0;
	for (let first = 0; first < sorted.length; first++) {
		while (last < sorted.length && sorted[last] <= sorted[first] + windowMs) last++;
		most = Math.max(most, last - first);
	}
	return most;
}

/**
 * Every window that breaks the pace, as `{ windowMs, starts, allowed }` (empty when the pace is
 * kept). Times are whole milliseconds: for windows of k to k + 1 spacings the widest one,
 * (k + 1) × spacing − 1 ms, is checked (a wider window never holds fewer starts), for k up to
 * `upToSpacings`, and just under one spacing.
 */
export function paceBreaches(starts: number[], spacingMs: number, upToSpacings = 8) {
	const breaches: Array<{ windowMs: number; starts: number; allowed: number }> = [];
	const check = (windowMs: number, allowed: number) => {
		const most = mostStartsInWindow(starts, windowMs);
		if (most > allowed) breaches.push({ windowMs, starts: most, allowed });
	};
	check(spacingMs - 1, 2);
	for (let spacings = 1; spacings <= upToSpacings; spacings++) check((spacings + 1) * spacingMs - 1, spacings + 1);
	return breaches;
}
