/**
 * The node's Whirlpool (transfer/whirlpool.ts and its engines) against the standard vectors and
 * against OpenSSL on random lengths and random chunkings, through the path the transfers use
 * (startWhirlpool, whirlpoolOfStream and the WhirlpoolTap stream stage), once per engine this
 * process can run: the helper process (this process has no legacy provider, like n8n's) and
 * hash-wasm in a worker thread. The native engine runs in test/transfer/whirlpoolNative.test.ts,
 * the helper's failures and lifetime in test/transfer/whirlpoolProcess.test.ts.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import { pipeline, Readable, Writable } from 'stream';

import {
	createWhirlpoolHasher,
	HASH_BUFFER_BYTES,
	HASH_BUFFERS_IN_FLIGHT,
	normaliseChecksum,
	startWhirlpool,
	useWhirlpoolChoiceForTesting,
	whirlpoolEngineName,
	whirlpoolOfStream,
	WhirlpoolTap,
} from '../../nodes/OneFichier/transfer/whirlpool';
import { opensslWhirlpools } from '../helpers/whirlpool';

const MiB = 1024 * 1024;
const TRANSFER_DIR = path.join(__dirname, '..', '..', 'nodes', 'OneFichier', 'transfer');

// ISO/IEC 10118-3:2004 vectors (1fichier-api.md, "Checksums: Whirlpool").
const VECTORS: Array<[string, Buffer, string]> = [
	['the empty string', Buffer.alloc(0), '19FA61D75522A4669B44E39C1D2E1726C530232130D407F89AFEE0964997F7A73E83BE698B288FEBCF88E3E03C4F0757EA8964E59B63D93708B138CC42A66EB3'],
	['"abc"', Buffer.from('abc'), '4E2448A4C6F486BB16B6562C73B4020BF3043E3A731BCE721AE1B303D97E6D4C7181EEBDB6C57E277D0E34957114CBD6C797FC9D95D8B582D225292076D4EEF5'],
	['one million "a"', Buffer.alloc(1_000_000, 'a'), '0C99005BEB57EFF50A7CF005560DDF5D29057FD86B20BFD62DECA0F1CCEA4AF51FC15490EDDC47AF32BB2B66C34FF9AD8C6008AD677F77126953B226E4ED8B01'],
];

/** The engines this process can run, and how to make each the choice. */
const ENGINES: Array<[string, () => void]> = [
	// This process has no legacy provider (like n8n's): Node's own binary as a helper has it.
	['helper process', () => useWhirlpoolChoiceForTesting()],
	// Where no helper can start: hash-wasm (the sources use the dev dependency, a package its bundled copy).
	['hash-wasm (dev dependency)', () => useWhirlpoolChoiceForTesting({ helper: { unavailable: 'this test does without it' } })],
];

/** Random cut points: chunks of 1 byte up to `maxChunk` bytes. */
function randomChunks(content: Buffer, maxChunk: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let offset = 0; offset < content.length; ) {
		const size = 1 + Math.floor(Math.random() * Math.min(maxChunk, content.length - offset));
		chunks.push(content.subarray(offset, offset + size));
		offset += size;
	}
	return chunks;
}

async function hashThroughTap(chunks: Buffer[], check?: (checksum: string) => Error | undefined) {
	const tap = new WhirlpoolTap(check);
	const received: Buffer[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			received.push(chunk);
			callback();
		},
	});
	const error = await new Promise<Error | undefined>((resolve) => pipeline(Readable.from(chunks), tap, sink, (e) => resolve(e ?? undefined)));
	return { tap, error, output: Buffer.concat(received) };
}

