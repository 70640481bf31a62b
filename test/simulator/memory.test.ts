import { statSync } from 'node:fs';
import { Readable } from 'node:stream';

import { createWhirlpool, type IHasher } from 'hash-wasm';

import { startSimulator, type Simulator } from '../../simulator';
import { uploadThroughNode } from './helpers';

const MIB = 1024 * 1024;
const UPLOAD_BYTES = 512 * MIB;

/** 512 MiB generated on the fly from one reused 1 MiB block: nothing big is ever allocated. */
function generatedContent(hash: IHasher) {
	const block = Buffer.alloc(MIB);
	for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
	return {
		size: UPLOAD_BYTES,
		stream: () =>
			Readable.from(
				(function* () {
					for (let sent = 0; sent < UPLOAD_BYTES; sent += MIB) {
						hash.update(block);
						yield block;
					}
				})(),
			),
	};
}

describe('simulator: streamed upload memory (§2.2)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ limits: { requestsPerSecond: 1000 } });
	});
	afterAll(() => sim.close());

	it('stores a 512 MiB upload with RSS growth under 100 MiB', async () => {
		// The simulator's checksum is Whirlpool, 1fichier's hash.
		const expected = await createWhirlpool();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
		try {
			const [link] = await uploadThroughNode(sim, [{ filename: 'huge.bin', content: generatedContent(expected) }]);
			expect(link.size).toBe(String(UPLOAD_BYTES));
			expect(link.whirlpool).toBe(expected.digest('hex'));
			expect(statSync(sim.state.filePath(link.download)).size).toBe(UPLOAD_BYTES);
		} finally {
			clearInterval(sampler);
		}
		peak = Math.max(peak, process.memoryUsage().rss);
		const growthMiB = (peak - baseline) / MIB;
		if (process.env.SIMULATOR_TEST_VERBOSE) console.log(`RSS growth ${growthMiB.toFixed(1)} MiB`);
		expect(growthMiB).toBeLessThan(100);
	});

	it('keeps memory flat over thousands of small files (staging memory is reused, not kept per file)', async () => {
		const files = Array.from({ length: 500 }, (_, index) => ({ filename: `m${index}.txt`, content: `small file ${index}\n`.repeat(1 + (index % 7)) }));
		await uploadThroughNode(sim, files); // warm-up: pools and hashers exist
		const baseline = process.memoryUsage().rss;
		for (let round = 0; round < 4; round++) await uploadThroughNode(sim, files);
		const growthMiB = (process.memoryUsage().rss - baseline) / MIB;
		if (process.env.SIMULATOR_TEST_VERBOSE) console.log(`RSS growth over 2 000 small files: ${growthMiB.toFixed(1)} MiB`);
		// Each file used to keep 4 MiB of staging memory until its upload ended: +2 GiB here.
		expect(growthMiB).toBeLessThan(100);
	});
});
