/**
 * Retention: keep the newest `keepNewest` entries of a folder (its sub-folders or its files) and
 * remove the rest, optionally only those older than `olderThanDays`. An entry is dated by a date in
 * its name when it carries one (dated backup folders), else by when 1fichier created it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dateInName, parseParisDate } from '../../api/dates';
import { fileItem, folderItem } from '../../helpers/items';
import { folderLocator } from '../../helpers/locators';
import { toNumber } from '../../api/types';
import { listingIntervalMs, listingIntervalOption } from '../file/fileParameters';
import { walkFolder } from '../../api/listing';
import type { DeletedCounts } from './folderTree';
import { assertNotRoot, deleteFolderTree, listFolder, removeFiles, resolveFolder } from './folderTree';

const show = { resource: ['folder'], operation: ['cleanUp'] };
const DAY_MS = 24 * 3600_000;

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder whose entries to clean up; the folder itself is never removed'),
		displayOptions: { show },
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'options',
		default: 'subfolders',
		displayOptions: { show },
		options: [
			{ name: 'Sub-Folders', value: 'subfolders', description: 'Remove old sub-folders with everything in them' },
			{ name: 'Files', value: 'files', description: 'Remove old files of the folder (not of its sub-folders)' },
		],
	},
	{
		displayName: 'Keep Newest',
		name: 'keepNewest',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 7,
		required: true,
		displayOptions: { show },
		description:
			'How many entries to keep, newest first: by the date in their name (e.g. 2026-11-30, 20261130) when they carry one, else by creation date',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only output what would be removed, removing nothing',
			},
			listingIntervalOption(),
			{
				displayName: 'Only Older Than (Days)',
				name: 'olderThanDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				description: 'Among the entries beyond the newest ones kept, remove only those older than this many days',
			},
		],
	},
];

interface CleanUpOptions extends IDataObject {
	dryRun?: boolean;
	olderThanDays?: number;
	listingIntervalSeconds?: number;
}

/** One sub-folder or file with the date that ranks it. */
interface Entry {
	name: string;
	dateMs: number;
	datedBy: 'name' | 'created';
	item: IDataObject;
	folderId?: number;
	fileUrl?: string;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = this.getNodeParameter('target', itemIndex, 'subfolders') as string;
	const keepNewest = this.getNodeParameter('keepNewest', itemIndex, 7) as number;
	const options = this.getNodeParameter('options', itemIndex, {}) as CleanUpOptions;
	assertSettings(this, target, keepNewest, options, itemIndex);

	const folder = await resolveFolder(this, 'folder', itemIndex);
	// The folder picker defaults to the root: cleaning it up by mistake would empty the account.
	assertNotRoot(this, folder.id, 'cleaned up', itemIndex);

	const entries =
		target === 'files' ? await fileEntries(this, folder.id, options, itemIndex) : await folderEntries(this, folder.id, itemIndex);
	const cutoffMs = options.olderThanDays === undefined ? Infinity : Date.now() - options.olderThanDays * DAY_MS;
	const doomed = entries
		.sort(newestEntryFirst)
		.slice(keepNewest)
		.filter((entry) => entry.dateMs < cutoffMs);

	const dryRun = options.dryRun === true;
	if (!dryRun) await removeEntries(this, doomed, itemIndex);
	return doomed.map((entry) => ({
		json: {
			...entry.item,
			retentionDate: new Date(entry.dateMs).toISOString(),
			retentionDateFrom: entry.datedBy,
			removed: !dryRun,
			dryRun,
		},
	}));
}

function assertSettings(
	ctx: IExecuteFunctions,
	target: string,
	keepNewest: number,
	options: CleanUpOptions,
	itemIndex: number,
): void {
	if (target !== 'subfolders' && target !== 'files') {
		throw new NodeOperationError(ctx.getNode(), `"target" must be "subfolders" or "files", got "${target}"`, { itemIndex });
	}
	if (typeof keepNewest !== 'number' || !Number.isInteger(keepNewest) || keepNewest < 1) {
		throw new NodeOperationError(ctx.getNode(), `"keepNewest" must be a whole number of at least 1, got ${JSON.stringify(keepNewest)}`, {
			itemIndex,
			description: 'Clean Up always keeps the newest entries: it never empties a folder. Use Folder → Delete for that.',
		});
	}
	const days = options.olderThanDays;
	if (days !== undefined && (typeof days !== 'number' || !Number.isFinite(days) || days < 0)) {
		throw new NodeOperationError(ctx.getNode(), `"olderThanDays" must be a number of days (0 or more), got ${JSON.stringify(days)}`, {
			itemIndex,
		});
	}
}

/** Dated by name first, else by creation; among equals, the greater name counts as newer. */
function newestEntryFirst(a: Entry, b: Entry): number {
	if (a.dateMs !== b.dateMs) return b.dateMs - a.dateMs;
	return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

function datedEntry(ctx: IExecuteFunctions, name: string, createdAt: string | undefined): Pick<Entry, 'dateMs' | 'datedBy'> {
	const fromName = dateInName(name, ctx.getTimezone());
	if (fromName !== undefined) return { dateMs: fromName, datedBy: 'name' };
	// An entry with no date at all ranks oldest: 1fichier always gives one, so this is a safe default.
	return { dateMs: parseParisDate(createdAt) ?? 0, datedBy: 'created' };
}

async function folderEntries(ctx: IExecuteFunctions, parentId: number, itemIndex: number): Promise<Entry[]> {
	const { subFolders } = await listFolder(ctx, parentId, itemIndex);
	return subFolders.flatMap((sub) => {
		const id = toNumber(sub.id);
		if (id === undefined) return [];
		return [{ name: sub.name, ...datedEntry(ctx, sub.name, sub.create_date), item: folderItem(sub, parentId), folderId: id }];
	});
}

async function fileEntries(ctx: IExecuteFunctions, folderId: number, options: CleanUpOptions, itemIndex: number): Promise<Entry[]> {
	const files = await walkFolder(ctx, folderId, { limit: Infinity, itemIndex, intervalMs: listingIntervalMs(options) });
	return files.map((file) => ({
		name: file.filename,
		...datedEntry(ctx, file.filename, file.date),
		item: fileItem(file, folderId),
		fileUrl: file.url,
	}));
}

/**
 * Sub-folders one by one (bottom-up, with their contents), files in batches. A failure part-way says
 * what was already removed, so nothing is half-done silently.
 */
async function removeEntries(ctx: IExecuteFunctions, doomed: Entry[], itemIndex: number): Promise<void> {
	const removed: string[] = [];
	try {
		const urls = doomed.flatMap((entry) => (entry.fileUrl ? [entry.fileUrl] : []));
		if (urls.length > 0) {
			await removeFiles(ctx, urls, itemIndex);
			removed.push(...doomed.filter((entry) => entry.fileUrl).map((entry) => entry.name));
		}
		for (const entry of doomed) {
			if (entry.folderId === undefined) continue;
			const counts: DeletedCounts = { filesDeleted: 0, foldersDeleted: 0 };
			await deleteFolderTree(ctx, entry.folderId, itemIndex, counts);
			Object.assign(entry.item, counts);
			removed.push(entry.name);
		}
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Clean Up removed ${removed.length} of ${doomed.length} entries, then failed: ${(error as Error).message}`,
			{
				itemIndex,
				description: removed.length > 0 ? `Already removed: ${removed.join(', ')}` : 'Nothing was removed.',
			},
		);
	}
}