describe.each(ENGINES)('Whirlpool in the %s', (engine, choose) => {
	beforeAll(choose);
	afterAll(() => useWhirlpoolChoiceForTesting());

	it('is the engine chosen', async () => {
		expect(await whirlpoolEngineName()).toBe(engine);
	});

	it.each(VECTORS)('%s, through the session, the tap and on the calling thread', async (_name, input, expected) => {
		const hex = expected.toLowerCase();
		expect(await whirlpoolOfStream(Readable.from(randomChunks(input, 70_000)))).toBe(hex);
		expect((await hashThroughTap([input])).tap.checksum).toBe(hex);
		const onThread = await createWhirlpoolHasher();
		onThread.update(input);
		expect(onThread.digest()).toBe(hex);
	});

	it('agrees on random lengths cut into random chunks', async () => {
		// Around the buffer size and the in-flight bound (and three times it), and small odd sizes.
		const lengths = [
			1, 63, 64, 65, 127, 128, 1000,
			HASH_BUFFER_BYTES - 1, HASH_BUFFER_BYTES, HASH_BUFFER_BYTES + 1,
			HASH_BUFFER_BYTES * HASH_BUFFERS_IN_FLIGHT + 3, 3 * HASH_BUFFER_BYTES * HASH_BUFFERS_IN_FLIGHT + 5,
			...Array.from({ length: 12 }, () => Math.floor(Math.random() * 3 * MiB)),
		];
		const inputs = lengths.map((length) => randomBytes(length));
		const reference = opensslWhirlpools(inputs);
		for (const [index, input] of inputs.entries()) {
			const maxChunk = [1 + (index % 7), 4096, 65_536, 3 * MiB][index % 4];
			const chunks = input.length > 100_000 && maxChunk < 4096 ? randomChunks(input, 4096) : randomChunks(input, maxChunk);
			const hashing = startWhirlpool();
			for (const chunk of chunks) await hashing.update(chunk);
			expect({ length: input.length, hex: await hashing.digest() }).toEqual({ length: input.length, hex: reference[index] });
		}
	});

	it('the stream stage passes every byte through unchanged and hashes them', async () => {
		const input = randomBytes(5 * MiB + 17);
		const { tap, error, output } = await hashThroughTap(randomChunks(input, 300_000));
		expect(error).toBeUndefined();
		expect(output.equals(input)).toBe(true);
		expect(tap.checksum).toBe(opensslWhirlpools([input])[0]);
	});

	it('hashes several streams at once, each in its own worker or process', async () => {
		const inputs = [randomBytes(2 * MiB), randomBytes(3 * MiB + 5), randomBytes(777)];
		const hashes = await Promise.all(inputs.map((input) => whirlpoolOfStream(Readable.from(randomChunks(input, 100_000)))));
		expect(hashes).toEqual(opensslWhirlpools(inputs));
	});

	it('lets the caller wait only when the engine is more than the bound behind, also on a pooled worker or process', async () => {
		const chunk = randomBytes(HASH_BUFFER_BYTES);
		// The second round runs on the worker or process the first one gave back to the pool.
		for (let round = 0; round < 2; round++) {
			const hashing = startWhirlpool();
			const immediate: boolean[] = [];
			for (let index = 0; index < HASH_BUFFERS_IN_FLIGHT * 3; index++) {
				const waiting = hashing.update(chunk);
				immediate.push(waiting === undefined);
				await waiting;
			}
			// The whole bound goes out at once; past it the caller is held back.
			expect(immediate.slice(0, HASH_BUFFERS_IN_FLIGHT)).toEqual(Array(HASH_BUFFERS_IN_FLIGHT).fill(true));
			expect(immediate.includes(false)).toBe(true);
			expect(await hashing.digest()).toMatch(/^[0-9a-f]{128}$/);
		}
	});

	it('leaves the event loop free while it hashes', async () => {
		const chunk = randomBytes(MiB);
		const before = performance.eventLoopUtilization();
		const hashing = startWhirlpool();
		for (let index = 0; index < 48; index++) await hashing.update(chunk);
		await hashing.digest();
		const busy = performance.eventLoopUtilization(before).utilization;
		// On this thread the loop only copies bytes; hashing here would keep it busy all along.
		expect(busy).toBeLessThan(0.5);
	});

	it('a failed check ends the stream with that error, and abort stops a hash', async () => {
		const refusal = new Error('not the file');
		const { tap, error } = await hashThroughTap([Buffer.from('abc')], () => refusal);
		expect(error).toBe(refusal);
		expect(tap.checkFailure).toBe(refusal);
		const abandoned = startWhirlpool();
		await abandoned.update(randomBytes(3 * MiB));
		abandoned.abort();
		expect(await whirlpoolOfStream(Readable.from([Buffer.from('abc')]))).toBe(VECTORS[1][2].toLowerCase());
	});
});

describe('Whirlpool: the engine inside the worker thread', () => {
	const workerFile = path.join(TRANSFER_DIR, 'whirlpool.worker.js');
	const engineOf = (file: string, nodeArgs: string[] = []) =>
		execFileSync(process.execPath, [...nodeArgs, '-e', `process.stdout.write(require(${JSON.stringify(file)}).loadEngine().name)`], {
			cwd: path.dirname(file),
			stdio: 'pipe',
		}).toString();

	it('uses the native hash when the process lists it (OpenSSL legacy provider)', () => {
		expect(engineOf(workerFile, ['--openssl-legacy-provider'])).toBe('native');
	});

	it('a built package uses its bundled hash-wasm copy, never a hash-wasm found elsewhere', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'whirlpool-package-'));
		try {
			// The layout of dist: the worker, and hash-wasm's file in vendor/ (no whirlpool.ts beside them).
			copyFileSync(workerFile, path.join(dir, 'whirlpool.worker.js'));
			const packaged = path.join(dir, 'whirlpool.worker.js');
			expect(() => engineOf(packaged)).toThrow(/bundled hash-wasm build is missing/);
			mkdirSync(path.join(dir, 'vendor', 'hash-wasm'), { recursive: true });
			copyFileSync(require.resolve('hash-wasm/dist/whirlpool.umd.min.js'), path.join(dir, 'vendor', 'hash-wasm', 'whirlpool.umd.min.js'));
			expect(engineOf(packaged)).toBe('hash-wasm (bundled)');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('normaliseChecksum', () => {
	it('lower-cases 128 hex characters and treats anything else as "not available"', () => {
		const upper = VECTORS[1][2];
		expect(normaliseChecksum(` ${upper} `)).toBe(upper.toLowerCase());
		for (const missing of ['', undefined, null, 'abc', 42, `${upper}00`]) expect(normaliseChecksum(missing)).toBeUndefined();
	});
});
