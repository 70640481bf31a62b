/**
 * How long a byte transfer waits for the other end. A download server that stops sending in the
 * middle of a body without closing the connection would otherwise hold the execution until
 * someone cancels it.
 *
 * - connect: opening the connection (with its TLS handshake): 60 s, rclone's `--contimeout`.
 * - idle: no byte received while the node waits for one (for the answer's head, then for the body
 *   whenever n8n's store has taken what came): 300 s, rclone's `--timeout` and n8n's own limit on a
 *   silent response body (N8N_HTTP_RESPONSE_BODY_READ_TIMEOUT). Time n8n's store takes to write
 *   what it was given does not count: a slow disk is not a stalled server.
 *
 * They are not node parameters: a user has nothing to tune here. Tests shorten them with
 * `useTransferTimeoutsForTesting`.
 */
import { sleep } from 'n8n-workflow';

export interface TransferTimeouts {
	connectMs: number;
	idleMs: number;
}

export const DEFAULT_TRANSFER_TIMEOUTS: Readonly<TransferTimeouts> = { connectMs: 60_000, idleMs: 300_000 };

let current: Readonly<TransferTimeouts> = DEFAULT_TRANSFER_TIMEOUTS;

export function transferTimeouts(): Readonly<TransferTimeouts> {
	return current;
}

/** Tests only: shorter limits until the returned function restores the defaults. */
export function useTransferTimeoutsForTesting(timeouts: Partial<TransferTimeouts>): () => void {
	current = { ...DEFAULT_TRANSFER_TIMEOUTS, ...timeouts };
	return () => {
		current = DEFAULT_TRANSFER_TIMEOUTS;
	};
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** A transfer given up on: the server could not be reached in time, or went silent. */
export class TransferTimeoutError extends Error {
	constructor(
		readonly phase: 'connect' | 'idle',
		readonly limitMs: number,
		host: string,
	) {
		super(
			phase === 'connect'
				? `no connection to ${host} within ${seconds(limitMs)}`
				: `no byte from ${host} for ${seconds(limitMs)}`,
		);
		this.name = 'TransferTimeoutError';
	}

	/** "no byte for 300 s", "no connection within 60 s". */
	get summary(): string {
		return this.phase === 'connect' ? `no connection within ${seconds(this.limitMs)}` : `no byte for ${seconds(this.limitMs)}`;
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
		private readonly limits: Readonly<TransferTimeouts>,
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
