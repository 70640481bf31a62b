/**
 * How long the upload waits on the upload node before it gives up: a node that stops answering
 * (mid-body, after the body, on end.pl) would otherwise hold the execution until someone cancels
 * it. What happens after a timeout is the upload protocol's business (transfer/upload.ts): a
 * stalled POST has an unknown outcome, so end.pl decides whether the file was stored before any
 * re-send.
 */

export interface TransferTimeouts {
	/** Until the upload node accepts the connection (TCP, and TLS for https). */
	connectMs: number;
	/**
	 * Without progress once connected: no byte of the body taken by the node, no byte of its answer
	 * (through a proxy, also while connecting). A source that gives no bytes for this long is given
	 * up too.
	 */
	idleMs: number;
	/** For one end.pl answer, from the request to its last byte. */
	endPlMs: number;
}

export const DEFAULT_TRANSFER_TIMEOUTS: Readonly<TransferTimeouts> = {
	// Nothing has been sent before the connection is up, so giving up early costs only a new
	// attempt (with a new upload server); a reachable node connects in well under a second, and the
	// system would wait about two minutes (Linux retries an unanswered SYN six times).
	connectMs: 30_000,
	// A stalled POST may mean sending the whole file again, so a false alarm is costly, while a
	// node (writing a large file out before it answers) or a NAS source may pause for a while.
	// Five minutes, as rclone's --timeout and n8n's own HTTP requests (@n8n/backend-network).
	idleMs: 300_000,
	// end.pl answers a small page at once, even while 1fichier still processes the file ("please
	// wait"); an unanswered ask only costs another one, within "Max Wait on Rate Limits".
	endPlMs: 60_000,
};

let current: Readonly<TransferTimeouts> = DEFAULT_TRANSFER_TIMEOUTS;

export function transferTimeouts(): Readonly<TransferTimeouts> {
	return current;
}

/** For tests only: shorter timeouts, so a stall test does not wait the production ones. Returns the restore. */
export function useTransferTimeoutsForTesting(timeouts: Partial<TransferTimeouts>): () => void {
	const previous = current;
	current = { ...current, ...timeouts };
	return () => {
		current = previous;
	};
}

/** What gave up: the connection, the node (no progress, or no answer at all), or the file's own source (no bytes). */
export type StallKind = 'connect' | 'idle' | 'answer' | 'source';

const STALL_TEXT: Record<StallKind, (seconds: string) => string> = {
	connect: (seconds) => `no connection within ${seconds}`,
	idle: (seconds) => `no progress for ${seconds}`,
	answer: (seconds) => `no answer within ${seconds}`,
	source: (seconds) => `the file's source gave no bytes for ${seconds}`,
};

/** A transfer given up by one of the timeouts above. */
export class TransferTimeoutError extends Error {
	constructor(
		readonly stall: StallKind,
		readonly afterMs: number,
	) {
		super(STALL_TEXT[stall](secondsText(afterMs)));
		this.name = 'TransferTimeoutError';
	}
}

export function secondsText(ms: number): string {
	return `${Number((ms / 1000).toFixed(1))} s`;
}
