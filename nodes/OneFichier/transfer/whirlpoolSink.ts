/**
 * What a Whirlpool engine offers the hashing sessions of whirlpool.ts: a sink per session (a worker
 * thread, whirlpoolWorker.ts, or a helper process, whirlpoolProcess.ts) that hashes the session's
 * buffers in order and hands each one back once it may be refilled.
 */

/** Bytes per buffer handed to an engine: few hand-overs, and filling one stays a single memcpy. */
export const HASH_BUFFER_BYTES = 1 << 20;

/** One engine instance serving one hashing session. */
export interface HashSink {
	/** Settles once the engine runs; rejects when it cannot start (nothing was hashed then). */
	readonly ready: Promise<void>;
	/** Hashes bytes [0, length) of `buffer`; the buffer comes back through the session's `returned`. */
	write(buffer: ArrayBuffer, length: number): void;
	/** The Whirlpool of every byte written, as 128 lowercase hex characters; the sink is then done. */
	digest(): Promise<string>;
	/** Stops the engine now: the session was given up, or failed. */
	abort(): void;
}

/** Where a sink reports to its session. */
export interface SinkListener {
	/** A buffer written earlier may be refilled. */
	returned(buffer: ArrayBuffer): void;
	/** The engine failed while in use; called at most once. */
	failed(error: Error): void;
}

/** A way to hash, as chosen for the process (see `whirlpoolEngine` in whirlpool.ts). */
export interface HashEngine {
	/** `native`, `helper process`, `hash-wasm (bundled)` or `hash-wasm (dev dependency)`. */
	readonly name: string;
	/** Why this engine, for n8n's log. */
	readonly reason: string;
	/** A sink for one session (possibly still starting: see `HashSink.ready`). */
	open(listener: SinkListener): HashSink;
	/** Starts what the next `open` will need, when starting it takes time (a helper process). */
	warm?(): void;
}
