import { createWhirlpool, type IHasher } from 'hash-wasm';
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * File bytes on disk. A blob is immutable once written and may back several files (file/cp,
 * bulk seeding), so it is reference-counted and unlinked when its last file goes away.
 */
export interface Blob {
	id: number;
	path: string;
	size: number;
	/** Whirlpool, 128 lowercase hex (hash-wasm: Node's OpenSSL has no whirlpool); empty without checksums. */
	checksum: string;
	refs: number;
}

/** Streams bytes to a new blob while counting them and hashing them; memory stays flat. */
export interface BlobWriter {
	write(chunk: Buffer): Promise<void>;
	finish(): Promise<Blob>;
	abort(): Promise<void>;
	readonly bytesWritten: number;
}

/** Uploads are written and hashed in slots of 1 MiB. */
const SLOT_BYTES = 1 << 20;

// hash-wasm only loads asynchronously; startSimulator awaits this before anything is stored.
let sharedHasher: IHasher | undefined;
export const whirlpoolReady: Promise<void> = createWhirlpool().then((hasher) => {
	sharedHasher = hasher;
});

export function checksumOf(content: Buffer): string {
	if (!sharedHasher) throw new Error('simulator: Whirlpool not loaded yet (await whirlpoolReady)');
	return sharedHasher.init().update(content).digest('hex');
}

export class BlobStore {
	private nextId = 1;
	private readonly directory: string;
	private hasher: BackgroundHasher | undefined;
	/** Staging slots of finished writers, reused: an upload of 500 small files needs one set, not 500. */
	private readonly slotMemory = new SlotMemoryPool();

	/**
	 * Benchmarks only (control action `checksums`): stores every upload with this checksum without
	 * hashing, as a service that hashes on its own machines, which a 2-core benchmark host cannot be.
	 */
	private givenChecksum: string | undefined;
	/**
	 * Benchmarks only (control action `uploads`): uploads are received, parsed, counted (and hashed
	 * if asked) but their bytes are not written, as a service that stores them on its own disks.
	 * Such files cannot be downloaded.
	 */
	private discardUploads = false;

	/** Whether uploads are hashed now: `defaultChecksums` until a benchmark sets a mode, and after a reset. */
	private checksums: boolean;

	/**
	 * `defaultChecksums: false` stores files without a checksum (as when 1fichier gives none):
	 * uploads then go as fast as the disk, not at the speed of the hash (raw transfer benchmarks).
	 */
	constructor(
		dataDir: string,
		private readonly defaultChecksums = true,
	) {
		this.checksums = defaultChecksums;
		this.directory = join(dataDir, 'blobs');
		mkdirSync(this.directory, { recursive: true });
	}

	fromBuffer(content: Buffer): Blob {
		const path = this.newPath();
		writeFileSync(path, content);
		const checksum = this.checksums ? checksumOf(content) : '';
		return { id: this.nextId - 1, path, size: content.length, checksum, refs: 0 };
	}

	/** compute: hash every upload; none: no checksums; given: the checksum given, nothing hashed. */
	setChecksumMode(mode: 'compute' | 'none' | 'given', checksum?: string): void {
		this.checksums = mode === 'compute';
		this.givenChecksum = mode === 'given' ? (checksum ?? '') : undefined;
	}

	/** keep: uploads are written to disk (default); discard: received and counted, not written. */
	setUploadStorage(mode: 'keep' | 'discard'): void {
		this.discardUploads = mode === 'discard';
	}

	writer(): BlobWriter {
		const path = this.newPath();
		const id = this.nextId - 1;
		const checksums = this.checksums;
		const given = this.givenChecksum ?? '';
		const discard = this.discardUploads;
		return new SmallFirstWriter(path, {
			streaming: () => {
				const hash = checksums
					? (this.hasher ??= new BackgroundHasher(this.slotMemory)).open()
					: new NoChecksum(given, this.slotMemory);
				return new StreamingBlobWriter(path, id, hash, discard);
			},
			small: (content) => {
				if (!discard) writeFileSync(path, content);
				return { id, path, size: content.length, checksum: checksums ? checksumOf(content) : given, refs: 0 };
			},
		});
	}

