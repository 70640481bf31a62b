/**
 * Folder → Clean Up (retention) as real n8n workflows against the simulator: keepNewest, the
 * calendar rules on a year of dated copies, entries without a readable date, the summary item, dry
 * runs, and the root refused in the editor and at run time.
 */
import type { INode, INodeExecutionData } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { OneFichier } from '../../../nodes/OneFichier/OneFichier.node';
import { rl, runNode } from '../../helpers/n8n';
import { YEAR_KEEPS, YEAR_RULES, daysOf2025 } from '../../helpers/retention';
import { LISTING_INTERVAL, sim, useSim } from '../../helpers/simulator';

useSim();

const cleanUp = (extra: Record<string, unknown> = {}, folder = rl('path', 'backups/nas')) => ({
	resource: 'folder',
	operation: 'cleanUp',
	folder,
	...extra,
});

/** backups/nas, made before the run. */
const nasFolder = () => sim.state.createFolder(sim.state.createFolder(0, 'backups').id, 'nas');

/** backups/nas with a dated sub-folder per day, each holding a file and a sub-folder. */
function datedFolders(days: string[]): number {
	const nas = nasFolder();
	for (const day of days) {
		const folder = sim.state.createFolder(nas.id, day);
		sim.state.addFile(folder.id, 'dump.sql', `dump of ${day}`);
		sim.state.addFile(sim.state.createFolder(folder.id, 'photos').id, 'p.jpg', 'jpg');
	}
	return nas.id;
}

const subNames = (id: number) => sim.state.listFolders(id).map((folder) => folder.name).sort();
const namesIn = (folderId: number) => sim.state.listFiles(folderId).map((file) => file.filename).sort();

/** The output after the summary: one item per entry. */
const entriesOf = (items: INodeExecutionData[]) => items.slice(1).map((item) => item.json);
const removedNames = (items: INodeExecutionData[]) =>
	entriesOf(items)
		.filter((entry) => entry.kept === false)
		.map((entry) => entry.name ?? entry.filename);

