/**
 * The remote tree: one listing per folder (folder/ls with files: 1), the file/ls walk past the
 * 5,000 cap, names read back through the look-alike table, listings spaced as Rate Limits →
 * Listing Spacing says, folder by folder.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { earliestParisInstant, parseParisDate } from '../../nodes/OneFichier/api/dates';
import { toRemoteName } from '../../nodes/OneFichier/api/names';
import type { RemoteFolder } from '../../nodes/OneFichier/backup/remoteTree';
import { listRemoteFolder, walkRemoteTree } from '../../nodes/OneFichier/backup/remoteTree';
import { clearListingGateForTesting } from '../../nodes/OneFichier/pacing/listingGate';
import { createApiContext } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { scaledRateLimits, TEST_TIME_SCALE, useTestSimulator } from '../helpers/simulator';

const listingStarts: number[] = [];
const simulator = useTestSimulator({
	onRequest: (entry) => {
		if (/\/(folder|file)\/ls\.cgi$/.test(entry.path)) listingStarts.push(Date.now() - entry.ms);
	},
});
let sim: Simulator;
const FOLDER_INTERVAL_MS = 30_000 * TEST_TIME_SCALE;

beforeEach(() => {
	sim = simulator();
	clearListingGateForTesting();
	listingStarts.length = 0;
});

function context(rateLimits: Record<string, number> = scaledRateLimits()): IExecuteFunctions {
	return createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits }) as unknown as IExecuteFunctions;
}

async function collect(walk: AsyncGenerator<RemoteFolder>): Promise<RemoteFolder[]> {
	const folders: RemoteFolder[] = [];
	for await (const folder of walk) folders.push(folder);
	return folders;
}

/** backup/ with photos/{2025,L'été}/ and docs/, a few files each. */
function seedTree() {
	const backup = sim.state.createFolder(0, 'backup');
	const photos = sim.state.createFolder(backup.id, 'photos');
	const y2025 = sim.state.createFolder(photos.id, '2025');
	const summer = sim.state.createFolder(photos.id, toRemoteName("L'été"));
	const docs = sim.state.createFolder(backup.id, 'docs');
	sim.state.addFile(backup.id, 'readme.txt', 'hello');
	sim.state.addFile(y2025.id, 'a.jpg', 'aaaa');
	sim.state.addFile(summer.id, toRemoteName("L'été.jpg"), 'summer');
	sim.state.addFile(summer.id, toRemoteName(' $pace '), 'x');
	sim.state.addFile(docs.id, 'cv.pdf', 'pdf');
	return { backup, photos, y2025, summer, docs };
}

describe('walkRemoteTree', () => {
	it('lists each folder once, with its files, in one folder/ls call, and reads names back', async () => {
		const { backup } = seedTree();
		const folders = await collect(walkRemoteTree(context(), backup.id, { itemIndex: 0, folderIntervalMs: FOLDER_INTERVAL_MS }));

		expect(folders.map((folder) => folder.path)).toEqual(['', 'docs', 'photos', 'photos/2025', "photos/L'été"]);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(5);
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
		const summer = folders.find((folder) => folder.path === "photos/L'été")!;
		expect(summer.files.map((file) => file.name).sort()).toEqual([' $pace ', "L'été.jpg"]);
		expect(summer.files.find((file) => file.name === "L'été.jpg")!.remoteName).toBe('L\uFF07été.jpg');
		const readme = folders[0].files[0];
		expect(readme).toMatchObject({ name: 'readme.txt', size: 5 });
		expect(readme.checksum).toMatch(/^[0-9a-f]{128}$/);
		expect(readme.uploadedAtMs).toBe(parseParisDate(readme.date));
	});

	it('yields folder by folder: a consumer that stops after the first folder caused one listing', async () => {
		const { backup } = seedTree();
		const walk = walkRemoteTree(context(), backup.id, { itemIndex: 0, folderIntervalMs: FOLDER_INTERVAL_MS });
		const first = await walk.next();
		expect((first.value as RemoteFolder).path).toBe('');
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(1);
		await walk.return(undefined);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(1);
	});

	it('does not list the sub-folders it is told to skip, nor anything below them', async () => {
		const { backup } = seedTree();
		const folders = await collect(
			walkRemoteTree(context(), backup.id, {
				itemIndex: 0,
				folderIntervalMs: FOLDER_INTERVAL_MS,
				descend: (sub) => sub.name !== 'photos',
			}),
		);
		expect(folders.map((folder) => folder.path)).toEqual(['', 'docs']);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(2);
	});

	it('spaces listings of different folders by Listing Spacing', async () => {
		const { backup } = seedTree();
		const spacingSeconds = 0.25;
		await collect(
			walkRemoteTree(context({ ...scaledRateLimits(), listingSpacingSeconds: spacingSeconds }), backup.id, {
				itemIndex: 0,
				folderIntervalMs: FOLDER_INTERVAL_MS,
			}),
		);
		expect(listingStarts).toHaveLength(5);
		const gaps = listingStarts.slice(1).map((start, index) => start - listingStarts[index]);
		// Starts as the simulator saw them: a few ms of loopback jitter either way.
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(spacingSeconds * 1000 - 20);
	});
});

describe('listRemoteFolder', () => {
	it('walks past the 5,000-file cap with file/ls and returns every file once', async () => {
		const big = sim.state.createFolder(0, 'big');
		sim.state.seedFiles(big.id, 6200, { stepMs: 1000 });
		sim.state.createFolder(big.id, 'child');

		const folder = await listRemoteFolder(context(), big.id, { itemIndex: 0, folderIntervalMs: FOLDER_INTERVAL_MS });

		expect(folder.files).toHaveLength(6200);
		expect(new Set(folder.files.map((file) => file.url)).size).toBe(6200);
		expect(folder.subFolders.map((sub) => sub.name)).toEqual(['child']);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(1);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(2);
		expect(sim.stats.floodEvents).toBe(0);
	});
});

describe('earliestParisInstant', () => {
	it('reads a date of the repeated autumn hour as its first pass, and others as parseParisDate does', () => {
		expect(new Date(earliestParisInstant('2026-10-25 02:30:00')!).toISOString()).toBe('2026-10-25T00:30:00.000Z');
		expect(new Date(parseParisDate('2026-10-25 02:30:00')!).toISOString()).toBe('2026-10-25T01:30:00.000Z');
		expect(new Date(earliestParisInstant('2026-07-01 12:00:00')!).toISOString()).toBe('2026-07-01T10:00:00.000Z');
		expect(earliestParisInstant('not a date')).toBeUndefined();
	});
});