	retain(blob: Blob): void {
		blob.refs++;
	}

	release(blob: Blob): void {
		blob.refs--;
		if (blob.refs <= 0) removeQuietly(blob.path);
	}

	/** Drops every blob file and the benchmark modes (state reset). */
	clear(): void {
		this.checksums = this.defaultChecksums;
		this.givenChecksum = undefined;
		this.discardUploads = false;
		rmSync(this.directory, { recursive: true, force: true });
		mkdirSync(this.directory, { recursive: true });
	}

	/** Stops the hashing thread (simulator close). */
	async close(): Promise<void> {
		await this.hasher?.close();
		this.hasher = undefined;
	}

	private newPath(): string {
		return join(this.directory, `blob-${this.nextId++}`);
	}
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		// already gone (reset, or a test removed it): nothing to free
	}
}

// Messages are handled in order; creating a job's Whirlpool hasher is asynchronous.
const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createWhirlpool } = require(${JSON.stringify(require.resolve('hash-wasm'))});
const jobs = new Map();
const spareHashers = [];
let queue = Promise.resolve();
parentPort.on('message', (message) => (queue = queue.then(() => handle(message))));
async function handle({ id, memory, slot, length, finish, drop }) {
	if (memory) return void jobs.set(id, { memory: Buffer.from(memory), hash: (spareHashers.pop() ?? (await createWhirlpool())).init() });
	const job = jobs.get(id);
	if (drop) return void end(id, job);
	if (slot !== undefined) {
		job.hash.update(job.memory.subarray(slot * ${SLOT_BYTES}, slot * ${SLOT_BYTES} + length));
		parentPort.postMessage({ id, hashed: slot });
	}
	if (finish) {
		const digest = job.hash.digest('hex');
		end(id, job);
		parentPort.postMessage({ id, digest });
	}
}
// A WebAssembly hasher per upload of many small files would cost more than hashing them.
function end(id, job) {
	jobs.delete(id);
	if (job && spareHashers.length < 8) spareHashers.push(job.hash);
}`;

/**
 * Hashes uploads on a worker thread: hashing a GiB costs seconds of CPU, which on the request's
 * thread made the simulator, not the client, the bottleneck of an upload benchmark. Each upload
 * gets a few slots of shared memory: bytes are copied into a slot, written to disk from it, hashed
 * there by the worker, and the slot is reused once hashed, so nothing is allocated per chunk.
 */
class BackgroundHasher {
	private readonly worker = new Worker(HASH_WORKER_SOURCE, { eval: true });
	private readonly jobs = new Map<number, HashJob>();
	private nextId = 1;

	constructor(private readonly slotMemory: SlotMemoryPool) {
		this.worker.unref();
		this.worker.on('message', ({ id, hashed, digest }: { id: number; hashed?: number; digest?: string }) => {
			const job = this.jobs.get(id);
			if (!job) return;
			if (hashed !== undefined) job.release(hashed);
			if (digest !== undefined) {
				this.jobs.delete(id);
				job.resolveDigest(digest);
			}
		});
	}

	open(): HashJob {
		const id = this.nextId++;
		const job = new HashJob(id, this.worker, this.slotMemory, () => this.jobs.delete(id));
		this.jobs.set(id, job);
		return job;
	}

	async close(): Promise<void> {
		await this.worker.terminate();
	}
}

const SLOTS = 4;

/**
 * The staging memory of writers (SLOTS × 1 MiB each), handed back when a writer is done with it.
 * Shared memory, so the hashing worker reads the same bytes without a copy.
 */
class SlotMemoryPool {
	private readonly spare: Buffer[] = [];

	take(): Buffer {
		return this.spare.pop() ?? Buffer.from(new SharedArrayBuffer(SLOTS * SLOT_BYTES));
	}

	/** A few sets are kept for the next writers (concurrent uploads); the others are left to the GC. */
	give(memory: Buffer): void {
		if (this.spare.length < 4 && !this.spare.includes(memory)) this.spare.push(memory);
	}
}

class HashJob {
	readonly memory: Buffer;
	private readonly busy = new Set<number>();
	private freed: (() => void) | undefined;
	private current = 0;
	resolveDigest: (digest: string) => void = () => undefined;
	/** Set once the memory went back to the pool: a writer aborted after it finished must not give it twice. */
	private released = false;

	constructor(
		private readonly id: number,
		private readonly worker: Worker,
		private readonly slotMemory: SlotMemoryPool,
		private readonly forget: () => void,
	) {
		this.memory = slotMemory.take();
		worker.postMessage({ id, memory: this.memory.buffer });
	}

	/** Which slot is being filled. */
	get slotIndex(): number {
		return this.current;
	}

	/** The slot being filled. */
	slot(): Buffer {
		return this.memory.subarray(this.current * SLOT_BYTES, (this.current + 1) * SLOT_BYTES);
	}

	/** Hands the filled slot to the worker and waits for the next one to be free. */
	async hashSlot(length: number): Promise<void> {
		this.busy.add(this.current);
		this.worker.postMessage({ id: this.id, slot: this.current, length });
		this.current = (this.current + 1) % SLOTS;
		while (this.busy.has(this.current)) await new Promise<void>((resolve) => (this.freed = resolve));
	}

	release(slot: number): void {
		this.busy.delete(slot);
		this.freed?.();
	}

	/** Once the worker answers, every slot is hashed: the memory goes back to the pool. */
	digest(): Promise<string> {
		return new Promise((resolve) => {
			this.resolveDigest = (digest) => {
				this.returnMemory();
				resolve(digest);
			};
			this.worker.postMessage({ id: this.id, finish: true });
		});
	}

	/**
	 * The worker may still be hashing a slot of this job when the memory is handed to the next
	 * writer: that only spoils the hash of this dropped job, which nobody reads.
	 */
	drop(): void {
		this.worker.postMessage({ id: this.id, drop: true });
		this.forget();
		this.returnMemory();
	}

	private returnMemory(): void {
		if (this.released) return;
		this.released = true;
		this.slotMemory.give(this.memory);
	}
}

/** What a writer needs from its hash: SLOTS slots to stage bytes in, each hashed once full. */
type SlotHash = Pick<HashJob, 'slotIndex' | 'slot' | 'hashSlot' | 'digest' | 'drop'>;

/** Stands in for a HashJob when the store computes no checksums: the same slots, nothing hashed. */
class NoChecksum implements SlotHash {
	private readonly staging: Buffer;
	private released = false;
	slotIndex = 0;

	constructor(
		private readonly given: string,
		private readonly slotMemory: SlotMemoryPool,
	) {
		this.staging = slotMemory.take();
	}

	slot(): Buffer {
		return this.staging.subarray(this.slotIndex * SLOT_BYTES, (this.slotIndex + 1) * SLOT_BYTES);
	}

	async hashSlot(): Promise<void> {
		this.slotIndex = (this.slotIndex + 1) % SLOTS;
	}

	/** Called once every slot was written: the memory goes back to the pool. */
	async digest(): Promise<string> {
		this.drop();
		return this.given;
	}

	drop(): void {
		if (this.released) return;
		this.released = true;
		this.slotMemory.give(this.staging);
	}
}

/** Files up to this size are written in one call, hashed on the spot: an upload of 500 small files is common. */
const SMALL_FILE_BYTES = 64 * 1024;

/**
 * Keeps the first bytes in memory: a file that ends within SMALL_FILE_BYTES is written and hashed
 * at once (one system call, no round trip to the hashing thread, about ten times faster per file);
 * a bigger one is handed to a streaming writer with what was kept so far.
 */
class SmallFirstWriter implements BlobWriter {
	bytesWritten = 0;
	private kept: Buffer[] = [];
	private streaming: BlobWriter | undefined;

	constructor(
		private readonly path: string,
		private readonly make: { streaming: () => BlobWriter; small: (content: Buffer) => Blob },
	) {}

	async write(chunk: Buffer): Promise<void> {
		this.bytesWritten += chunk.length;
		if (this.streaming) return this.streaming.write(chunk);
		// A copy: the caller may reuse its buffer once the write returns.
		this.kept.push(Buffer.from(chunk));
		if (this.bytesWritten <= SMALL_FILE_BYTES) return;
		this.streaming = this.make.streaming();
		const kept = this.kept;
		this.kept = [];
		for (const piece of kept) await this.streaming.write(piece);
	}

	async finish(): Promise<Blob> {
		if (this.streaming) return this.streaming.finish();
		const blob = this.make.small(Buffer.concat(this.kept));
		this.kept = [];
		return blob;
	}

	async abort(): Promise<void> {
		this.kept = [];
		if (this.streaming) await this.streaming.abort();
		else removeQuietly(this.path); // written if finish() ran (an upload refused after its parts arrived)
	}
}

class StreamingBlobWriter implements BlobWriter {
	bytesWritten = 0;
	/** Undefined when the bytes are discarded (benchmarks). */
	private readonly file: Promise<FileHandle> | undefined;
	private staged = 0;
	/** Where the next slot goes in the file. */
	private position = 0;
	/** The disk write of each slot's last contents (a slot is refilled once written and hashed). */
	private readonly writes: Array<Promise<void> | undefined> = [];

	constructor(
		private readonly path: string,
		private readonly id: number,
		private readonly hash: SlotHash,
		discard = false,
	) {
		this.file = discard ? undefined : open(path, 'w');
		// A failed open is reported by the first write or by finish(), not as an unhandled rejection.
		this.file?.catch(() => undefined);
	}

	async write(chunk: Buffer): Promise<void> {
		this.bytesWritten += chunk.length;
		let offset = 0;
		while (offset < chunk.length) {
			const copied = chunk.copy(this.hash.slot(), this.staged, offset);
			this.staged += copied;
			offset += copied;
			// Waiting for the disk and the hash on each full slot keeps a 5 GiB upload's memory flat.
			if (this.staged === SLOT_BYTES) await this.flush();
		}
	}

	async finish(): Promise<Blob> {
		await this.flush();
		await Promise.all(this.writes);
		await (await this.file)?.close();
		const checksum = await this.hash.digest();
		return { id: this.id, path: this.path, size: this.bytesWritten, checksum, refs: 0 };
	}

	async abort(): Promise<void> {
		// Disk writes still read from the slots: they end before the slots go back to the pool.
		await Promise.allSettled(this.writes);
		this.hash.drop();
		await (await this.file?.catch(() => undefined))?.close().catch(() => undefined);
		removeQuietly(this.path);
	}

	/**
	 * Hands the filled part of the slot to the disk and the hash (1 MiB writes: a sixteenth of the
	 * system calls of 64 KiB ones) and moves to the next slot. The write is not awaited here: the
	 * request's bytes keep being read while the disk writes, or the sender would stall on every
	 * write. Only a slot still being written or hashed is waited for.
	 */
	private async flush(): Promise<void> {
		if (this.staged === 0) return;
		const slot = this.hash.slot();
		const index = this.hash.slotIndex;
		const length = this.staged;
		const at = this.position;
		this.position += length;
		this.staged = 0;
		if (this.file) {
			const writing = this.file.then(async (file) => void (await file.write(slot, 0, length, at)));
			writing.catch(() => undefined); // a failed write is reported where it is awaited, below or in finish()
			this.writes[index] = writing;
		}
		await this.hash.hashSlot(length);
		await this.writes[this.hash.slotIndex];
	}
}
