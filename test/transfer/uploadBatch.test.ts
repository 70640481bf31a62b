/**
 * The multi-file upload protocol: one upload session for many files, each file matched to its own
 * end.pl link and hashed on its own; files whose size changed or that cannot be opened are flagged
 * without breaking the others.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { Readable } from 'stream';

import type { UploadSource } from '../../nodes/OneFichier/transfer/upload';
import { matchLinks, uploadBatch } from '../../nodes/OneFichier/transfer/upload';
import { useTransferTimeoutsForTesting } from '../../nodes/OneFichier/transfer/timeouts';
import { createWhirlpoolHasher } from '../../nodes/OneFichier/transfer/whirlpool';
import { createApiContext } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { scaledRateLimits, useTestSimulator } from '../helpers/simulator';

const simulator = useTestSimulator();
let sim: Simulator;
beforeEach(() => (sim = simulator()));

const context = () => createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits: scaledRateLimits() }) as unknown as IExecuteFunctions;
const options = (folderId: number) => ({ folderId, itemIndex: 0, listingIntervalMs: 600, hash: true });

/** A source whose stream yields `bytes` (which may differ from the `size` announced). */
function source(fileName: string, bytes: Buffer, size = bytes.length): UploadSource {
	return { fileName, size, open: async () => Readable.from([bytes]) };
}

async function whirlpoolOf(bytes: Buffer): Promise<string> {
	const hasher = await createWhirlpoolHasher();
	hasher.update(bytes);
	return hasher.digest();
}

describe('uploadBatch', () => {
	it('sends many files in one upload session, each with its own link and Whirlpool', async () => {
		const folder = sim.state.createFolder(0, 'batch');
		const files = Array.from({ length: 40 }, (_, index) => Buffer.from(`file number ${index}`.repeat(index + 1)));
		const results = await uploadBatch(context(), files.map((bytes, index) => source(`f${index}.txt`, bytes)), options(folder.id));
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(1);
		expect(sim.stats.transfers['upload.cgi']).toBe(1);
		for (const [index, result] of results.entries()) {
			expect(result.readProblem).toBeUndefined();
			expect(result.stored).toMatchObject({ filename: `f${index}.txt`, size: files[index].length });
			expect(result.sentChecksum).toBe(await whirlpoolOf(files[index]));
			expect(result.stored!.checksum).toBe(result.sentChecksum);
			expect(sim.state.readFile(result.stored!.url).equals(files[index])).toBe(true);
		}
	});

	it('flags a file shorter or longer than announced, or that cannot be opened, and stores the others intact', async () => {
		const folder = sim.state.createFolder(0, 'batch');
		const sources: UploadSource[] = [
			source('ok-1.txt', Buffer.from('first')),
			source('shrunk.txt', Buffer.from('abc'), 10),
			source('grown.txt', Buffer.from('abcdefghijkl'), 5),
			{ fileName: 'locked.txt', size: 4, open: async () => Promise.reject(new Error('EACCES: permission denied')) },
			source('ok-2.txt', Buffer.from('second')),
		];
		const results = await uploadBatch(context(), sources, options(folder.id));
		expect(results.map((result) => result.readProblem)).toEqual([
			undefined,
			'it had 7 bytes fewer than its size 10 when read',
			'it had more bytes than its size 5 when read',
			'it could not be opened: EACCES: permission denied',
			undefined,
		]);
		expect(results[3].unreadable).toBe(true);
		expect(sim.state.readFile(results[0].stored!.url).toString()).toBe('first');
		expect(sim.state.readFile(results[4].stored!.url).toString()).toBe('second');
		// What was stored for a flagged file is exactly what its part carried: its announced size.
		expect(sim.state.readFile(results[2].stored!.url).toString()).toBe('abcde');
	});

	it('matches each file to its own link when end.pl adds decoys', async () => {
		const folder = sim.state.createFolder(0, 'batch');
		sim.faults.add({ kind: 'endSeveralLinks' });
		const results = await uploadBatch(context(), [source('a.txt', Buffer.from('aaaa')), source('b.txt', Buffer.from('bb'))], options(folder.id));
		expect(results.map((result) => sim.state.readFile(result.stored!.url).toString())).toEqual(['aaaa', 'bb']);
	});

	it('finds the files in the folder when end.pl never names them', async () => {
		const folder = sim.state.createFolder(0, 'batch');
		sim.faults.add({ kind: 'endNoLinks', always: true });
		const results = await uploadBatch(
			createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits: { ...scaledRateLimits(), maxRetryWaitSeconds: 0.2 } }) as unknown as IExecuteFunctions,
			[source('a.txt', Buffer.from('aaaa')), source('b.txt', Buffer.from('bb'))],
			options(folder.id),
		);
		expect(results.map((result) => result.stored?.filename)).toEqual(['a.txt', 'b.txt']);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
	});
});

describe('matchLinks', () => {
	it('gives each link to one file only, by name and size', () => {
		const links = [
			{ download: 'd1', filename: 'a', size: '1' },
			{ download: 'd2', filename: 'a', size: '2' },
			{ download: 'd3', filename: 'a', size: '2' },
		];
		const batch = [
			{ fileName: 'a', size: 2 },
			{ fileName: 'a', size: 2 },
			{ fileName: 'a', size: 3 },
		];
		expect(matchLinks(links, batch).map((link) => link?.download)).toEqual(['d2', 'd3', undefined]);
	});
});

describe('stalls', () => {
	let restoreTimeouts: (() => void) | undefined;
	afterEach(() => restoreTimeouts?.());

	it('gives up on an end.pl that never answers, and finds the files in the folder', async () => {
		restoreTimeouts = useTransferTimeoutsForTesting({ endPlMs: 300 });
		const folder = sim.state.createFolder(0, 'batch');
		sim.faults.add({ kind: 'stallEndPl', always: true });
		const results = await uploadBatch(
			createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits: { ...scaledRateLimits(), maxRetryWaitSeconds: 0.2 } }) as unknown as IExecuteFunctions,
			[source('a.txt', Buffer.from('aaaa'))],
			options(folder.id),
		);
		expect(results.map((result) => result.stored?.filename)).toEqual(['a.txt']);
	}, 20_000);

	it('starts an upload whose node stops taking its body again, on a new upload server', async () => {
		restoreTimeouts = useTransferTimeoutsForTesting({ idleMs: 300 });
		const folder = sim.state.createFolder(0, 'batch');
		sim.faults.add({ kind: 'stallUpload', afterBytes: 64 * 1024 });
		const bytes = Buffer.alloc(2 * 1024 * 1024, 3);
		const results = await uploadBatch(context(), [source('a.bin', bytes), source('b.txt', Buffer.from('b'))], options(folder.id));
		expect(results.map((result) => result.stored?.size)).toEqual([bytes.length, 1]);
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(2);
	}, 20_000);
});
