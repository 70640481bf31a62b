/**
 * HandedOverWhirlpool, the last stage of a verified download: its digest is the Whirlpool of the
 * chunks the next stage holds, as they are after it took them, however that stage reads ('data'
 * listeners as n8n's database/S3/Azure stores, `for await` as its filesystem store, `pipe`). 64 MiB
 * in 1 MiB chunks: past the hashing worker's 8 buffers and every stream's highWaterMark.
 */
import { randomBytes } from 'crypto';
import { createWhirlpool } from 'hash-wasm';
import { pipeline, Readable, Writable } from 'stream';

import type { StreamingWhirlpool } from '../../nodes/OneFichier/transfer/whirlpool';
import { HandedOverWhirlpool } from '../../nodes/OneFichier/transfer/whirlpool';

const MiB = 1024 * 1024;
const CHUNKS = 64;
/** The chunk a consumer alters after taking it. */
const ALTERED = 37;

async function whirlpoolOf(chunks: Uint8Array[]): Promise<string> {
	const hasher = await createWhirlpool();
	for (const chunk of chunks) hasher.update(chunk);
	return hasher.digest('hex');
}

/** A fresh buffer per chunk, as rawGet hands them on. */
function source(): { stream: Readable; whirlpool: Promise<string> } {
	const chunks = Array.from({ length: CHUNKS }, () => randomBytes(MiB));
	return { stream: Readable.from(chunks, { objectMode: false }), whirlpool: whirlpoolOf(chunks) };
}

type Consumer = (stream: Readable, alter: (chunk: Buffer, index: number) => void) => Promise<Buffer[]>;

const consumers: Array<[string, Consumer]> = [
	[
		'\'data\' listeners, keeping every chunk (n8n\'s binaryToBuffer)',
		async (stream, alter) =>
			await new Promise((resolve, reject) => {
				const held: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => {
					alter(chunk, held.length);
					held.push(chunk);
				});
				stream.once('end', () => resolve(held));
				stream.once('error', reject);
			}),
	],
	[
		'for await, altering after an await in the loop body (n8n\'s filesystem store reads so)',
		async (stream, alter) => {
			const held: Buffer[] = [];
			for await (const chunk of stream) {
				await new Promise((resolve) => setImmediate(resolve));
				alter(chunk as Buffer, held.length);
				held.push(chunk as Buffer);
			}
			return held;
		},
	],
	[
		'pipe into a slow Writable',
		async (stream, alter) =>
			await new Promise((resolve, reject) => {
				const held: Buffer[] = [];
				const sink = new Writable({
					write(chunk: Buffer, _encoding, callback) {
						alter(chunk, held.length);
						held.push(chunk);
						setTimeout(callback, 1);
					},
				});
				stream.once('error', reject);
				sink.once('finish', () => resolve(held));
				stream.pipe(sink);
			}),
	],
];

describe.each(consumers)('read by %s', (_name, consume) => {
	it('the digest is the Whirlpool of the source when nothing alters it', async () => {
		const { stream, whirlpool } = source();
		const stage = new HandedOverWhirlpool();
		const held = await consume(pipeline(stream, stage, () => {}), () => {});
		expect(stage.checksum).toBe(await whirlpool);
		expect(await whirlpoolOf(held)).toBe(await whirlpool);
	});

	it('a chunk altered after the consumer took it changes the digest to that of what it holds', async () => {
		const { stream, whirlpool } = source();
		const stage = new HandedOverWhirlpool();
		const held = await consume(pipeline(stream, stage, () => {}), (chunk, index) => {
			if (index === ALTERED) chunk[MiB - 1] ^= 0x01;
		});
		expect(stage.checksum).not.toBe(await whirlpool);
		expect(stage.checksum).toBe(await whirlpoolOf(held));
	});

	it('a refused digest ends the stream with the check\'s error instead of its end', async () => {
		const { stream } = source();
		const refusal = new Error('not the file');
		const stage = new HandedOverWhirlpool(() => refusal);
		await expect(consume(pipeline(stream, stage, () => {}), () => {})).rejects.toBe(refusal);
		expect(stage.checkFailure).toBe(refusal);
	});
});

/**
 * A hash that falls behind at its first chunk and stays behind until `catchUp()`: what the worker
 * does when the store takes chunks faster than it hashes them.
 */
function laggingHash(): StreamingWhirlpool & { catchUp(): void; hashedChunks: number } {
	let catchUp = () => {};
	const behind = new Promise<void>((resolve) => (catchUp = resolve));
	const hash = {
		hashedChunks: 0,
		catchUp: () => catchUp(),
		update: () => (hash.hashedChunks++ === 0 ? behind : undefined),
		digest: async () => '0'.repeat(128),
		abort: () => {},
	};
	return hash;
}

/** Fresh 1 MiB chunks, counting how many were taken from it. */
function countedSource(): { stream: Readable; taken: () => number } {
	let taken = 0;
	const stream = new Readable({
		highWaterMark: MiB,
		read() {
			this.push(taken < CHUNKS ? Buffer.alloc(MiB, taken++ & 0xff) : null);
		},
	});
	return { stream, taken: () => taken };
}

describe.each(consumers)('while the hash is behind, read by %s', (_name, consume) => {
	it('the transfer waits: chunks neither pile up in the stage nor keep coming from the source', async () => {
		const { stream, taken } = countedSource();
		const hash = laggingHash();
		const stage = new HandedOverWhirlpool(undefined, hash);
		const held = consume(pipeline(stream, stage, () => {}), () => {});
		// The first chunk is hashed once the consumer is done with it: a slow one takes a timer's turn
		// or more (a loaded machine's), so wait for that, however long, rather than a count of turns.
		const deadline = Date.now() + 10_000;
		while (hash.hashedChunks === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
		// Then every stream involved has had ample time to move whatever it was allowed to: the slow
		// consumer's timer many times over, and the turns after.
		await new Promise((resolve) => setTimeout(resolve, 50));
		for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
		// A few chunks sit in the streams' buffers; without the wait all 64 went through.
		expect(taken()).toBeLessThanOrEqual(6);
		expect(hash.hashedChunks).toBe(1);
		hash.catchUp();
		expect(await held).toHaveLength(CHUNKS);
		expect(hash.hashedChunks).toBe(CHUNKS);
		expect(stage.checksum).toBe('0'.repeat(128));
	});
});
