/**
 * How long a byte transfer waits for the other end. A server that stops in the middle of a body
 * without closing the connection (the upload node, end.pl, a download server) would otherwise hold
 * the execution until someone cancels it. What happens after a timeout is each protocol's business:
 * a stalled upload POST has an unknown outcome, so end.pl decides whether the file was stored before
 * any re-send (upload.ts); a stalled download keeps nothing (download.ts).
 *
 * They are not node parameters: a user has nothing to tune here. Tests shorten them with
 * `useTransferTimeoutsForTesting`.
 */
import { sleep } from 'n8n-workflow';

export interface TransferTimeouts {
	/** Until the other end accepts the connection (TCP, and TLS for https). */
	connectMs: number;
	/**
	 * Without progress once connected: no byte of an upload's body taken, no byte of an answer while
	 * the node waits for one (the time n8n's store takes to write what it was given does not count:
	 * a slow disk is not a stalled server). A source that gives no bytes this long is given up too.
	 */
	idleMs: number;
	/** For one end.pl answer, from the request to its last byte. */
	endPlMs: number;
}

export const DEFAULT_TRANSFER_TIMEOUTS: Readonly<TransferTimeouts> = {
	// Nothing has been sent before the connection is up, so giving up costs only a new attempt; a
	// reachable server connects in well under a second, while the system alone would wait about two
	// minutes (Linux retries an unanswered SYN six times). rclone's --contimeout.
	connectMs: 60_000,
	// A stalled upload may mean sending the whole file again, so a false alarm is costly, while a
	// node writing a large file out before it answers, or a NAS source, may pause for a while.
	// rclone's --timeout and n8n's own limit on a silent response body
	// (N8N_HTTP_RESPONSE_BODY_READ_TIMEOUT).
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

/**
 * What gave up: the connection; an upload's body not taken (`idle`); a download's server silent
 * (`silent`); an answer that never came (`answer`); the file's own source giving no bytes.
 */
export type StallKind = 'connect' | 'idle' | 'silent' | 'answer' | 'source';

export function secondsText(ms: number): string {
	return `${Number((ms / 1000).toFixed(3))} s`;
}

const STALL_TEXT: Record<StallKind, (seconds: string, host?: string) => string> = {
	connect: (seconds, host) => `no connection${host ? ` to ${host}` : ''} within ${seconds}`,
	idle: (seconds) => `no progress for ${seconds}`,
	silent: (seconds, host) => `no byte${host ? ` from ${host}` : ''} for ${seconds}`,
	answer: (seconds) => `no answer within ${seconds}`,
	source: (seconds) => `the file's source gave no bytes for ${seconds}`,
};

/** A transfer given up by one of the timeouts above. */
export class TransferTimeoutError extends Error {
	constructor(
		readonly stall: StallKind,
		readonly limitMs: number,
		host?: string,
	) {
		super(STALL_TEXT[stall](secondsText(limitMs), host));
		this.name = 'TransferTimeoutError';
	}

	/** The same without the host: "no byte for 300 s", "no connection within 60 s". */
	get summary(): string {
		return STALL_TEXT[this.stall](secondsText(this.limitMs));
	}
}

/**
 * Watches one connection: `connected()` must come within the connect limit, and while the node
 * waits for the other end (`waitForPeer()` … `pause()`), a sign of life (`heard()`) must come
 * within the idle limit, else `onTimeout` is called once. Activity only records the time: one
 * timer per idle period, not one per read. `stop()` ends the watch and its timers.
 */
export class ConnectionWatch {
	private readonly stopped = new AbortController();
	private connecting = true;
	private waiting = false;
	private watching = false;
	private lastHeard = 0;

	constructor(
		private readonly limits: Readonly<Pick<TransferTimeouts, 'connectMs' | 'idleMs'>>,
		private readonly onTimeout: (phase: 'connect' | 'idle', limitMs: number) => void,
	) {
		void this.watchConnect();
	}

	connected(): void {
		this.connecting = false;
	}

	/** The other end owes the next byte from now on. */
	waitForPeer(): void {
		this.lastHeard = Date.now();
		this.waiting = true;
		if (!this.watching) void this.watchSilence();
	}

	heard(): void {
		this.lastHeard = Date.now();
	}

	/** Nothing is owed while the node's own consumer has not asked for more. */
	pause(): void {
		this.waiting = false;
	}

	stop(): void {
		this.waiting = false;
		this.stopped.abort();
	}

	private async watchConnect(): Promise<void> {
		try {
			await sleep(this.limits.connectMs, this.stopped.signal);
		} catch {
			return; // stopped
		}
		if (this.connecting) this.timeout('connect', this.limits.connectMs);
	}

	private async watchSilence(): Promise<void> {
		this.watching = true;
		try {
			while (this.waiting) {
				const left = this.lastHeard + this.limits.idleMs - Date.now();
				if (left <= 0) return this.timeout('idle', this.limits.idleMs);
				await sleep(left, this.stopped.signal);
			}
		} catch {
			// stopped
		} finally {
			this.watching = false;
		}
	}

	private timeout(phase: 'connect' | 'idle', limitMs: number): void {
		if (this.stopped.signal.aborted) return;
		this.stop();
		this.onTimeout(phase, limitMs);
	}
}
