/**
 * Stream stages shared by uploads and downloads: the reusable chunk ring uploads read files into,
 * progress logging.
 *
 * Why a ring: inside n8n every freshly allocated chunk counts as V8 "external memory", and every
 * few tens of MiB of it starts a full mark-compact of n8n's whole heap. Moving 1 GiB in fresh chunks
 * (what Node's socket and file streams do) thus cost dozens of full GCs, most of the transfer's time
 * (docs/benchmark.md, "What the profiles showed": `BENCH_PROFILE=gc`). An
 * upload moves the file's bytes through one ring of slots allocated once, so it allocates nothing
 * per chunk.
 *
 * Only where the node itself is the last to hold a chunk: a ring slot is written again a few
 * chunks later, so a chunk from a ring must never reach anything that may keep it. Downloads hand
 * their chunks to n8n's binary store, which may keep every one of them until the end (its
 * database, S3 and Azure stores do): they get a fresh buffer per chunk instead (rawHttp.ts).
 *
 * The contract for any stage between a ring source and its sink (a progress counter, a hash): it is
 * done with a chunk once it has passed it on (or called back); it never keeps a chunk, or a view
 * of it, for later, and never transfers its ArrayBuffer. A stage that needs the bytes later copies
 * them. The ring holds RING_SLOTS chunks, many more than the streams between source and sink ever
 * buffer (each stage stops taking chunks past its highWaterMark), so a slot is overwritten only
 * long after its chunk was written out.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { FileHandle } from 'fs/promises';
import { read } from 'fs';
import { open } from 'fs/promises';
import { Readable, Transform } from 'stream';

import { getClock } from '../installation/clock';

/** Chunk size of transfers: 1 MiB keeps per-chunk costs (one store write, one socket write) low. */
export const TRANSFER_CHUNK_BYTES = 1 << 20;

/** 16 slots of 1 MiB: 16 MiB per running transfer, allocated once. */
export const RING_SLOTS = 16;

/** Equal slots of one buffer, handed out in turn. */
export class SlotRing {
	private readonly memory: Buffer;
	private index = 0;

	constructor(
		readonly slotBytes = TRANSFER_CHUNK_BYTES,
		readonly slots = RING_SLOTS,
	) {
		this.memory = Buffer.allocUnsafeSlow(slotBytes * slots);
	}

	/** The next slot; its previous contents are overwritten by whoever fills it. */
	next(): Buffer {
		const start = this.index * this.slotBytes;
		this.index = (this.index + 1) % this.slots;
		return this.memory.subarray(start, start + this.slotBytes);
	}
}

/**
 * Streams a file from disk through a ring: 1 MiB reads, no allocation per chunk. For the upload
 * POST only, where the chunks end in a socket, which is safe: the verifying tap copies each chunk
 * into the hashing worker's own buffers before passing it on (whirlpool.ts), and a socket holds a
 * written chunk only until the kernel has taken it, which is when `pipe` sends the next one (each
 * 1 MiB write is past the request's highWaterMark, also before the socket is connected, so `pipe`
 * waits for 'drain'). At most about eight slots are in use at once (the socket's, one in each
 * stream buffer on the way, the one being read) of RING_SLOTS. Never hand its chunks to n8n (a
 * binary store may keep them) or to anything else that keeps a chunk after taking it.
 */
export function ringFileStream(path: string, ring = new SlotRing()): Readable {
	let handle: FileHandle | undefined;
	let position = 0;
	return new Readable({
		highWaterMark: ring.slotBytes,
		async construct(callback) {
			try {
				handle = await open(path, 'r');
				callback();
			} catch (error) {
				callback(error as Error);
			}
		},
		async read() {
			try {
				const slot = ring.next();
				const { bytesRead } = await handle!.read(slot, 0, slot.length, position);
				position += bytesRead;
				this.push(bytesRead > 0 ? slot.subarray(0, bytesRead) : null);
			} catch (error) {
				this.destroy(error as Error);
			}
		},
		destroy(error, callback) {
			const closing = handle?.close();
			handle = undefined;
			if (!closing) return callback(error);
			closing.then(
				() => callback(error),
				() => callback(error),
			);
		},
	});
}

const PROGRESS_LOG_INTERVAL_MS = 15_000;

/** Logs progress of long transfers through n8n's logger (every 15 s), passing bytes through. */
export function progressLogger(ctx: IExecuteFunctions, source: { fileName: string; size: number }): Transform {
	let transferred = 0;
	let lastLog = getClock().now();
	const started = lastLog;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			transferred += chunk.length;
			const now = getClock().now();
			if (now - lastLog >= PROGRESS_LOG_INTERVAL_MS) {
				lastLog = now;
				const percent = source.size ? Math.floor((transferred / source.size) * 100) : 100;
				const rate = transferred / Math.max(1, (now - started) / 1000) / 1048576;
				ctx.logger.info(
					`1fichier: "${source.fileName}" ${percent}% (${transferred} of ${source.size} bytes, ${rate.toFixed(1)} MiB/s)`,
				);
			}
			callback(null, chunk);
		},
	});
}

// ---- files opened by n8n, read at a known size ------------------------------------------------

export interface SizedRead {
	/** The file held more bytes than its size. */
	extra: boolean;
	/** Bytes missing at the end (the file was shorter than its size). */
	short: number;
}

const readAt = (fd: number, buffer: Buffer, length: number, position: number) =>
	new Promise<number>((resolve, reject) => read(fd, buffer, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));

/**
 * Up to `size` bytes of a file stream opened by n8n's createReadStream. Its descriptor is read
 * straight into the ring (no allocation per chunk, see above); a stream without one is read as
 * it comes. The stream is closed at the end.
 */
export async function* sizedChunks(stream: Readable, size: number, ring: SlotRing, reading: SizedRead): AsyncGenerator<Buffer> {
	const fd = (stream as Readable & { fd?: unknown }).fd;
	let position = 0;
	try {
		if (typeof fd === 'number') {
			while (position < size) {
				const slot = ring.next();
				const bytesRead = await readAt(fd, slot, Math.min(slot.length, size - position), position);
				if (bytesRead === 0) break;
				position += bytesRead;
				yield slot.subarray(0, bytesRead);
			}
			if (position === size) reading.extra = (await readAt(fd, ring.next(), 1, position)) > 0;
		} else {
			for await (const chunk of stream) {
				const bytes = chunk as Buffer;
				const take = Math.min(bytes.length, size - position);
				if (take < bytes.length) reading.extra = true;
				if (take > 0) yield bytes.subarray(0, take);
				position += take;
				if (reading.extra) break;
			}
		}
	} finally {
		stream.destroy();
	}
	reading.short = size - position;
}

/** `count` zero bytes, through the ring. */
export async function* zeros(count: number, ring: SlotRing): AsyncGenerator<Buffer> {
	for (let left = count; left > 0; ) {
		const slot = ring.next().fill(0);
		const take = Math.min(slot.length, left);
		left -= take;
		yield slot.subarray(0, take);
	}
}
