/**
 * Retention: keep the entries of a folder (its sub-folders or its files) that a rule keeps and
 * remove the rest. Rules: the newest `keepNewest`, and restic-style calendar rules (the newest
 * entry of each of the last N days, weeks, months, years; everything within N days of the newest
 * entry), see backup/retention.ts. An entry is dated by a date in its name when it carries one
 * (dated backup folders), else by when 1fichier created it; an entry with neither is never removed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { dateInName, parseParisDate } from '../../api/dates';
import { walkFolder } from '../../api/listing';
import { toNumber } from '../../api/types';
import type { RetentionRule, RetentionRules } from '../../backup/retention';
import { applyRetention } from '../../backup/retention';
import { fileItem, folderItem } from '../../helpers/items';
import { folderLocator } from '../../helpers/locators';
import { listingIntervalMs, listingIntervalOption } from '../file/fileParameters';
import type { DeletedCounts, ResolvedFolder } from './folderTree';
import { assertNotRoot, deleteFolderTree, listFolder, removeFiles, resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['cleanUp'] };
const DAY_MS = 24 * 3600_000;

/** A folder id other than 0 (the root), as the picker and the By ID field hold it. */
const NOT_ROOT_ID = '\\s*0*[1-9]\\d*\\s*';
const NOT_ROOT_MESSAGE = 'Clean Up never works on the root folder: choose the folder that holds the copies';

/**
 * The folder picker without the root: each mode's value is checked in the editor (n8n shows the
 * message on the field and will not run the node), and again at run time for expressions.
 */
function folderBelowRootLocator(): INodeProperties {
	const locator = folderLocator(
		'folder',
		'Folder',
		'The folder whose entries to clean up (e.g. backups/nas, holding one sub-folder per copy); the folder itself is never removed, and the root cannot be chosen',
	);
	return {
		...locator,
		default: { mode: 'list', value: '' },
		modes: (locator.modes ?? []).map((mode) => ({
			...mode,
			validation: [
				...(mode.name === 'path' ? [] : (mode.validation ?? [])),
				{
					type: 'regex' as const,
					properties: {
						// A path with at least one name in it; an id that is not 0.
						regex: mode.name === 'path' ? '.*[^/\\s].*' : NOT_ROOT_ID,
						errorMessage: NOT_ROOT_MESSAGE,
					},
				},
			],
		})),
	};
}

function keepRule(name: Exclude<RetentionRule, 'keepNewest'>, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		displayOptions: { show },
		description: `${description} 0 turns this rule off`,
	};
}

export const description: INodeProperties[] = [
	{ ...folderBelowRootLocator(), displayOptions: { show } },
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
			'How many entries to keep, newest first: by the date in their name (e.g. 2026-11-30, 20261130) when they carry one, else by creation date. The rules below keep more.',
	},
	keepRule('keepDaily', 'Keep Daily', 'Also keep the newest entry of each of this many last days that have one.'),
	keepRule('keepWeekly', 'Keep Weekly', 'Also keep the newest entry of each of this many last weeks (Monday to Sunday) that have one.'),
	keepRule('keepMonthly', 'Keep Monthly', 'Also keep the newest entry of each of this many last months that have one.'),
	keepRule('keepYearly', 'Keep Yearly', 'Also keep the newest entry of each of this many last years that have one.'),
	keepRule(
		'keepWithinDays',
		'Keep Within (Days)',
		'Also keep every entry less than this many days older than the newest entry.',
	),
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
				description: 'Among the entries no rule keeps, remove only those older than this many days',
			},
		],
	},
];

interface CleanUpOptions extends IDataObject {
	dryRun?: boolean;
	olderThanDays?: number;
	listingIntervalSeconds?: number;
}

/** Why an entry stays: a rule, the Only Older Than option, or no readable date. */
type KeepReason = RetentionRule | 'olderThanDays' | 'noDate';

/** One sub-folder or file with the date that ranks it (none when neither its name nor 1fichier gives one). */
interface Entry {
	name: string;
	dateMs?: number;
	datedBy?: 'name' | 'created';
	item: IDataObject;
	folderId?: number;
	fileUrl?: string;
	keptBy: KeepReason[];
}

const RULE_PARAMETERS: Array<[RetentionRule, number]> = [
	['keepNewest', 7],
	['keepDaily', 0],
	['keepWeekly', 0],
	['keepMonthly', 0],
	['keepYearly', 0],
	['keepWithinDays', 0],
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const target = this.getNodeParameter('target', itemIndex, 'subfolders') as string;
	const rules = readRules(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as CleanUpOptions;
	assertSettings(this, target, options, itemIndex);

	const folder = await resolveFolder(this, 'folder', itemIndex);
	// Cleaning up the root by mistake would empty the account (an expression can still point there).
	assertNotRoot(this, folder.id, 'cleaned up', itemIndex);

	const entries =
		target === 'files' ? await fileEntries(this, folder.id, options, itemIndex) : await folderEntries(this, folder.id, itemIndex);
	const doomed = decide(this, entries, rules, options);

	const dryRun = options.dryRun === true;
	if (!dryRun) await removeEntries(this, doomed, itemIndex);
	const undated = entries.filter((entry) => entry.dateMs === undefined);
	if (undated.length > 0) {
		this.logger.warn(
			`1fichier Clean Up: ${undated.length} entr${undated.length === 1 ? 'y has' : 'ies have'} no readable date and ${undated.length === 1 ? 'was' : 'were'} kept: ${undated.map((entry) => entry.name).join(', ')}`,
		);
	}
	const locator = this.getNodeParameter('folder', itemIndex) as { value?: unknown; cachedResultName?: string };
	const label = String(locator?.cachedResultName ?? locator?.value ?? folder.id);
	const summary = summaryItem(folder, label, target, rules, options, entries, doomed.length, startedAt);
	return [summary, ...entries.map((entry) => entryItem(entry, dryRun))];
}

function readRules(ctx: IExecuteFunctions, itemIndex: number): RetentionRules {
	const rules = {} as RetentionRules;
	for (const [name, fallback] of RULE_PARAMETERS) {
		const value = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
		const least = name === 'keepNewest' ? 1 : 0;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
			throw new NodeOperationError(
				ctx.getNode(),
				`${parameterLabel(ctx, name)} must be a whole number of at least ${least}, got ${JSON.stringify(value)}`,
				{
					itemIndex,
					description:
						name === 'keepNewest'
							? 'Clean Up always keeps the newest entries: it never empties a folder. Use Folder → Delete for that.'
							: 'Set it to 0 to turn the rule off.',
				},
			);
		}
		rules[name] = value;
	}
	return rules;
}

