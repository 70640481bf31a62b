/**
 * file getMany with `options.includeSubfolders` (the listing a restore reads), as real n8n workflows
 * against the simulator, over a tree a backup (file upload, `options.baseDirectory`) stored.
 */
import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import { rl, runNode } from '../../helpers/n8n';
import { LISTING_INTERVAL, sim, useSim } from '../../helpers/simulator';
import { backupUploadParams, folderAt, readFromDisk, useNasTree } from './fixture';

useSim();
const { nas, writeTree } = useNasTree();

beforeEach(() => {
	clearListingGateForTesting();
});
afterEach(() => {
	jest.restoreAllMocks();
});

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
		await runNode(sim, backupUploadParams({ baseDirectory: nas() }), { items: readFromDisk(paths) });
		const result = await runNode(sim, getMany({ returnAll: true }));
		expect(result.error).toBeUndefined();
		const listed = result.items.map((item) => `${item.json.subfolderPath}|${item.json.filename}`).sort();
		expect(listed).toEqual(['docs|d.pdf', 'photos/2026|b.jpg', 'photos|c.jpg', '|a.txt']);
		const photos = result.items.find((item) => item.json.filename === 'c.jpg')!.json;
		expect(photos.folderId).toBe(folderAt('backups/nas/photos'));
	});

	it('stops at the limit; without the option only the folder\'s own files, with no subfolderPath', async () => {
		const paths = writeTree({ 'a.txt': 'a', 'sub/b.txt': 'b', 'sub/c.txt': 'c' });
		await runNode(sim, backupUploadParams({ baseDirectory: nas() }), { items: readFromDisk(paths) });
		const limited = await runNode(sim, getMany({ returnAll: false, limit: 2 }));
		expect(limited.items).toHaveLength(2);
		clearListingGateForTesting();
		const flat = await runNode(sim, getMany({ returnAll: true, options: { listingIntervalSeconds: LISTING_INTERVAL } }));
		expect(flat.items.map((item) => [item.json.filename, item.json.subfolderPath])).toEqual([['a.txt', undefined]]);
	});
});
