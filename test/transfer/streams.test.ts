/**
 * The upload's reusable ring (ringFileStream): its slots are written again a few chunks later, which
 * is safe only because nothing after it keeps a chunk once passed on: the hashing tap copies, and a
 * socket holds a chunk only until the kernel took it. 64 MiB (4 × the ring) through the tap into a
 * loopback socket whose reader stops now and then, as an upload's path is: the bytes that arrive are
 * the file's, and the tap's Whirlpool is theirs. Then the same through the node: a 64 MiB upload
 * from n8n's filesystem store, which reads the stored file through the ring.
 */
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createWhirlpool } from 'hash-wasm';
import net from 'net';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { pipeline } from 'stream';

import { RING_SLOTS, ringFileStream, TRANSFER_CHUNK_BYTES } from '../../nodes/OneFichier/transfer/streams';
import { WhirlpoolTap } from '../../nodes/OneFichier/transfer/whirlpool';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'ring-'));
const simulator = useTestSimulator();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A receiver that reads a MiB, then stops reading for a few milliseconds, and hashes what came. */
async function slowReceiver(): Promise<{ port: number; received: Promise<string>; close(): void }> {
	let resolveReceived!: (sha512: string) => void;
	const received = new Promise<string>((resolve) => (resolveReceived = resolve));
	const server = net.createServer((socket) => {
		const hash = createHash('sha512');
		let sincePause = 0;
		socket.on('data', (chunk: Buffer) => {
			hash.update(chunk);
			sincePause += chunk.length;
			if (sincePause < MiB) return;
			sincePause = 0;
			socket.pause();
			setTimeout(() => socket.resume(), 3);
		});
		socket.on('end', () => resolveReceived(hash.digest('hex')));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
}

it('a file read through the ring and the hashing tap into a slow socket arrives intact', async () => {
	const size = 4 * RING_SLOTS * TRANSFER_CHUNK_BYTES + 12_345;
	const content = randomBytes(size);
	const file = path.join(dir, 'upload.bin');
	writeFileSync(file, content);
	const whirlpool = await createWhirlpool();
	whirlpool.update(content);

	const receiver = await slowReceiver();
	try {
		const tap = new WhirlpoolTap();
		const socket = net.connect(receiver.port, '127.0.0.1');
		await new Promise<void>((resolve, reject) => pipeline(ringFileStream(file), tap, socket, (error) => (error ? reject(error) : resolve())));
		expect(await receiver.received).toBe(createHash('sha512').update(content).digest('hex'));
		expect(tap.checksum).toBe(whirlpool.digest('hex'));
	} finally {
		receiver.close();
	}
});

it('a 64 MiB upload from n8n\'s filesystem store is stored intact and verified at the first attempt', async () => {
	const content = randomBytes(4 * RING_SLOTS * TRANSFER_CHUNK_BYTES);
	const file = path.join(dir, 'nas-backup.tar');
	writeFileSync(file, content);
	const result = await runNode(
		simulator(),
		{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'id', value: '0' } },
		{ items: [{ files: [{ path: file, fileName: 'nas-backup.tar' }] }] },
	);
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ size: content.length, verified: true });
	expect(result.items[0].json).not.toHaveProperty('resent');
	const stored = simulator().state.readFile(result.items[0].json.url as string);
	expect(createHash('sha512').update(stored).digest('hex')).toBe(createHash('sha512').update(content).digest('hex'));
});
