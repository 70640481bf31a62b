/**
 * Counts the HTTP calls a node context makes to 1fichier, per endpoint (every attempt counts: a
 * retried call is two calls to 1fichier). Operations that report their calls (Folder → Back Up)
 * read the counts before and after their run.
 */
const counts = new WeakMap<object, Record<string, number>>();

export function noteCall(ctx: object, endpoint: string): void {
	let perEndpoint = counts.get(ctx);
	if (!perEndpoint) {
		perEndpoint = {};
		counts.set(ctx, perEndpoint);
	}
	perEndpoint[endpoint] = (perEndpoint[endpoint] ?? 0) + 1;
}

/** A copy of the counts so far. */
export function callsOf(ctx: object): Record<string, number> {
	return { ...(counts.get(ctx) ?? {}) };
}

/** The calls made since `before` (a copy taken with `callsOf`), endpoints with none left out. */
export function callsSince(ctx: object, before: Record<string, number>): Record<string, number> {
	const since: Record<string, number> = {};
	for (const [endpoint, count] of Object.entries(callsOf(ctx))) {
		const made = count - (before[endpoint] ?? 0);
		if (made > 0) since[endpoint] = made;
	}
	return since;
}
