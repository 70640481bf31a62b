import { getClock } from '../installation/clock';

/** Spaces the calls made with one API key. */
export interface Pacer {
	/**
	 * Waits until this caller may send: when the key's pace allows it (see `PaceState`) and after any
	 * flood pause; a listing (`listingSpacingMs` given) also that long after the previous listing.
	 */
	waitTurn(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void>;
	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void | Promise<void>;
	/**
	 * A listing got its answer: the next one waits Listing Spacing from now, not from when this one
	 * was sent, so the service sees them that far apart however long one took to reach it.
	 */
	listingDone(): void | Promise<void>;
}

/**
 * The pace of one key: two calls may go together, after that calls are `spacing` apart.
 *
 * Strict spacing (each call `spacing` after the previous one) sends at most k + 1 calls in any
 * window of k spacings (k ≥ 1), the ends included. The pacer keeps exactly that bound for every
 * such window and only relaxes windows shorter than one spacing, to two calls: a download's
 * get_token and file/info, or an upload's calls, then go together instead of one spacing apart,
 * while no second, no minute, carries more calls than strict spacing would put in it. After a
 * pair the next call waits two spacings, then calls are one spacing apart until the key is idle.
 *
 * With the starts of the previous calls p1 ≥ p2 ≥ …, the bound asks of a call at t that
 * t ≥ p_m + m × spacing for every m ≥ 2. That maximum only needs two numbers: the last start and
 * the earliest next start, which a call at t turns into
 *   next = max(last + 2 × spacing, next + spacing), last = t.
 * A call that had to wait for its turn is moreover followed one spacing after it, as with strict
 * spacing: the pair is for a key that was ready, not a way to catch up after a late timer (which
 * would bunch calls that the network may then deliver closer still).
 * The Redis pacer (installation/sharedState.ts, `RESERVE_PACED`) keeps the same two numbers.
 */
export interface PaceState {
	/** Start of the last call, or -Infinity. */
	lastStartAt: number;
	/** The earliest start of the next call, or -Infinity. */
	nextStartAt: number;
}

/** The state after a call that starts at `startAt` (`waited`: it had to wait for its turn). */
export function afterCallAt(state: PaceState, startAt: number, spacingMs: number, waited: boolean): PaceState {
	const next = Math.max(state.lastStartAt + 2 * spacingMs, state.nextStartAt + spacingMs);
	return { lastStartAt: startAt, nextStartAt: waited ? Math.max(next, startAt + spacingMs) : next };
}

/**
 * Paces the API calls of one key (see `PaceState`). Every execution in the process that uses the
 * key shares it, so ten parallel workflows together still keep the key's pace.
 */
export class KeyPacer implements Pacer {
	private state: PaceState = { lastStartAt: Number.NEGATIVE_INFINITY, nextStartAt: Number.NEGATIVE_INFINITY };

	private lastListingAt = Number.NEGATIVE_INFINITY;

	private pausedUntil = 0;

	/** Callers take their turn one after the other, so late timers cannot bunch calls together. */
	private queue: Promise<void> = Promise.resolve();

	/** Waits until this caller may send: when the key's pace allows it and after any flood pause. */
	async waitTurn(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot(spacingMs, signal, listingSpacingMs));
		this.queue = turn.catch(() => undefined);
		await turn;
	}

	private async waitForSlot(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void> {
		const clock = getClock();
		const listing = listingSpacingMs !== undefined;
		for (let waited = false; ; waited = true) {
			signal?.throwIfAborted();
			const now = clock.now();
			// Re-read after every sleep: a flood answered meanwhile pauses queued callers too.
			const listingReadyAt = listing ? this.lastListingAt + listingSpacingMs : Number.NEGATIVE_INFINITY;
			const readyAt = Math.max(this.state.nextStartAt, this.pausedUntil, listingReadyAt);
			if (now >= readyAt) {
				this.state = afterCallAt(this.state, now, spacingMs, waited);
				if (listing) this.lastListingAt = now;
				return;
			}
			await clock.sleep(readyAt - now, signal);
		}
	}

	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, getClock().now() + ms);
	}

	listingDone(): void {
		this.lastListingAt = Math.max(this.lastListingAt, getClock().now());
	}
}
