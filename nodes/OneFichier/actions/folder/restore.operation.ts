/**
 * Folder → Restore: a 1fichier folder tree back into a local directory, creating directories,
 * through n8n's file-system helpers (its path restrictions and symlink rules hold). Remote names are
 * decoded and checked before any byte is written (backup/localPath.ts), each file arrives under a
 * temporary name and is renamed into place once complete and verified (backup/fileWriter.ts), and
 * of same-named copies the newest wins (backup/restorePlan.ts).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResolvedFilePath } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import path from 'path';

import { cancelSignalOf, throwIfCancelled } from '../../api/context';
import { callsOf, callsSince } from '../../api/callCounter';
import { isInside } from '../../backup/localPath';
import type { PlannedFile, RefusedEntry } from '../../backup/restorePlan';
import { planRestore } from '../../backup/restorePlan';
import { downloadToFile, removeStaleTemporaryFiles } from '../../backup/fileWriter';
import { resolveTargetDirectory, statIfPresent } from '../../backup/localDirectory';
import { RunProgress } from '../../backup/progress';
import { MAX_FAILURES_LISTED } from '../../backup/summary';
import { getClock } from '../../installation/clock';
import { folderLocator } from '../../helpers/locators';
import { whirlpoolOfStream } from '../../transfer/whirlpool';
import { verifyChecksumOption } from '../common.descriptions';
import { listingIntervalMs, listingIntervalOption } from '../file/fileParameters';
import { resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['restore'] };

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The 1fichier folder to restore, with everything below it (e.g. backups/nas/2026-11-30)'),
		displayOptions: { show },
	},
	{
		displayName: 'Target Directory',
		name: 'targetDirectory',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/home/node/restore',
		displayOptions: { show },
		description:
			'The local directory on the n8n host the tree is restored into (created as needed). n8n writes only under N8N_RESTRICT_FILE_ACCESS_TO. Restore into an empty directory first rather than over live files.',
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
				description: 'Whether to only report what would be restored, downloading and writing nothing',
			},
			listingIntervalOption(),
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'summary',
				options: [
					{ name: 'Summary', value: 'summary', description: 'One item with the counts, failures and refused names' },
					{ name: 'Summary and Files', value: 'summaryAndFiles', description: 'The summary, then one item per file of the backup' },
				],
			},
			{
				displayName: 'Overwrite',
				name: 'overwrite',
				type: 'options',
				default: 'ifDifferent',
				description: 'What to do when a file of the backup is already in the target directory',
				options: [
					{
						name: 'If Different',
						value: 'ifDifferent',
						description: 'Keep it when it has the same size and Whirlpool checksum (read only when the size matches); replace it otherwise',
					},
					{ name: 'Never', value: 'never', description: 'Keep every existing file as it is' },
					{ name: 'Always', value: 'always', description: 'Replace every existing file' },
				],
			},
			verifyChecksumOption('Whether to compare the Whirlpool of the bytes written with 1fichier\'s checksum; a file that differs is not put in place'),
		],
	},
];

type Overwrite = 'never' | 'ifDifferent' | 'always';

interface RestoreOptions extends IDataObject {
	dryRun?: boolean;
	listingIntervalSeconds?: number;
	output?: 'summary' | 'summaryAndFiles';
	overwrite?: Overwrite;
	verifyChecksum?: boolean;
}

type Action = 'restored' | 'wouldRestore' | 'unchanged' | 'skipped' | 'refused' | 'failed';

interface FileOutcome {
	path: string;
	action: Action;
	size: number | null;
	checksum: string | null;
	url: string | null;
	verified?: boolean;
	reason?: string;
	/** Older same-named copies that were not restored. */
	superseded?: string[];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const startedAt = getClock().now();
	const callsBefore = callsOf(this);
	const options = readOptions(this, itemIndex);
	const target = await resolveTargetDirectory(this, 'targetDirectory', itemIndex);
	const folder = await resolveFolder(this, 'folder', itemIndex);

	const tally = new Tally(options.output === 'summaryAndFiles');
	const refuse = (refusal: RefusedEntry) => {
		this.logger.warn(`1fichier Restore: "${refusal.path}" refused: ${refusal.reason}`);
		tally.add({ path: refusal.path, action: 'refused', size: null, checksum: null, url: refusal.url ?? null, reason: refusal.reason });
	};
	const progress = new RunProgress(this, 'Restore', 0, 0);
	const cleanedDirectories = new Set<string>();
	// A refused folder is not listed: it counts as one entry seen.
	const refuseFolder = (refusal: RefusedEntry) => {
		tally.seen++;
		refuse(refusal);
	};
	const walk = planRestore(this, folder.id, { itemIndex, folderIntervalMs: listingIntervalMs(options), onRefusedFolder: refuseFolder });
	for await (const plan of walk) {
		tally.seen += plan.listed;
		plan.refused.forEach(refuse);
		for (const planned of plan.files) {
			throwIfCancelled(this);
			tally.add(await restoreOne(this, planned, target, options, cleanedDirectories, itemIndex));
			progress.fileDone(Math.max(0, planned.remote.size));
		}
	}

	const summary = summaryItem(folderName(this, folder, itemIndex), folder.id, target, options, tally, callsSince(this, callsBefore), startedAt);
	const files = tally.items.map((outcome) => ({ json: { ...outcome } as IDataObject }));
	// A dry run reports what a restore would refuse; it does not fail for it.
	if (tally.counts.failed + tally.counts.refused === 0 || options.dryRun) return [{ json: summary }, ...files];
	const error = incompleteRestore(this, summary, itemIndex);
	// Continue On Fail: the error and the summary go on (as Back Up does), for a notification.
	if (this.continueOnFail()) return [{ json: { error: error.message, details: summary } }, ...files];
	throw error;
}