function assertSettings(ctx: IExecuteFunctions, target: string, options: CleanUpOptions, itemIndex: number): void {
	if (target !== 'subfolders' && target !== 'files') {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'target')} must be Sub-Folders or Files, got "${target}"`, { itemIndex });
	}
	const days = options.olderThanDays;
	if (days !== undefined && (typeof days !== 'number' || !Number.isFinite(days) || days < 0)) {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'options.olderThanDays')} must be a number of days (0 or more), got ${JSON.stringify(days)}`, {
			itemIndex,
		});
	}
}

/**
 * Sets each entry's reasons to stay and returns those to remove: dated entries no rule keeps and,
 * with Only Older Than, older than that. Entries without a date are never removed.
 */
function decide(ctx: IExecuteFunctions, entries: Entry[], rules: RetentionRules, options: CleanUpOptions): Entry[] {
	entries.sort(newestEntryFirst);
	const dated = entries.filter((entry): entry is Entry & { dateMs: number } => entry.dateMs !== undefined);
	const keptBy = applyRetention(dated, rules, ctx.getTimezone(), Date.now());
	dated.forEach((entry, position) => entry.keptBy.push(...keptBy[position]));
	const cutoffMs = options.olderThanDays === undefined ? Infinity : Date.now() - options.olderThanDays * DAY_MS;
	const doomed: Entry[] = [];
	for (const entry of entries) {
		if (entry.dateMs === undefined) entry.keptBy.push('noDate');
		else if (entry.keptBy.length === 0 && entry.dateMs >= cutoffMs) entry.keptBy.push('olderThanDays');
		if (entry.keptBy.length === 0) doomed.push(entry);
	}
	return doomed;
}

/** Newest first by date (undated last); among equals, the greater name counts as newer. */
function newestEntryFirst(a: Entry, b: Entry): number {
	const aMs = a.dateMs ?? -Infinity;
	const bMs = b.dateMs ?? -Infinity;
	if (aMs !== bMs) return bMs > aMs ? 1 : -1;
	return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

function datedEntry(ctx: IExecuteFunctions, name: string, createdAt: string | undefined): Pick<Entry, 'dateMs' | 'datedBy'> {
	const fromName = dateInName(name, ctx.getTimezone());
	if (fromName !== undefined) return { dateMs: fromName, datedBy: 'name' };
	const created = parseParisDate(createdAt);
	return created === undefined ? {} : { dateMs: created, datedBy: 'created' };
}

async function folderEntries(ctx: IExecuteFunctions, parentId: number, itemIndex: number): Promise<Entry[]> {
	const { subFolders } = await listFolder(ctx, parentId, itemIndex);
	return subFolders.flatMap((sub) => {
		const id = toNumber(sub.id);
		if (id === undefined) return [];
		return [{ name: sub.name, ...datedEntry(ctx, sub.name, sub.create_date), item: folderItem(sub, parentId), folderId: id, keptBy: [] }];
	});
}

async function fileEntries(ctx: IExecuteFunctions, folderId: number, options: CleanUpOptions, itemIndex: number): Promise<Entry[]> {
	const files = await walkFolder(ctx, folderId, { limit: Infinity, itemIndex, intervalMs: listingIntervalMs(options) });
	return files.map((file) => ({
		name: file.filename,
		...datedEntry(ctx, file.filename, file.date),
		item: fileItem(file, folderId),
		fileUrl: file.url,
		keptBy: [],
	}));
}

function entryItem(entry: Entry, dryRun: boolean): INodeExecutionData {
	const kept = entry.keptBy.length > 0;
	return {
		json: {
			...entry.item,
			retentionDate: entry.dateMs === undefined ? null : new Date(entry.dateMs).toISOString(),
			retentionDateFrom: entry.datedBy ?? null,
			kept,
			keptBy: entry.keptBy,
			removed: !kept && !dryRun,
			dryRun,
		},
	};
}

function summaryItem(
	folder: ResolvedFolder,
	folderLabel: string,
	target: string,
	rules: RetentionRules,
	options: CleanUpOptions,
	entries: Entry[],
	removedCount: number,
	startedAt: number,
): INodeExecutionData {
	const dryRun = options.dryRun === true;
	const json: IDataObject = {
		folder: folder.path ?? folderLabel,
		folderId: folder.id,
		target,
		dryRun,
		rules: { ...rules, ...(options.olderThanDays === undefined ? {} : { olderThanDays: options.olderThanDays }) },
		entries: {
			seen: entries.length,
			kept: entries.length - removedCount,
			// In a dry run: what would be removed.
			removed: removedCount,
			undated: entries.filter((entry) => entry.dateMs === undefined).length,
		},
		durationSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
	};
	return { json };
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
