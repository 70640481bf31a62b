/**
 * Whirlpool, the only checksum 1fichier keeps (`checksum` in file/ls and file/info, `whirlpool` in
 * end.pl). The engine (native when the process lists it, else hash-wasm's WebAssembly build
 * bundled with the package) lives in whirlpool.worker.js.
 *
 * Hashing a file takes seconds of CPU (about 125 MiB/s with WebAssembly), so it runs in a worker
 * thread beside the transfer: n8n's event loop only copies bytes into buffers it hands to the
 * worker. At most HASH_BUFFERS_IN_FLIGHT buffers are with the worker; the transfer waits only when
 * the hash is that far behind, so on a link slower than the hash it costs no wall time.
 */
import path from 'path';
import type { Readable, TransformCallback } from 'stream';
import { Transform } from 'stream';
import { Worker } from 'worker_threads';

import { loadEngine } from './whirlpool.worker';

export interface WhirlpoolHasher {
	update(chunk: Buffer): void;
	/** 128 lowercase hex characters. */
	digest(): string;
}

/**
 * A hasher on the calling thread: for a few bytes only (it blocks the event loop for as long as it
 * hashes). Streams go through `whirlpoolOfStream`, `startWhirlpool` or `WhirlpoolTap` instead.
 */
export async function createWhirlpoolHasher(): Promise<WhirlpoolHasher> {
	return await loadEngine().create();
}