/** The folder as the user named it: its path, else the picker's name or the id given. */
function folderName(ctx: IExecuteFunctions, folder: { id: number; path?: string }, itemIndex: number): string {
	if (folder.path !== undefined) return folder.path;
	const locator = ctx.getNodeParameter('folder', itemIndex) as { value?: unknown; cachedResultName?: string };
	return String(locator?.cachedResultName ?? locator?.value ?? folder.id);
}

/** A restore that could not bring everything back fails, after going through every file: what failed in its message, the summary in its context. */
function incompleteRestore(ctx: IExecuteFunctions, summary: IDataObject, itemIndex: number): NodeOperationError {
	const files = summary.files as Record<string, number>;
	const failures = summary.failures as Array<{ path: string; reason: string }>;
	const first = failures
		.slice(0, 5)
		.map((failure) => `${failure.path}: ${failure.reason}`)
		.join('; ');
	const error = new NodeOperationError(
		ctx.getNode(),
		`Restore of ${String(summary.source)} is incomplete: ${files.failed} failed, ${files.refused} refused: ${first}`,
		{
			itemIndex,
			description:
				`${files.seen} files seen, ${files.restored} restored, ${files.unchanged} unchanged, ${files.skipped} skipped, ` +
				`${files.refused} refused, ${files.failed} failed. The restore went on past each one; nothing was written half. The summary is in this error's context (summary).`,
		},
	);
	error.context.summary = summary;
	return error;
}

/** The run's counts as files are done; the per-file items only when they are output. */
class Tally {
	seen = 0;
	readonly counts: Record<Action, number> = { restored: 0, wouldRestore: 0, unchanged: 0, skipped: 0, refused: 0, failed: 0 };
	bytesSeen = 0;
	bytesReceived = 0;
	readonly failures: Array<{ path: string; reason: string }> = [];
	failuresNotListed = 0;
	readonly superseded: Array<{ path: string; restored: string | null; notRestored: string[] }> = [];
	readonly items: FileOutcome[] = [];

	constructor(private readonly keepItems: boolean) {}

	add(outcome: FileOutcome): void {
		this.counts[outcome.action]++;
		this.bytesSeen += outcome.size ?? 0;
		if (outcome.action === 'restored') this.bytesReceived += outcome.size ?? 0;
		if (outcome.action === 'failed' || outcome.action === 'refused') {
			if (this.failures.length < MAX_FAILURES_LISTED) this.failures.push({ path: outcome.path, reason: outcome.reason ?? '' });
			else this.failuresNotListed++;
		}
		if (outcome.superseded) this.superseded.push({ path: outcome.path, restored: outcome.url, notRestored: outcome.superseded });
		if (this.keepItems) this.items.push(outcome);
	}
}

