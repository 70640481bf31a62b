/**
 * Whirlpool, the only checksum 1fichier keeps (`checksum` in file/ls and file/info, `whirlpool` in
 * end.pl), computed beside the transfer by the fastest engine this process can run, chosen once
 * and named in n8n's log (`whirlpoolEngine`):
 *   1. `native`: OpenSSL's Whirlpool in a worker thread, when this process has it
 *      (`crypto.getHashes()` lists it: n8n was started with OpenSSL's legacy provider);
 *   2. `helper process`: else Node's own binary started with that provider, fed through a pipe by
 *      a worker thread (whirlpoolProcess.ts), when it starts and its Whirlpool gives the standard
 *      vector;
 *   3. hash-wasm's WebAssembly build (bundled) in a worker thread.
 * Worker threads and helpers: whirlpoolWorker.ts.
 *
 * A hashing session copies the bytes it is given into buffers of HASH_BUFFER_BYTES and hands
 * each full one to the engine; at most HASH_BUFFERS_IN_FLIGHT are with the engine, so the
 * transfer waits only when the hash is that far behind (on a link slower than the hash it costs
 * no wall time), and at the end the digest waits for no more than those buffers.
 */
import { getHashes } from 'crypto';
import type { Logger } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';
import type { Readable, TransformCallback } from 'stream';
import { Transform } from 'stream';

import { loadEngine } from './whirlpool.worker';
import type { HelperCommand } from './whirlpoolProcess';
import { nodeHelperCommand } from './whirlpoolProcess';
import type { HashEngine, HashSink } from './whirlpoolSink';
import { HASH_BUFFER_BYTES } from './whirlpoolSink';
import { helperEngine, startFirstHelper, workerEngine } from './whirlpoolWorker';

export { HASH_BUFFER_BYTES };

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

/** Reads a stream to its end and returns the Whirlpool of its bytes (lowercase hex), hashed beside this thread. */
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
		hashing.abort(); // stops the engine unless the digest came (then it went back to the pool)
	}
}

/** 1fichier's checksum as 128 lowercase hex characters, or undefined when it gave none (empty, missing). */
export function normaliseChecksum(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const hex = value.trim().toLowerCase();
	return /^[0-9a-f]{128}$/.test(hex) ? hex : undefined;
}

// ---- the engine, chosen once per process -----------------------------------------------------

/** What tests may change about the choice (see `useWhirlpoolChoiceForTesting`). */
interface ChoiceSettings {
	/** Whether this process has OpenSSL's Whirlpool; default: `crypto.getHashes()` lists it. */
	nativeInProcess?: boolean;
	/** How to start a helper process; default: this Node.js binary with the legacy provider. */
	helper?: HelperCommand | { unavailable: string };
}

let settings: ChoiceSettings = {};
let chosen: Promise<HashEngine> | undefined;
/** The engine `chosen` settled on, once it has. */
let current: HashEngine | undefined;
/** Counts the choices made (a test may start another before one settles). */
let choices = 0;
let engineLogger: Pick<Logger, 'info' | 'warn'> | undefined;

/**
 * A hash is coming (a verified transfer begins): the engine starts meanwhile (the first choice, a
 * helper process), so the first bytes need not wait for it. The line naming the engine goes to
 * the logger of the first execution that prepares (else n8n's global logger); it is one line per
 * process, at the choice.
 */
export function prepareWhirlpool(logger: Logger): void {
	engineLogger ??= logger;
	void chosenEngine().then((engine) => engine.warm?.());
}

const engineLog = () => engineLogger ?? LoggerProxy;

/** The engine of this process: chosen at the first hash, then reused (and logged once). */
async function chosenEngine(): Promise<HashEngine> {
	if (!chosen) {
		const generation = ++choices;
		chosen = chooseEngine().then((engine) => {
			if (generation === choices) current = engine;
			engineLog().info(`1fichier: Whirlpool checksums (Verify Checksum) are computed by ${describe(engine)}: ${engine.reason}`);
			return engine;
		});
	}
	return await chosen;
}

