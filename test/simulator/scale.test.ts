import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Simulator } from '../../simulator';
import { api, control, startRelaxed, uploadThroughNode } from './helpers';

const FOLDERS = 100;
const FILES_PER_FOLDER = 100;
const verbose = Boolean(process.env.SIMULATOR_TEST_VERBOSE);
const report = (line: string) => verbose && console.log(line);
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

describe('simulator: a tree of 10 000 small files in 100 folders', () => {
	let sim: Simulator;
	let dataDir: string;
	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'sim-scale-'));
		sim = await startRelaxed({ dataDir });
	});
	afterAll(async () => {
		await sim.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	const blobFiles = () => readdirSync(join(dataDir, 'blobs')).length;

	it('uploads (one upload per folder), lists and copies it; copies add no bytes on disk', async () => {
		const heapBefore = process.memoryUsage().heapUsed;
		let started = Date.now();
		const folders = [];
		for (let index = 0; index < FOLDERS; index++) {
			const folder = sim.state.createFolder(0, `folder-${index}`);
			folders.push(folder);
			const files = Array.from({ length: FILES_PER_FOLDER }, (_, n) => ({ filename: `file-${n}.txt`, content: `${index}/${n}\n`.repeat(20) }));
			const links = await uploadThroughNode(sim, files, { fields: { did: String(folder.id) } });
			expect(links).toHaveLength(FILES_PER_FOLDER);
		}
		report(`upload of ${FOLDERS * FILES_PER_FOLDER} files in ${FOLDERS} uploads: ${Date.now() - started} ms`);
		expect(sim.stats).toMatchObject({ uploadedFiles: FOLDERS * FILES_PER_FOLDER });
		expect(blobFiles()).toBe(FOLDERS * FILES_PER_FOLDER);

		started = Date.now();
		const listed: Array<Array<{ url: string; filename: string }>> = [];
		for (const folder of folders) {
			const answer = await api(sim, 'folder/ls.cgi', { folder_id: folder.id, files: 1 });
			expect(answer.json.items).toHaveLength(FILES_PER_FOLDER);
			listed.push(answer.json.items);
		}
		report(`folder/ls files:1 of ${FOLDERS} folders: ${Date.now() - started} ms`);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(FOLDERS);

		started = Date.now();
		const copyRoot = sim.state.createFolder(0, 'snapshot');
		for (const [index, items] of listed.entries()) {
			const target = sim.state.createFolder(copyRoot.id, `folder-${index}`);
			const answer = await api(sim, 'file/cp.cgi', { urls: items.map((item) => item.url), folder_id: target.id });
			expect(answer.json.copied).toBe(FILES_PER_FOLDER);
		}
		report(`file/cp of ${FOLDERS} folders (one call each): ${Date.now() - started} ms`);
		expect(sim.state.allFiles()).toHaveLength(2 * FOLDERS * FILES_PER_FOLDER);
		expect(blobFiles()).toBe(FOLDERS * FILES_PER_FOLDER);
		const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
		report(`heap growth: ${mib(heapGrowth)} MiB for ${2 * FOLDERS * FILES_PER_FOLDER} files (${Math.round(heapGrowth / (2 * FOLDERS * FILES_PER_FOLDER))} bytes per file, test client included)`);
	});

	it('seeds a tree of folders and files in one control call', async () => {
		let started = Date.now();
		const tree = Array.from({ length: FOLDERS }, (_, index) => ({ path: `seeded/part-${Math.floor(index / 10)}/folder-${index}`, count: FILES_PER_FOLDER, bytes: 200, distinct: true, namePrefix: 'photo-' }));
		tree.push({ path: 'seeded/given', files: [{ filename: 'hello.txt', content: 'hello' }, { filename: 'bin.dat', contentBase64: Buffer.from([0, 1, 2]).toString('base64'), date: '2024-05-06T07:08:09Z' }] } as never);
		const answer = await control(sim, 'seed', { tree });
		report(`seed of ${FOLDERS * FILES_PER_FOLDER} distinct files: ${Date.now() - started} ms`);
		expect(answer.status).toBe(200);
		const ids = answer.json.folders as Record<string, number>;
		expect(Object.keys(ids)).toHaveLength(FOLDERS + 1);
		const seededFiles = sim.state.listFiles(ids['seeded/part-3/folder-37']);
		expect(seededFiles).toHaveLength(FILES_PER_FOLDER);
		expect(seededFiles[0]).toMatchObject({ filename: 'photo-001.txt', size: 200 });
		expect(new Set(seededFiles.map((file) => file.checksum)).size).toBe(FILES_PER_FOLDER);
		expect(sim.state.readFile(seededFiles[0].url).toString()).toMatch(/^seeded\/part-3\/folder-37\/photo-001\.txt\n/);
		const given = sim.state.listFiles(ids['seeded/given']);
		expect(given.map((file) => file.filename)).toEqual(['bin.dat', 'hello.txt']);
		expect(sim.state.readFile(given[0].url)).toEqual(Buffer.from([0, 1, 2]));
		expect(given[0].date).toBe('2024-05-06 09:08:09');
		// The same paths again: folders are reused, not duplicated.
		const again = await control(sim, 'seed', { tree: [{ path: 'seeded/part-3/folder-37', count: 1, namePrefix: 'extra-' }] });
		expect(again.json.folders['seeded/part-3/folder-37']).toBe(ids['seeded/part-3/folder-37']);
		expect((await control(sim, 'seed', { tree: [{ path: 'bad/../name' }] })).status).toBe(400);

		started = Date.now();
		const state = await control(sim, 'state');
		report(`GET /__simulator/state with ${state.json.files.length} files: ${Date.now() - started} ms`);
	});

	it('walks 12 000 files of one folder past the 5 000 cap with sent_before, and windows them with sent_after', async () => {
		const answer = await control(sim, 'seed', { tree: [{ path: 'one-big-folder', count: 12_000, startDate: '2024-03-01T00:00:00Z', stepMs: 1000 }] });
		const folderId = answer.json.folders['one-big-folder'] as number;
		const seen = new Set<string>();
		let sentBefore: string | undefined;
		let calls = 0;
		for (;;) {
			const page = await api(sim, 'file/ls.cgi', { folder_id: folderId, ...(sentBefore ? { sent_before: sentBefore } : {}) });
			calls++;
			for (const item of page.json.items as Array<{ url: string }>) seen.add(item.url);
			if (page.json.count < 5000) break;
			sentBefore = page.json.items[page.json.count - 1].date;
		}
		expect(seen.size).toBe(12_000);
		expect(calls).toBe(3);
		// A window of 7 000 files: the newest 5 000 of it come back (sent_after inclusive, sent_before exclusive).
		const files = sim.state.listFiles(folderId);
		const window = await api(sim, 'file/ls.cgi', { folder_id: folderId, sent_after: files[2000].date, sent_before: files[9000].date });
		expect(window.json.count).toBe(5000);
		expect(window.json.items[0].filename).toBe(files[8999].filename);
		expect(window.json.items[4999].filename).toBe(files[4000].filename);
	});
});