describe('folder cleanUp: keepNewest', () => {
	it('keeps the newest N sub-folders by the date in their name and removes the rest with their contents', async () => {
		const days = ['2026-11-21', '2026-11-22', '20261123', '2026-11-24T02-00', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'];
		const nas = datedFolders(days);
		const filesBefore = sim.state.listFiles(0).length;
		const result = await runNode(sim, cleanUp({ keepNewest: 7 }));
		expect(result.error).toBeUndefined();
		expect(removedNames(result.items)).toEqual(['2026-11-22', '2026-11-21']);
		const removed = entriesOf(result.items).find((entry) => entry.name === '2026-11-22');
		expect(removed).toMatchObject({
			kept: false,
			keptBy: [],
			removed: true,
			dryRun: false,
			retentionDateFrom: 'name',
			filesDeleted: 2,
			foldersDeleted: 2,
			parentId: nas,
		});
		expect(entriesOf(result.items)[0]).toMatchObject({ name: '2026-11-29', kept: true, keptBy: ['keepNewest'], removed: false });
		expect(subNames(nas)).toEqual(days.slice(2).sort());
		expect(sim.state.listFiles(0)).toHaveLength(filesBefore);
		expect(sim.state.getFolder(nas)).toBeDefined();
	});

	it('ranks folders without a date in their name by creation date', async () => {
		const nas = datedFolders([]);
		const make = (name: string, created: string) => (sim.state.createFolder(nas, name).createDate = created);
		make('oldest', '2025-01-01 10:00:00');
		make('2025-06-01', '2025-06-10 10:00:00');
		make('newer', '2025-07-01 10:00:00');
		const result = await runNode(sim, cleanUp({ keepNewest: 2 }));
		expect(result.error).toBeUndefined();
		expect(entriesOf(result.items).map((entry) => [entry.name, entry.retentionDateFrom, entry.kept])).toEqual([
			['newer', 'created', true],
			['2025-06-01', 'name', true],
			['oldest', 'created', false],
		]);
		expect(subNames(nas)).toEqual(['2025-06-01', 'newer']);
	});

	it('dry run outputs what would go and removes nothing', async () => {
		const nas = datedFolders(['2026-01-01', '2026-01-02', '2026-01-03']);
		sim.stats.reset();
		const result = await runNode(sim, cleanUp({ keepNewest: 1, options: { dryRun: true } }));
		expect(result.error).toBeUndefined();
		expect(entriesOf(result.items).map((entry) => [entry.name, entry.kept, entry.removed, entry.dryRun])).toEqual([
			['2026-01-03', true, false, true],
			['2026-01-02', false, false, true],
			['2026-01-01', false, false, true],
		]);
		expect(result.items[0].json).toMatchObject({ dryRun: true, entries: { seen: 3, kept: 1, removed: 2, undated: 0 } });
		expect(subNames(nas)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
		expect(sim.stats.byEndpoint['folder/rm.cgi']).toBeUndefined();
		expect(sim.stats.byEndpoint['file/rm.cgi']).toBeUndefined();
	});

	it('olderThanDays removes only entries no rule keeps that are also older than that', async () => {
		const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86400_000).toISOString().slice(0, 10);
		const nas = datedFolders([day(1), day(2), day(3), day(40), day(50)]);
		const result = await runNode(sim, cleanUp({ keepNewest: 2, options: { olderThanDays: 30 } }));
		expect(result.error).toBeUndefined();
		expect(removedNames(result.items)).toEqual([day(40), day(50)]);
		expect(entriesOf(result.items).find((entry) => entry.name === day(3))?.keptBy).toEqual(['olderThanDays']);
		expect(subNames(nas)).toEqual([day(1), day(2), day(3)].sort());
	});

	it('target files: keeps the newest files by name date, else by upload date; never touches sub-folders', async () => {
		const folder = sim.state.createFolder(0, 'dumps');
		const keepFolder = sim.state.createFolder(folder.id, 'keep-me');
		const at = (iso: string) => ({ date: new Date(iso) });
		sim.state.addFile(folder.id, 'db-2026-11-28.sql', 'x', at('2026-11-30T00:00:00Z'));
		sim.state.addFile(folder.id, 'db-2026-11-29.sql', 'x', at('2026-11-01T00:00:00Z'));
		sim.state.addFile(folder.id, 'db-2026-11-30.sql', 'x', at('2026-11-02T00:00:00Z'));
		sim.state.addFile(folder.id, 'undated-old.sql', 'x', at('2026-10-01T00:00:00Z'));
		sim.state.addFile(folder.id, 'undated-new.sql', 'x', at('2026-12-01T00:00:00Z'));
		const result = await runNode(
			sim,
			cleanUp({ target: 'files', keepNewest: 3, options: { listingIntervalSeconds: LISTING_INTERVAL } }, rl('id', String(folder.id))),
		);
		expect(result.error).toBeUndefined();
		expect(removedNames(result.items)).toEqual(['db-2026-11-28.sql', 'undated-old.sql']);
		expect(entriesOf(result.items).find((entry) => entry.filename === 'db-2026-11-28.sql')).toMatchObject({
			removed: true,
			retentionDateFrom: 'name',
			folderId: folder.id,
		});
		expect(namesIn(folder.id)).toEqual(['db-2026-11-29.sql', 'db-2026-11-30.sql', 'undated-new.sql']);
		expect(sim.state.getFolder(keepFolder.id)).toBeDefined();
	});

	it.each([0, -1, 2.5])('refuses keepNewest %p before any call, naming Keep Newest', async (keepNewest) => {
		datedFolders(['2026-01-01']);
		sim.stats.reset();
		const result = await runNode(sim, cleanUp({ keepNewest }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('"Keep Newest"');
		expect(sim.stats.requests).toBe(0);
	});

	it.each(['keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly', 'keepWithinDays'])('refuses a negative %s before any call', async (rule) => {
		datedFolders(['2026-01-01']);
		sim.stats.reset();
		const result = await runNode(sim, cleanUp({ keepNewest: 1, [rule]: -1 }));
		expect(result.error?.message).toMatch(/^"Keep (Daily|Weekly|Monthly|Yearly|Within \(Days\))" must be a whole number of at least 0/);
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses a negative olderThanDays and the root folder', async () => {
		const negative = await runNode(sim, cleanUp({ keepNewest: 3, options: { olderThanDays: -2 } }));
		expect(negative.error?.message).toContain('"Only Older Than (Days)"');
		// An expression is only known at run time: the node refuses the root itself.
		for (const root of [rl('id', '={{ 0 }}'), rl('path', '={{ "/" }}'), rl('list', '={{ "" }}')]) {
			const refused = await runNode(sim, cleanUp({ keepNewest: 3 }, root));
			expect(refused.error?.message).toMatch(/root folder cannot be cleaned up/);
		}
	});

	it('a workflow with the root as a fixed value does not start: n8n reports the Folder field', async () => {
		for (const root of [rl('id', '0'), rl('list', '0'), rl('path', '/')]) {
			await expect(runNode(sim, cleanUp({ keepNewest: 3 }, root))).rejects.toThrow(/never works on the root folder/);
		}
		expect(sim.stats.requests).toBe(0);
	});

	it('continueOnFail: a missing folder gives an error item, the next item still runs', async () => {
		const nas = datedFolders(['2026-01-01', '2026-01-02']);
		const result = await runNode(sim, cleanUp({ keepNewest: 1 }, rl('path', '={{ $json.folder }}')), {
			continueOnFail: true,
			items: [{ json: { folder: 'backups/missing' } }, { json: { folder: 'backups/nas' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.error).toMatch(/does not exist/);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items.slice(1).map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 1 }, { item: 1 }]);
		expect(result.items[3].json).toMatchObject({ name: '2026-01-01', removed: true });
		expect(subNames(nas)).toEqual(['2026-01-02']);
	});

	it('says what was already removed when a removal fails part-way', async () => {
		const nas = datedFolders([]);
		for (const day of ['2026-01-01', '2026-01-02', '2026-01-03']) sim.state.createFolder(nas, day);
		// 2026-01-02 goes first (newest of the two) and is empty; 2026-01-01's file removal then fails.
		sim.state.addFile(sim.state.listFolders(nas).find((f) => f.name === '2026-01-01')!.id, 'a.txt', 'a');
		// A flood answer that lasts longer than the node may wait.
		sim.faults.add({ match: 'file/rm.cgi', kind: 'html403', times: 50 });
		const result = await runNode(sim, cleanUp({ keepNewest: 1 }), {
			rateLimits: { requestSpacingMs: 10, floodWaitSeconds: 0.05, maxRetryWaitSeconds: 0.3 },
		});
		expect(result.error?.message).toMatch(/removed 1 of 2 entries, then failed/);
		expect(result.error?.description).toContain('Already removed: 2026-01-02');
		expect(subNames(nas)).toEqual(['2026-01-01', '2026-01-03']);
	});
});

describe('folder cleanUp: the summary item', () => {
	it('comes first and is there when nothing is removed, so the nodes after Clean Up still run', async () => {
		datedFolders(['2026-01-01', '2026-01-02']);
		const result = await runNode(sim, cleanUp({ keepNewest: 7 }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			folder: 'backups/nas',
			folderId: expect.any(Number),
			target: 'subfolders',
			dryRun: false,
			rules: { keepNewest: 7, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepWithinDays: 0 },
			entries: { seen: 2, kept: 2, removed: 0, undated: 0 },
			durationSeconds: expect.any(Number),
		});
		expect(entriesOf(result.items).map((entry) => [entry.name, entry.kept])).toEqual([
			['2026-01-02', true],
			['2026-01-01', true],
		]);
		expect(sim.stats.byEndpoint['folder/rm.cgi']).toBeUndefined();
	});

	it('an empty folder gives the summary alone', async () => {
		nasFolder();
		const result = await runNode(sim, cleanUp({ keepNewest: 3 }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.entries).toEqual({ seen: 0, kept: 0, removed: 0, undated: 0 });
	});
});

describe('folder cleanUp: entries without a readable date (issue 15)', () => {
	it('are never removed, even past olderThanDays, and are reported', async () => {
		const nas = datedFolders(['2026-01-01', '2026-01-02', '2026-01-03']);
		// 1fichier always gives a creation date; one it could not give, or in a form not read, must
		// not make the entry the oldest.
		sim.state.createFolder(nas, 'family-photos').createDate = '';
		sim.state.createFolder(nas, 'taxes').createDate = 'sometime';
		const result = await runNode(sim, cleanUp({ keepNewest: 1, options: { olderThanDays: 30 } }));
		expect(result.error).toBeUndefined();
		expect(subNames(nas)).toEqual(['2026-01-03', 'family-photos', 'taxes']);
		const undated = entriesOf(result.items).filter((entry) => entry.retentionDate === null);
		expect(undated.map((entry) => [entry.name, entry.kept, entry.keptBy, entry.removed])).toEqual([
			['taxes', true, ['noDate'], false],
			['family-photos', true, ['noDate'], false],
		]);
		expect(result.items[0].json.entries).toEqual({ seen: 5, kept: 3, removed: 2, undated: 2 });
	});

	it('files: an undated file is kept while older dated ones go', async () => {
		const folder = sim.state.createFolder(0, 'dumps');
		sim.state.addFile(folder.id, 'db-2026-11-28.sql', 'x');
		sim.state.addFile(folder.id, 'db-2026-11-29.sql', 'x');
		const undated = sim.state.addFile(folder.id, 'notes.txt', 'x');
		undated.date = 'not a date';
		const result = await runNode(
			sim,
			cleanUp({ target: 'files', keepNewest: 1, options: { listingIntervalSeconds: LISTING_INTERVAL } }, rl('id', String(folder.id))),
		);
		expect(result.error).toBeUndefined();
		expect(removedNames(result.items)).toEqual(['db-2026-11-28.sql']);
		expect(namesIn(folder.id)).toEqual(['db-2026-11-29.sql', 'notes.txt']);
	});
});

describe('folder cleanUp: calendar rules', () => {
	/** One dated dump a day through 2025, oldest uploaded first. */
	function yearOfDumps(): number {
		const folder = sim.state.createFolder(0, 'dumps');
		for (const day of daysOf2025().reverse()) {
			sim.state.addFile(folder.id, `db-2025-${day}.sql`, 'x', { date: new Date(`2025-${day}T00:00:00Z`) });
		}
		return folder.id;
	}

	it('a year of daily copies: newest 3, daily 7, weekly 4, monthly 6, yearly 2, within 10 days keep the copies worked out by hand', async () => {
		const folder = yearOfDumps();
		const rules = YEAR_RULES;
		const result = await runNode(
			sim,
			cleanUp({ target: 'files', ...rules, options: { listingIntervalSeconds: LISTING_INTERVAL } }, rl('id', String(folder))),
		);
		expect(result.error).toBeUndefined();
		// Worked out by hand (see YEAR_KEEPS).
		const expected = YEAR_KEEPS;
		const keptBy = Object.fromEntries(
			entriesOf(result.items)
				.filter((entry) => entry.kept)
				.map((entry) => [String(entry.filename).slice(8, 13), entry.keptBy]),
		);
		expect(keptBy).toEqual(expected);
		expect(namesIn(folder)).toEqual(Object.keys(expected).map((day) => `db-2025-${day}.sql`).sort());
		expect(result.items[0].json.entries).toEqual({ seen: 365, kept: 18, removed: 347, undated: 0 });
		expect(entriesOf(result.items).filter((entry) => entry.removed)).toHaveLength(347);
	});
});

describe('folder cleanUp: the root in the editor', () => {
	const description = new OneFichier().description;
	const properties = description.properties;
	const nodeWith = (folder: unknown): INode => ({
		id: 'n',
		name: 'Clean Up',
		type: 'n8n-nodes-1fichier.oneFichier',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'folder', operation: 'cleanUp', folder, target: 'subfolders', keepNewest: 7 } as never,
	});
	const folderIssues = (folder: unknown) => NodeHelpers.getNodeParametersIssues(properties, nodeWith(folder), description)?.parameters?.folder ?? [];

	it.each([
		['the root picked from the list', rl('list', '0')],
		['id 0', rl('id', '0')],
		['an empty path', rl('path', '')],
		['the path /', rl('path', ' / ')],
	])('flags %s on the Folder field', (_what, folder) => {
		expect(folderIssues(folder).join(' ')).toMatch(/never works on the root folder/);
	});

	it.each([
		['a folder from the list', rl('list', '3357645')],
		['a folder id', rl('id', '3357645')],
		['a path', rl('path', 'backups/nas')],
		['an expression', rl('path', '={{ $json.folder }}')],
	])('accepts %s', (_what, folder) => {
		expect(folderIssues(folder)).toEqual([]);
	});

	it('a new Clean Up node starts with no folder chosen, not the root', () => {
		const folder = properties.find((property) => property.name === 'folder' && property.displayOptions?.show?.operation?.includes('cleanUp'));
		expect(folder?.default).toEqual({ mode: 'list', value: '' });
		expect(folderIssues({ __rl: true, ...(folder?.default as object) }).length).toBeGreaterThan(0);
	});
});
