/**
 * file getMany with `options.includeSubfolders` (the listing a restore reads), as real n8n workflows
 * against the simulator, over a tree a backup (file upload, `options.baseDirectory`) stored.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import type { TestItem } from '../../helpers/n8n';
import { runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { TEST_TIME_SCALE, useTestSimulator } from '../../helpers/simulator';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
/** The simulator's 30 s listing limit, scaled like the rest of its limits. */
const LISTING_INTERVAL = 30 * TEST_TIME_SCALE;

const simulator = useTestSimulator();
let sim: Simulator;
let dir: string;

beforeEach(() => {
	sim = simulator();
	clearListingGateForTesting();
	dir = mkdtempSync(path.join(tmpdir(), 'backup-'));
});
afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
	jest.restoreAllMocks();
});

/** Writes files under the temp dir (`{'a/b.txt': 'content'}`) and returns their absolute paths. */
function writeTree(files: Record<string, string | Buffer>): string[] {
	return Object.entries(files).map(([relative, content]) => {
		const file = path.join(dir, 'nas', relative);
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, content);
		return file;
	});
}

/** One item per file, read the way n8n's Read/Write Files from Disk node reads them. */
const readFromDisk = (paths: string[]): TestItem[] => paths.map((file) => ({ files: [{ path: file, readFromDisk: true }] }));

function uploadParams(options: Record<string, unknown>, folder = rl('path', 'backups/nas')) {
	return {
		resource: 'file',
		operation: 'upload',
		binaryPropertyName: 'data',
		folder,
		options: { listingIntervalSeconds: LISTING_INTERVAL, ...options },
	};
}

function folderAt(folderPath: string): number {
	let id = 0;
	for (const name of folderPath.split('/')) {
		const next = sim.state.listFolders(id).find((folder) => folder.name === name);
		if (!next) throw new Error(`no folder ${folderPath}`);
		id = next.id;
	}
	return id;
}

describe('file getMany, options.includeSubfolders (restore listing)', () => {
	const getMany = (extra: Record<string, unknown>) => ({
		resource: 'file',
		operation: 'getMany',
		folder: rl('path', 'backups/nas'),
		options: { listingIntervalSeconds: LISTING_INTERVAL, includeSubfolders: true },
		...extra,
	});

	it('lists every file of the tree with its sub-folder path below the listed folder', async () => {
		const paths = writeTree({ 'a.txt': 'a', 'photos/2026/b.jpg': 'b', 'photos/c.jpg': 'c', 'docs/d.pdf': 'd' });
		await runNode(sim, uploadParams({ baseDirectory: path.join(dir, 'nas') }), { items: readFromDisk(paths) });
		const result = await runNode(sim, getMany({ returnAll: true }));
		expect(result.error).toBeUndefined();
		const listed = result.items.map((item) => `${item.json.subfolderPath}|${item.json.filename}`).sort();
		expect(listed).toEqual(['docs|d.pdf', 'photos/2026|b.jpg', 'photos|c.jpg', '|a.txt']);
		const photos = result.items.find((item) => item.json.filename === 'c.jpg')!.json;
		expect(photos.folderId).toBe(folderAt('backups/nas/photos'));
	});

	it('stops at the limit; without the option only the folder\'s own files, with no subfolderPath', async () => {
		const paths = writeTree({ 'a.txt': 'a', 'sub/b.txt': 'b', 'sub/c.txt': 'c' });
		await runNode(sim, uploadParams({ baseDirectory: path.join(dir, 'nas') }), { items: readFromDisk(paths) });
		const limited = await runNode(sim, getMany({ returnAll: false, limit: 2 }));
		expect(limited.items).toHaveLength(2);
		clearListingGateForTesting();
		const flat = await runNode(sim, getMany({ returnAll: true, options: { listingIntervalSeconds: LISTING_INTERVAL } }));
		expect(flat.items.map((item) => [item.json.filename, item.json.subfolderPath])).toEqual([['a.txt', undefined]]);
	});
});