function readOptions(ctx: IExecuteFunctions, itemIndex: number): RestoreOptions {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as RestoreOptions;
	const overwrite = options.overwrite ?? 'ifDifferent';
	if (!['never', 'ifDifferent', 'always'].includes(overwrite)) {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'options.overwrite')} must be If Different, Never or Always, got "${String(overwrite)}"`, { itemIndex });
	}
	return { ...options, overwrite };
}

/** What is on disk under the file's path now. */
type LocalState = { kind: 'absent' } | { kind: 'file'; size: number } | { kind: 'other'; what: string };

async function localState(ctx: IExecuteFunctions, file: string): Promise<LocalState> {
	const stats = await statIfPresent(ctx, file);
	if (!stats) return { kind: 'absent' };
	if (stats.isFile()) return { kind: 'file', size: stats.size };
	return { kind: 'other', what: stats.isDirectory() ? 'a directory' : stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file' };
}

async function restoreOne(
	ctx: IExecuteFunctions,
	planned: PlannedFile,
	target: ResolvedFilePath,
	options: RestoreOptions,
	cleanedDirectories: Set<string>,
	itemIndex: number,
): Promise<FileOutcome> {
	const remote = planned.remote;
	const size = remote.size >= 0 ? remote.size : undefined;
	const checksum = remote.checksum;
	const outcome: FileOutcome = { path: planned.path, action: 'failed', size: size ?? null, checksum: checksum ?? null, url: remote.url };
	if (planned.superseded.length > 0) outcome.superseded = planned.superseded.map((copy) => copy.url);
	const file = path.join(target, ...planned.path.split('/')) as ResolvedFilePath;
	// Every step was checked when the tree was read; the whole path once more, before anything is written.
	if (!isInside(target, file) || file === target) {
		return { ...outcome, action: 'refused', reason: 'the path would leave the target directory' };
	}
	if (ctx.helpers.isFilePathBlocked(file)) {
		return { ...outcome, action: 'refused', reason: 'n8n\'s file access settings do not allow writing there' };
	}
	try {
		const decision = await decide(ctx, file, size, checksum, options.overwrite ?? 'ifDifferent');
		if (decision) return { ...outcome, ...decision };
		if (options.dryRun) return { ...outcome, action: 'wouldRestore' };

		await ctx.helpers.ensureParentDirectoryWithoutFollowingSymlinks(file);
		const directory = path.dirname(file);
		if (!cleanedDirectories.has(directory)) {
			cleanedDirectories.add(directory);
			await removeStaleTemporaryFiles(ctx, directory);
		}
		const written = await downloadToFile(ctx, {
			file: { url: remote.url, filename: remote.name, size, checksum },
			target: file,
			replace: options.overwrite !== 'never',
			verify: options.verifyChecksum !== false,
			itemIndex,
		});
		if (!written.placed) return { ...outcome, action: 'skipped', reason: 'a file appeared under this name during the restore; it was kept' };
		if (!written.verified && options.verifyChecksum !== false) {
			ctx.logger.warn(`1fichier Restore: no checksum for "${outcome.path}" (${remote.url}); it was checked by size only`);
		}
		return { ...outcome, action: 'restored', size: written.bytes, checksum: written.checksum, verified: written.verified };
	} catch (error) {
		throwIfCancelled(ctx);
		const reason = (error as Error).message;
		ctx.logger.warn(`1fichier Restore: "${outcome.path}" failed: ${reason}`);
		return { ...outcome, action: 'failed', reason };
	}
}

/** Skips the file when the overwrite rule keeps what is there; undefined when it is to be restored. */
async function decide(
	ctx: IExecuteFunctions,
	file: ResolvedFilePath,
	size: number | undefined,
	checksum: string | undefined,
	overwrite: Overwrite,
): Promise<Partial<FileOutcome> | undefined> {
	const local = await localState(ctx, file);
	if (local.kind === 'absent') return undefined;
	if (local.kind === 'other') return { action: 'refused', reason: `${local.what} is in the way; it was left as it is` };
	if (overwrite === 'never') return { action: 'skipped', reason: 'a file of this name exists (Overwrite: Never)' };
	if (overwrite === 'always' || size === undefined || local.size !== size || checksum === undefined) return undefined;
	const localChecksum = await whirlpoolOfStream(await ctx.helpers.createReadStream(file), cancelSignalOf(ctx));
	return localChecksum === checksum ? { action: 'unchanged' } : undefined;
}

function summaryItem(
	folder: string,
	folderId: number,
	target: string,
	options: RestoreOptions,
	tally: Tally,
	apiCallsByEndpoint: Record<string, number>,
	startedAt: number,
): IDataObject {
	const { counts } = tally;
	const summary: IDataObject = {
		// The shape of Back Up's summary (backup/summary.ts); a restore's source is the copy on 1fichier.
		source: folder,
		folder,
		folderId,
		targetDirectory: target,
		mode: options.overwrite,
		dryRun: options.dryRun === true,
		success: counts.failed + counts.refused === 0,
		files: {
			seen: tally.seen,
			restored: options.dryRun ? counts.wouldRestore : counts.restored,
			unchanged: counts.unchanged,
			skipped: counts.skipped,
			refused: counts.refused,
			failed: counts.failed,
			superseded: tally.superseded.reduce((sum, entry) => sum + entry.notRestored.length, 0),
		},
		bytes: { seen: tally.bytesSeen, received: tally.bytesReceived },
		durationSeconds: Math.round((getClock().now() - startedAt) / 100) / 10,
		apiCalls: Object.values(apiCallsByEndpoint).reduce((sum, count) => sum + count, 0),
		apiCallsByEndpoint,
		failures: tally.failures,
		superseded: tally.superseded,
	};
	if (tally.failuresNotListed > 0) summary.failuresNotListed = tally.failuresNotListed;
	return summary;
}