/** Reads a stream to its end and returns the Whirlpool of its bytes (lowercase hex), hashed in a worker. */
export async function whirlpoolOfStream(stream: Readable, signal?: AbortSignal): Promise<string> {
	const hashing = startWhirlpool();
	try {
		for await (const chunk of stream) {
			signal?.throwIfAborted();
			await hashing.update(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
		}
		signal?.throwIfAborted();
		return await hashing.digest();
	} finally {
		hashing.abort(); // stops the worker unless the digest came (then it went back to the pool)
	}
}

/** 1fichier's checksum as 128 lowercase hex characters, or undefined when it gave none (empty, missing). */
export function normaliseChecksum(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const hex = value.trim().toLowerCase();
	return /^[0-9a-f]{128}$/.test(hex) ? hex : undefined;
}

// ---- hashing in a worker thread ------------------------------------------------------------

/** Bytes per message to the worker: few messages, and the copy stays a single memcpy. */
export const HASH_BUFFER_BYTES = 1 << 20;
/** The bound on bytes in flight: about 64 ms of hashing, enough to absorb a network burst. */
export const HASH_BUFFERS_IN_FLIGHT = 8;
/** Idle workers kept for the next transfer (starting one takes tens of milliseconds). */
const IDLE_WORKERS_KEPT = 2;
/** Buffers an idle worker keeps for its next session. */
const IDLE_BUFFERS_KEPT = 2;

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the worker is a file of this package, beside this one
const WORKER_FILE = path.join(__dirname, 'whirlpool.worker.js');

/** One hashing in progress. */
export interface StreamingWhirlpool {
	/**
	 * Copies the bytes for the worker. Returns a promise only when the worker is more than the bound
	 * behind: wait for it before the next update. The caller may reuse `bytes` right away.
	 */
	update(bytes: Uint8Array): Promise<void> | undefined;
	/** The Whirlpool of every byte given, as 128 lowercase hex characters. */
	digest(): Promise<string>;
	/** Gives up (the transfer failed or was cancelled); the worker is stopped. */
	abort(): void;
}

type WorkerAnswer = { free: ArrayBuffer } | { digest: string } | { ready: string } | { error: string };

/** A worker thread and the buffers that travel between it and this thread. */
class HashWorker {
	readonly thread = new Worker(WORKER_FILE);
	readonly engine: Promise<string>;
	private readonly freeBuffers: ArrayBuffer[] = [];
	/** Buffers that exist, free or with the worker: at most HASH_BUFFERS_IN_FLIGHT. */
	private allocated = 0;
	private session: WorkerSession | undefined;
	private failure: Error | undefined;

	constructor() {
		this.engine = new Promise((resolve, reject) => {
			this.thread.once('message', (answer: WorkerAnswer) =>
				'ready' in answer ? resolve(answer.ready) : reject(new Error(`Whirlpool worker: ${'error' in answer ? answer.error : 'no engine'}`)),
			);
			this.thread.once('error', reject);
		});
		this.engine.catch(() => {}); // also reported to the session through 'error' / the answers below
		this.thread.on('message', (answer: WorkerAnswer) => this.receive(answer));
		this.thread.on('error', (error) => this.fail(error));
		this.thread.on('exit', (code) => this.fail(new Error(`Whirlpool worker stopped (exit code ${code})`)));
	}

	get usable(): boolean {
		return this.failure === undefined;
	}

	attach(session: WorkerSession | undefined): void {
		this.session = session;
		if (session) this.thread.ref();
		else this.thread.unref();
	}

	/** A buffer to fill, or undefined when the bound is reached. */
	takeBuffer(): ArrayBuffer | undefined {
		const buffer = this.freeBuffers.pop();
		if (buffer) return buffer;
		if (this.allocated >= HASH_BUFFERS_IN_FLIGHT) return undefined;
		this.allocated++;
		return new ArrayBuffer(HASH_BUFFER_BYTES);
	}

	send(buffer: ArrayBuffer, length: number): void {
		// Transferred, not copied: the buffer leaves this thread until the worker hands it back.
		this.thread.postMessage({ bytes: buffer, length }, [buffer]);
	}

	askDigest(): void {
		this.thread.postMessage({ digest: true });
	}

	trimIdleBuffers(): void {
		const dropped = Math.max(0, this.freeBuffers.length - IDLE_BUFFERS_KEPT);
		this.freeBuffers.length -= dropped;
		this.allocated -= dropped;
	}

	private receive(answer: WorkerAnswer): void {
		if ('free' in answer) {
			this.freeBuffers.push(answer.free);
			this.session?.bufferReturned();
		} else if ('digest' in answer) {
			this.session?.digestReceived(answer.digest);
		} else if ('error' in answer) {
			this.fail(new Error(`Whirlpool worker: ${answer.error}`));
		}
	}

	private fail(error: Error): void {
		this.failure ??= error;
		this.session?.failed(this.failure);
	}
}

const idleWorkers: HashWorker[] = [];

function acquireWorker(): HashWorker {
	for (let worker = idleWorkers.pop(); worker; worker = idleWorkers.pop()) {
		if (worker.usable) return worker;
	}
	return new HashWorker();
}

function releaseWorker(worker: HashWorker): void {
	worker.attach(undefined);
	if (worker.usable && idleWorkers.length < IDLE_WORKERS_KEPT) {
		worker.trimIdleBuffers();
		idleWorkers.push(worker);
	} else {
		void worker.thread.terminate();
	}
}

class WorkerSession implements StreamingWhirlpool {
	private filling: Uint8Array | undefined;
	private filled = 0;
	private waitingForBuffer: (() => void) | undefined;
	private pendingDigest: { resolve(hex: string): void; reject(error: Error): void } | undefined;
	private failure: Error | undefined;
	private done = false;

	constructor(private readonly worker: HashWorker) {
		worker.attach(this);
	}

	update(bytes: Uint8Array): Promise<void> | undefined {
		if (this.failure) return Promise.reject(this.failure);
		const copied = this.copyIn(bytes, 0);
		return copied === bytes.length ? undefined : this.copyWhenReturned(bytes, copied);
	}

	async digest(): Promise<string> {
		if (this.failure) throw this.failure;
		if (this.filling) this.sendFilling();
		const digest = new Promise<string>((resolve, reject) => (this.pendingDigest = { resolve, reject }));
		this.worker.askDigest();
		return await digest;
	}

	abort(): void {
		if (this.done) return;
		this.done = true;
		this.worker.attach(undefined);
		void this.worker.thread.terminate();
	}

	bufferReturned(): void {
		const wake = this.waitingForBuffer;
		this.waitingForBuffer = undefined;
		wake?.();
	}

	digestReceived(hex: string): void {
		this.done = true;
		releaseWorker(this.worker);
		this.pendingDigest?.resolve(hex);
	}

	failed(error: Error): void {
		this.failure ??= error;
		this.pendingDigest?.reject(error);
		this.bufferReturned();
	}

	/** Copies as much as the free buffers take; returns how far it got. */
	private copyIn(bytes: Uint8Array, from: number): number {
		let offset = from;
		while (offset < bytes.length) {
			if (!this.filling) {
				const buffer = this.worker.takeBuffer();
				if (!buffer) return offset;
				this.filling = new Uint8Array(buffer);
				this.filled = 0;
			}
			const count = Math.min(bytes.length - offset, this.filling.length - this.filled);
			this.filling.set(bytes.subarray(offset, offset + count), this.filled);
			this.filled += count;
			offset += count;
			if (this.filled === this.filling.length) this.sendFilling();
		}
		return offset;
	}

	private async copyWhenReturned(bytes: Uint8Array, from: number): Promise<void> {
		let offset = from;
		while (offset < bytes.length) {
			await new Promise<void>((resolve) => (this.waitingForBuffer = resolve));
			if (this.failure) throw this.failure;
			offset = this.copyIn(bytes, offset);
		}
	}

	private sendFilling(): void {
		this.worker.send(this.filling!.buffer as ArrayBuffer, this.filled);
		this.filling = undefined;
		this.filled = 0;
	}
}

/** Starts hashing in a worker thread (a pooled one when idle). */
export function startWhirlpool(): StreamingWhirlpool {
	return new WorkerSession(acquireWorker());
}

/** Which engine the worker runs (`native`, `hash-wasm (bundled)`…), for benchmarks and tests. */
export async function whirlpoolEngineName(): Promise<string> {
	const worker = acquireWorker();
	try {
		return await worker.engine;
	} finally {
		releaseWorker(worker);
	}
}

/** Accepts a digest (undefined) or refuses it with the error to end the stream with. */
export type WhirlpoolCheck = (checksum: string) => Error | undefined | Promise<Error | undefined>;

/**
 * A pass-through stage that hashes every byte going through it, in a worker. When the stream ends
 * it holds the end back until the digest is known and `check` accepted it: a consumer that stores
 * the bytes (n8n's binary store) then sees an error instead of a complete file when `check` fails.
 */
export class WhirlpoolTap extends Transform {
	/** The Whirlpool of the bytes that went through, once the stream has ended. */
	checksum: string | undefined;
	/** What `check` refused, when it did. */
	checkFailure: Error | undefined;
	private readonly hashing = startWhirlpool();

	constructor(private readonly check?: WhirlpoolCheck) {
		super();
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		const waiting = this.hashing.update(chunk);
		if (!waiting) return callback(null, chunk);
		waiting.then(() => callback(null, chunk), callback);
	}

	override _flush(callback: TransformCallback): void {
		this.hashing
			.digest()
			.then(async (checksum) => {
				this.checksum = checksum;
				this.checkFailure = await this.check?.(checksum);
				callback(this.checkFailure ?? null);
			})
			.catch(callback);
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		if (this.checksum === undefined) this.hashing.abort();
		callback(error);
	}
}

/**
 * The last stage of a verified download: it passes every chunk on unchanged and hashes each one only
 * once the next stage (n8n's binary store) has been handed it and is done taking it, so the digest
 * is that of the very Buffer objects n8n holds as they are after it took them, not of bytes that
 * merely went past. A store that altered a chunk as it received it, or a buffer written again after
 * it was handed on, makes the digest differ from 1fichier's checksum.
 *
 * Handed over means emitted as 'data': Node emits every chunk a consumer gets that way, whether it
 * listens for 'data', pipes, or calls `read()` as `for await` does. A chunk is hashed when the next
 * one is handed over, or when the consumer asks for more (`for await` asks once its loop body,
 * awaits included, is done with the chunk), or at the end once 'data' listeners have returned. The
 * end of the stream waits until every chunk was handed over and hashed and `check` accepted the
 * digest: when it refuses, the stream ends with its error instead, so n8n's store discards what it
 * was given.
 *
 * While the worker is behind, the transfer's next chunk waits: a store that takes chunks faster
 * than they are hashed would otherwise leave every chunk it is done with queued here, in memory,
 * until the hash caught up (most of a large file on a fast link).
 */
export class HandedOverWhirlpool extends Transform {
	/** The Whirlpool of every chunk handed over, once the stream has ended. */
	checksum: string | undefined;
	/** What `check` refused, when it did. */
	checkFailure: Error | undefined;
	/** Handed over, not yet hashed: the consumer may still be taking it. */
	private taken: Uint8Array[] = [];
	/** Taken and due for hashing, in stream order, waiting while the worker is behind. */
	private due: Uint8Array[] = [];
	private workerBehind = false;
	/** The transfer's next chunk waits while the worker is behind. */
	private heldTransform: (() => void) | undefined;
	private flushed: TransformCallback | undefined;
	private finishing = false;

	/** `hashing`: the worker by default; tests pass one that lags behind on purpose. */
	constructor(
		private readonly check?: WhirlpoolCheck,
		private readonly hashing: StreamingWhirlpool = startWhirlpool(),
	) {
		super();
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		this.push(chunk);
		if (this.workerBehind) this.heldTransform = () => callback();
		else callback();
	}

	override _flush(callback: TransformCallback): void {
		this.flushed = callback;
		this.finishIfAllHashed();
	}

	override emit(event: string | symbol, ...args: unknown[]): boolean {
		if (event !== 'data') return super.emit(event, ...args);
		this.hashTaken();
		const chunk = args[0] as Uint8Array | string;
		this.taken.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
		return super.emit(event, ...args);
	}

	override read(size?: number): unknown {
		// read(0) is Node refreshing the stream's state; any other size is a consumer asking for
		// more, so it is done with what it was handed before.
		if (size !== 0) this.hashTaken();
		const chunk: unknown = super.read(size);
		this.finishIfAllHashed();
		return chunk;
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		if (this.checksum === undefined) this.hashing.abort();
		this.taken = [];
		this.due = [];
		callback(error);
	}

	private hashTaken(): void {
		if (this.taken.length === 0) return;
		this.due.push(...this.taken);
		this.taken = [];
		this.hashDue();
	}

	private hashDue(): void {
		while (!this.workerBehind && this.due.length > 0) {
			const waiting = this.hashing.update(this.due.shift()!);
			if (!waiting) continue;
			this.workerBehind = true;
			waiting.then(
				() => {
					this.workerBehind = false;
					this.hashDue();
				},
				(error: Error) => this.destroy(error),
			);
			return;
		}
		// Still behind (called while a wait was pending): the transfer's next chunk keeps waiting, or
		// every chunk the consumer is done with would pile up here unhashed, all of them in memory.
		if (this.workerBehind) return;
		const resume = this.heldTransform;
		this.heldTransform = undefined;
		resume?.();
		this.finishIfAllHashed();
	}

	/** Once the upstream ended and every chunk was handed over and hashed: digest, check, then end. */
	private finishIfAllHashed(): void {
		const done = this.flushed;
		if (!done || this.finishing || this.readableLength > 0) return;
		// 'data' listeners have returned by now; a reader is done once it asks again (read()).
		if (this.taken.length > 0 && this.readableFlowing === true) return this.hashTaken();
		if (this.taken.length > 0 || this.workerBehind || this.due.length > 0) return;
		this.finishing = true;
		this.hashing
			.digest()
			.then(async (checksum) => {
				this.checksum = checksum;
				this.checkFailure = await this.check?.(checksum);
				done(this.checkFailure ?? null);
			})
			.catch((error: Error) => done(error));
	}
}