async function chooseEngine(): Promise<HashEngine> {
	if (settings.nativeInProcess ?? getHashes().includes('whirlpool')) {
		return workerEngine('n8n\'s process has OpenSSL\'s Whirlpool (it was started with OpenSSL\'s legacy provider)');
	}
	const command = settings.helper ?? nodeHelperCommand();
	if ('unavailable' in command) {
		return workerEngine(`n8n's process has no OpenSSL Whirlpool and no helper process can be started: ${command.unavailable}`);
	}
	const commandLine = [command.execPath, ...command.args].join(' ');
	try {
		const runs = await startFirstHelper(command);
		return helperEngine(
			command,
			`n8n's process has no OpenSSL Whirlpool (its legacy provider is off), so it runs in ${commandLine} (${runs}), fed through a pipe by a worker thread`,
		);
	} catch (error) {
		return workerEngine(
			`n8n's process has no OpenSSL Whirlpool and the helper process (${commandLine}) did not start: it ${(error as Error).message}`,
		);
	}
}

function describe(engine: HashEngine): string {
	if (engine.name === 'native') return 'OpenSSL in a worker thread of n8n\'s process';
	if (engine.name === 'helper process') return 'OpenSSL in a helper process';
	return `${engine.name} (WebAssembly, slower than OpenSSL) in a worker thread`;
}

/**
 * A sink of `engine` did not start. When that engine is the helper process and still the choice,
 * the choice falls back to hash-wasm (logged) and true is returned: the session tries again there.
 */
function fallBackFrom(engine: HashEngine, error: Error): boolean {
	if (engine.name !== 'helper process') return false;
	if (current !== engine) return true; // another session fell back already
	const fallback = workerEngine(`a helper process did not start (it ${error.message}); hash-wasm takes over`);
	current = fallback;
	chosen = Promise.resolve(fallback);
	engineLog().warn(`1fichier: Whirlpool checksums (Verify Checksum) are now computed by ${describe(fallback)}: ${fallback.reason}`);
	return true;
}

/** The engine this process hashes with (`native`, `helper process`, `hash-wasm (bundled)`…) and why. */
export async function whirlpoolEngine(): Promise<{ name: string; reason: string }> {
	const { name, reason } = await chosenEngine();
	return { name, reason };
}

/** The name of the engine this process hashes with, for benchmarks and tests. */
export async function whirlpoolEngineName(): Promise<string> {
	return (await chosenEngine()).name;
}

/**
 * For tests: forget the choice and make the next one with `overrides` (none: as in production).
 * `{ helper: { unavailable } }` or a helper command that cannot start stands for a process
 * without the legacy provider.
 */
export function useWhirlpoolChoiceForTesting(overrides: ChoiceSettings = {}): void {
	settings = overrides;
	chosen = undefined;
	current = undefined;
	engineLogger = undefined;
}

// ---- a hashing session -------------------------------------------------------------------------

/** The bound on buffers with the engine: about 64 ms of hashing, enough to absorb a network burst. */
export const HASH_BUFFERS_IN_FLIGHT = 8;
/** Buffers kept for the next session once one ends (the rest are left to the garbage collector). */
const SPARE_BUFFERS_KEPT = 4;
const spareBuffers: ArrayBuffer[] = [];

/** One hashing in progress. */
export interface StreamingWhirlpool {
	/**
	 * Copies the bytes for the engine. Returns a promise only when the engine is more than the
	 * bound behind: wait for it before the next update. The caller may reuse `bytes` right away.
	 */
	update(bytes: Uint8Array): Promise<void> | undefined;
	/** The Whirlpool of every byte given, as 128 lowercase hex characters. */
	digest(): Promise<string>;
	/** Gives up (the transfer failed or was cancelled); the engine's worker or process is stopped. */
	abort(): void;
}

class HashingSession implements StreamingWhirlpool {
	private sink: HashSink | undefined;
	/** The sink being started (a helper process that has not answered yet). */
	private opening: HashSink | undefined;
	/** The engine's sink once it runs; rejects when no engine could start. */
	private readonly connected: Promise<HashSink>;
	/** Full buffers waiting for the engine to start. */
	private readonly queued: Array<{ buffer: ArrayBuffer; length: number }> = [];
	private readonly freeBuffers: ArrayBuffer[] = [];
	/** Buffers of this session, free or in flight: at most HASH_BUFFERS_IN_FLIGHT. */
	private allocated = 0;
	private filling: Uint8Array | undefined;
	private filled = 0;
	private waitingForBuffer: (() => void) | undefined;
	private failure: Error | undefined;
	private ended = false;

