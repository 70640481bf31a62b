/**
 * Downloads into each kind of n8n binary data store, at 64 MiB (past every ring, pool and
 * highWaterMark): n8n's filesystem store writes each chunk as it comes; its database, S3 and Azure
 * stores keep the chunks they are given until the end and join them then (ChunkKeepingStore, n8n's
 * own S3 store over a bucket in memory). Either way the bytes n8n holds are the file's, and
 * `verified: true` means they have 1fichier's Whirlpool: a store that alters a chunk as it
 * receives it fails the verification and keeps nothing.
 */
import { createHash, randomBytes } from 'crypto';
import { createWhirlpool } from 'hash-wasm';
import type { INodeParameters } from 'n8n-workflow';

import { ChunkKeepingStore, useBinaryStore } from '../helpers/binaryStores';
import { readBinary, runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const MiB = 1024 * 1024;
/** 4 × the largest internal buffer on the way (16 × 1 MiB). */
const SIZE = 64 * MiB;

const simulator = useTestSimulator();
const content = randomBytes(SIZE);
const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('hex');
const sourceSha512 = sha512(content);

async function whirlpoolOf(chunks: Buffer[]): Promise<string> {
	const hasher = await createWhirlpool();
	for (const chunk of chunks) hasher.update(chunk);
	return hasher.digest('hex');
}

const download = (url: string, options: INodeParameters = {}) => ({
	resource: 'file',
	operation: 'download',
	file: rl('url', url),
	binaryPropertyName: 'data',
	options,
});

describe('a store that keeps every chunk until the end (as n8n\'s database, S3 and Azure stores do)', () => {
	let store: ChunkKeepingStore;
	let restore: () => Promise<void>;
	beforeEach(async () => {
		store = new ChunkKeepingStore();
		restore = await useBinaryStore('s3', store);
	});
	afterEach(async () => await restore());

	it.each([
		['verified (the default)', {}, true],
		['verifyChecksum off', { verifyChecksum: false }, false],
	])('64 MiB, %s: n8n holds the file\'s bytes', async (_name, options, verified) => {
		const stored = simulator().state.addFile(0, 'photos.tar', content);
		const result = await runNode(simulator(), download(stored.url, options));
		expect(result.error).toBeUndefined();
		const item = result.items[0];
		expect(item.json).toMatchObject({ size: SIZE, checksum: stored.checksum, verified });
		expect(item.binary!.data.id).toMatch(/^s3:/);
		const held = await readBinary(item.binary!.data);
		expect(held.length).toBe(SIZE);
		expect(sha512(held)).toBe(sourceSha512);
		// The very Buffer objects the store was handed, looked at after the download: the file's bytes.
		const [kept] = [...store.chunksOf.values()];
		expect(kept.length).toBeGreaterThan(16);
		expect(sha512(Buffer.concat(kept))).toBe(sourceSha512);
		expect(await whirlpoolOf(kept)).toBe(stored.checksum);
	});

	it('a store that alters a chunk as it receives it fails the verification and keeps nothing', async () => {
		const stored = simulator().state.addFile(0, 'altered.bin', content);
		store.receive = (chunk, index) => {
			if (index === 20) chunk[chunk.length >> 1] ^= 0xff;
		};
		const result = await runNode(simulator(), download(stored.url));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/"altered\.bin" do not match 1fichier's Whirlpool checksum/);
		expect(result.error?.description).toContain(`1fichier's: ${stored.checksum}`);
		expect(store.files().size).toBe(0);
	});
});

describe('n8n\'s filesystem store', () => {
	it('64 MiB verified: n8n holds the file\'s bytes', async () => {
		const stored = simulator().state.addFile(0, 'photos.tar', content);
		const result = await runNode(simulator(), download(stored.url));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ size: SIZE, checksum: stored.checksum, verified: true });
		expect(result.items[0].binary!.data.id).toMatch(/^filesystem/);
		expect(sha512(await readBinary(result.items[0].binary!.data))).toBe(sourceSha512);
	});
});
