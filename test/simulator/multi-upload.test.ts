import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MAX_FILES_PER_UPLOAD, type Simulator } from '../../simulator';
import { opensslWhirlpools } from '../helpers/whirlpool';
import { api, control, postUpload, startRelaxed, uploadThroughNode, type UploadPart } from './helpers';

/** Small distinct files: each its own bytes, so a mix-up between files shows in the checksums. */
function smallFiles(count: number, prefix: string): UploadPart[] {
	return Array.from({ length: count }, (_, index) => ({ filename: `${prefix}${index}.txt`, content: `${prefix} file ${index}\n`.repeat(1 + (index % 7)) }));
}

const bytesOf = (part: UploadPart) => Buffer.from(part.content as Buffer | string);

describe('simulator: multi-file uploads (§2.2, §5)', () => {
	let sim: Simulator;
	let dataDir: string;
	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'sim-multi-'));
		sim = await startRelaxed({ dataDir });
	});
	afterAll(async () => {
		await sim.close();
		rmSync(dataDir, { recursive: true, force: true });
	});
	afterEach(() => sim.faults.clear());

	const blobFiles = () => readdirSync(join(dataDir, 'blobs')).length;

	it('stores 500 files of one upload into `did` and answers one link per file, in the order sent', async () => {
		const folder = sim.state.createFolder(0, 'five-hundred');
		const files = smallFiles(MAX_FILES_PER_UPLOAD, 'p');
		sim.stats.reset();
		const links = await uploadThroughNode(sim, files, { fields: { did: String(folder.id) } });
		expect(MAX_FILES_PER_UPLOAD).toBe(500);
		expect(links.map((link) => link.filename)).toEqual(files.map((file) => file.filename));
		const expected = opensslWhirlpools(files.map(bytesOf));
		links.forEach((link, index) => {
			expect(link.size).toBe(String(bytesOf(files[index]).length));
			expect(link.whirlpool).toBe(expected[index]);
			expect(link.download).toMatch(/^https:\/\/1fichier\.com\/\?[a-z0-9]{20}$/);
			expect(sim.state.readFile(link.download).equals(bytesOf(files[index]))).toBe(true);
		});
		expect(sim.state.listFiles(folder.id)).toHaveLength(500);
		expect(new Set(links.map((link) => link.download)).size).toBe(500);
		const totalBytes = files.reduce((sum, file) => sum + bytesOf(file).length, 0);
		expect(sim.stats).toMatchObject({ uploadedFiles: 500, uploadedBytes: totalBytes });
		expect(sim.stats.transfers['upload.cgi']).toBe(1);
		expect((await control(sim, 'state')).json.stats).toMatchObject({ uploadedFiles: 500, uploadedBytes: totalBytes });
	});

	it('refuses a 501st file with an HTML page, stores nothing and leaves no bytes on disk', async () => {
		const before = sim.state.allFiles().length;
		const blobsBefore = blobFiles();
		const { response } = await postUpload(sim, smallFiles(MAX_FILES_PER_UPLOAD + 1, 'x'));
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/text\/html/);
		expect(response.body.toString()).toMatch(/Too many files: at most 500 files per upload/);
		expect(sim.state.allFiles()).toHaveLength(before);
		expect(blobFiles()).toBe(blobsBefore);
	});

	it('keeps bytes and checksums of large and small files mixed in one upload', async () => {
		// Past the small-file threshold (64 KiB) and past the writer's four 1 MiB slots, in between small ones.
		const contents = [randomBytes(10), randomBytes(5 * 1024 * 1024 + 17), randomBytes(65 * 1024), randomBytes(64 * 1024), randomBytes(3), randomBytes(1024 * 1024)];
		const files = contents.map((content, index) => ({ filename: `mixed-${index}.bin`, content }));
		const links = await uploadThroughNode(sim, files);
		const expected = opensslWhirlpools(contents);
		expect(links.map((link) => link.whirlpool)).toEqual(expected);
		links.forEach((link, index) => expect(sim.state.readFile(link.download).equals(contents[index])).toBe(true));
	});

	it('corruptUpload damages the named file only, or the first one', async () => {
		const contents = [randomBytes(1000), randomBytes(200_000), randomBytes(3000)];
		const files = contents.map((content, index) => ({ filename: `c${index}.bin`, content }));
		const truth = opensslWhirlpools(contents);
		sim.faults.add({ kind: 'corruptUpload', filename: 'c1.bin' });
		const named = await uploadThroughNode(sim, files);
		const stored = named.map((link) => sim.state.readFile(link.download));
		expect(stored[0].equals(contents[0])).toBe(true);
		expect(stored[1][0]).toBe(contents[1][0] ^ 0xff);
		expect(stored[1].subarray(1).equals(contents[1].subarray(1))).toBe(true);
		expect(stored[2].equals(contents[2])).toBe(true);
		// The checksum is the one of what was stored.
		expect(named[1].whirlpool).toBe(opensslWhirlpools([stored[1]])[0]);
		expect([named[0].whirlpool, named[2].whirlpool]).toEqual([truth[0], truth[2]]);

		sim.faults.add({ kind: 'corruptUpload' });
		const first = await uploadThroughNode(sim, files);
		expect(sim.state.readFile(first[0].download)[0]).toBe(contents[0][0] ^ 0xff);
		expect(first.slice(1).map((link) => link.whirlpool)).toEqual(truth.slice(1));
	});

	it('wrongChecksum and endWithoutChecksum hit the named file only; without a name, the first file / every link', async () => {
		const contents = [randomBytes(500), randomBytes(600), randomBytes(700)];
		const files = contents.map((content, index) => ({ filename: `w${index}.bin`, content }));
		const truth = opensslWhirlpools(contents);
		sim.faults.add({ kind: 'wrongChecksum', filename: 'w2.bin' });
		const named = await uploadThroughNode(sim, files);
		expect(named.map((link) => link.whirlpool === truth[named.indexOf(link)])).toEqual([true, true, false]);
		expect((await api(sim, 'file/info.cgi', { url: named[2].download })).json.checksum).toBe(named[2].whirlpool);
		expect(sim.state.readFile(named[2].download).equals(contents[2])).toBe(true);

		sim.faults.add({ kind: 'wrongChecksum' });
		const first = await uploadThroughNode(sim, files);
		expect(first.map((link, index) => link.whirlpool === truth[index])).toEqual([false, true, true]);

		sim.faults.add({ kind: 'endWithoutChecksum', filename: 'w1.bin' });
		const quiet = await uploadThroughNode(sim, files);
		expect(quiet.map((link) => 'whirlpool' in link)).toEqual([true, false, true]);
		sim.faults.add({ kind: 'endWithoutChecksum' });
		const silent = await uploadThroughNode(sim, files);
		expect(silent.map((link) => 'whirlpool' in link)).toEqual([false, false, false]);
	});

	it('drop cuts a multi-file upload and stores none of its files', async () => {
		const before = sim.state.allFiles().length;
		sim.faults.add({ kind: 'drop', match: 'upload.cgi' });
		await expect(postUpload(sim, [...smallFiles(50, 'd'), { filename: 'big.bin', content: randomBytes(2 * 1024 * 1024) }])).rejects.toThrow();
		expect(sim.state.allFiles()).toHaveLength(before);
	});

	it('endSeveralLinks puts decoys first; the real links follow in the order sent', async () => {
		const files = smallFiles(3, 'e');
		sim.faults.add({ kind: 'endSeveralLinks', match: 'end.pl' });
		const links = await uploadThroughNode(sim, files);
		expect(links).toHaveLength(9);
		expect(links.slice(6).map((link) => link.filename)).toEqual(['e0.txt', 'e1.txt', 'e2.txt']);
	});

});