	constructor() {
		this.connected = this.connect();
		this.connected.catch((error: Error) => this.fail(error));
	}

	update(bytes: Uint8Array): Promise<void> | undefined {
		if (this.failure) return Promise.reject(this.failure);
		const copied = this.copyIn(bytes, 0);
		return copied === bytes.length ? undefined : this.copyWhenReturned(bytes, copied);
	}

	async digest(): Promise<string> {
		if (this.failure) throw this.failure;
		if (this.filling) this.sendFilling();
		const sink = await this.connected;
		if (this.failure) throw this.failure;
		const hex = await sink.digest();
		this.end();
		return hex;
	}

	abort(): void {
		if (this.ended) return;
		this.failure ??= new Error('the hash was given up');
		this.end();
		(this.sink ?? this.opening)?.abort();
	}

	/** Opens a sink of the chosen engine and, once it runs, hands it what was queued meanwhile. */
	private async connect(): Promise<HashSink> {
		for (;;) {
			const engine = await chosenEngine();
			let sink: HashSink | undefined = undefined;
			sink = engine.open({
				returned: (buffer) => this.bufferReturned(buffer),
				failed: (error) => {
					if (this.sink === sink) this.fail(error);
				},
			});
			this.opening = sink;
			const notStarted = await sink.ready.then(
				() => undefined,
				(error: Error) => error,
			);
			this.opening = undefined;
			if (notStarted) {
				sink.abort();
				// Nothing was written to it: another engine can take the session from its first byte.
				if (!this.ended && fallBackFrom(engine, notStarted)) continue;
				throw notStarted;
			}
			if (this.ended) {
				sink.abort();
				throw this.failure ?? new Error('the hash was given up');
			}
			this.sink = sink;
			for (const { buffer, length } of this.queued.splice(0)) sink.write(buffer, length);
			return sink;
		}
	}

	private fail(error: Error): void {
		this.failure ??= error;
		const wake = this.waitingForBuffer;
		this.waitingForBuffer = undefined;
		wake?.();
	}

	private end(): void {
		this.ended = true;
		for (const buffer of this.freeBuffers.splice(0)) keepSpare(buffer);
	}

	private bufferReturned(buffer: ArrayBuffer): void {
		if (this.ended) return keepSpare(buffer);
		this.freeBuffers.push(buffer);
		const wake = this.waitingForBuffer;
		this.waitingForBuffer = undefined;
		wake?.();
	}

	/** A buffer to fill, or undefined when the bound is reached. */
	private takeBuffer(): ArrayBuffer | undefined {
		const free = this.freeBuffers.pop();
		if (free) return free;
		if (this.allocated >= HASH_BUFFERS_IN_FLIGHT) return undefined;
		this.allocated++;
		return spareBuffers.pop() ?? new ArrayBuffer(HASH_BUFFER_BYTES);
	}

	/** Copies as much as the free buffers take; returns how far it got. */
	private copyIn(bytes: Uint8Array, from: number): number {
		let offset = from;
		while (offset < bytes.length) {
			if (!this.filling) {
				const buffer = this.takeBuffer();
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
		const buffer = this.filling!.buffer as ArrayBuffer;
		const length = this.filled;
		this.filling = undefined;
		this.filled = 0;
		if (length === 0) return void this.freeBuffers.push(buffer);
		if (this.sink) this.sink.write(buffer, length);
		else this.queued.push({ buffer, length });
	}
}

function keepSpare(buffer: ArrayBuffer): void {
	if (spareBuffers.length < SPARE_BUFFERS_KEPT && buffer.byteLength === HASH_BUFFER_BYTES) spareBuffers.push(buffer);
}

/** Starts hashing with the process's engine (see the top of this file). */
export function startWhirlpool(): StreamingWhirlpool {
	return new HashingSession();
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
