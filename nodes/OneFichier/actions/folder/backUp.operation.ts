/**
 * Folder → Back Up: a directory on the n8n host into a 1fichier folder, in one node. The engine is
 * in backup/ (engine.ts); this file reads the parameters, checks them before any call, and shapes
 * the output: one summary item per run, and one item per file acted on when asked.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callsOf } from '../../api/callCounter';
import type { BackupOutcome } from '../../backup/engine';
import { runBackup } from '../../backup/engine';
import type { BackupMode } from '../../backup/settings';
import { openLocalTree } from '../../backup/localTree';
import type { CompareMode } from '../../backup/decide';
import { pathFilter } from '../../backup/pathFilter';
import { folderLocator, resolveFolderPath } from '../../helpers/locators';
import { listingIntervalMs, listingIntervalOption } from '../file/fileParameters';
import { verifyChecksumOption } from '../common.descriptions';
import { resolveFolder, ROOT_FOLDER_ID } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['backUp'] };

export const DEFAULT_CLOCK_SKEW_MINUTES = 10;
export const MAX_PARALLEL_UPLOADS = 4;

export const description: INodeProperties[] = [
	{
		displayName: 'Source Directory',
		name: 'sourceDirectory',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /mnt/nas/export',
		description:
			'The directory on the n8n host to back up, with everything below it. n8n reads it only inside N8N_RESTRICT_FILE_ACCESS_TO; in queue mode it must exist on every worker.',
		displayOptions: { show },
	},
	{
		...folderLocator('folder', 'Folder', 'The 1fichier folder that receives the tree. By path, missing folders are created.'),
		displayOptions: { show },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'copy',
		displayOptions: { show },
		options: [
			{ name: 'Copy', value: 'copy', description: 'Add new files and replace changed ones; files deleted at the source stay in the copy' },
			{
				name: 'Mirror',
				value: 'mirror',
				description:
					'Also remove from the copy the files and folders whose source is gone (never after a failure, never when the source is empty, never more than Max Delete)',
			},
		],
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
				displayName: 'Clock Skew Margin (Minutes)',
				name: 'clockSkewMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1440 },
				default: DEFAULT_CLOCK_SKEW_MINUTES,
				description:
					"How far the n8n host's clock and 1fichier's may disagree. A file changed less than this long before its copy was made is sent again the next run.",
			},
			{
				displayName: 'Compare',
				name: 'compare',
				type: 'options',
				default: 'sizeAndDate',
				options: [
					{
						name: 'Size and Date',
						value: 'sizeAndDate',
						description: 'A file of the same size, not changed since its copy was made, is not read',
					},
					{
						name: 'Checksum',
						value: 'checksum',
						description:
							"Read every file whose size matches its copy's and compare Whirlpool checksums (catches edits that kept size and dates; reads the whole tree)",
					},
				],
			},
			{
				displayName: 'Copy Unchanged From',
				name: 'copyUnchangedFrom',
				type: 'string',
				default: '',
				placeholder: 'e.g. backups/nas/2026-11-30',
				description:
					'An earlier copy (a folder path or ID). A file unchanged since its copy there is copied on 1fichier instead of uploaded, so a new snapshot of an unchanged tree moves no bytes. Ignored when it does not exist.',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report what the run would do: nothing is created, sent, copied or removed',
			},
			{
				displayName: 'Exclude',
				name: 'exclude',
				type: 'string',
				default: '',
				placeholder: 'e.g. *.tmp, cache/**',
				description:
					'Glob patterns, relative to Source Directory, separated by commas. A pattern without a slash matches a name in any folder. Excluded files are neither sent nor removed.',
			},
			{
				displayName: 'Include',
				name: 'include',
				type: 'string',
				default: '',
				placeholder: 'e.g. *.{jpg,heic}, documents/**',
				description: 'Only files matching one of these glob patterns (separated by commas). Empty: every file.',
			},
			{
				displayName: 'Include Hidden',
				name: 'includeHidden',
				type: 'boolean',
				default: false,
				description: 'Whether to also back up files and folders whose name starts with a dot',
			},
			listingIntervalOption(),
			{
				displayName: 'Max Delete',
				name: 'maxDelete',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 100,
				description:
					'Mirror only: the most remote files one run may remove; above it the run removes nothing and fails. Without this option: a tenth of the copy, at least 100.',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'summary',
				options: [
					{ name: 'Summary', value: 'summary', description: 'One item: what the run did' },
					{
						name: 'Summary and Files',
						value: 'summaryAndFiles',
						description: 'The summary, then one item per file sent, copied, removed, skipped or failed',
					},
				],
			},
			{
				displayName: 'Parallel Uploads',
				name: 'parallelUploads',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_UPLOADS },
				default: 1,
				description:
					'How many uploads of one folder run at once, each to its own upload server. More helps only when one connection cannot fill the link.',
			},
			verifyChecksumOption(
				"Whether to compare each upload's Whirlpool checksum with 1fichier's. A copy that differs is deleted and the file sent once more.",
			),
		],
	},
];

interface BackUpOptions extends IDataObject {
	compare?: CompareMode;
	include?: string;
	exclude?: string;
	includeHidden?: boolean;
	copyUnchangedFrom?: string;
	maxDelete?: number;
	dryRun?: boolean;
	verifyChecksum?: boolean;
	output?: 'summary' | 'summaryAndFiles';
	clockSkewMinutes?: number;
	listingIntervalSeconds?: number;
	parallelUploads?: number;
}

/** A run that cannot start (no source, a refused setting) throws; the router turns it into an error item under Continue On Fail. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await backUp(this, itemIndex);
}

async function backUp(ctx: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const sourceDirectory = String(ctx.getNodeParameter('sourceDirectory', itemIndex, '') ?? '');
	const mode = ctx.getNodeParameter('mode', itemIndex, 'copy') as BackupMode;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as BackUpOptions;
	assertSettings(ctx, mode, options, itemIndex);
	const dryRun = options.dryRun === true;

	const callsBefore = callsOf(ctx);
	// The source is checked before any call: an unmounted NAS stops the run before it touches the copy.
	const root = await openLocalTree(ctx, sourceDirectory, itemIndex);
	const destination = await resolveDestination(ctx, itemIndex, dryRun);
	if (mode === 'mirror' && destination.id === ROOT_FOLDER_ID) {
		throw new NodeOperationError(ctx.getNode(), 'Mirror into the root folder is refused: it would remove every other file of the account', {
			itemIndex,
			description: `Choose a folder below the root in ${parameterLabel(ctx, 'folder')}.`,
		});
	}
	const copyFromId = await resolveCopySource(ctx, options.copyUnchangedFrom, destination.id, itemIndex);

	const outcome = await runBackup(ctx, {
		itemIndex,
		root,
		filter: pathFilter(options),
		destinationId: destination.id,
		destinationName: destination.name,
		mode,
		compare: options.compare ?? 'sizeAndDate',
		dryRun,
		verifyChecksum: options.verifyChecksum ?? true,
		copyFromId,
		maxDelete: options.maxDelete,
		clockSkewMs: (options.clockSkewMinutes ?? DEFAULT_CLOCK_SKEW_MINUTES) * 60_000,
		listingIntervalMs: listingIntervalMs(options),
		parallelUploads: options.parallelUploads ?? 1,
		keepFileItems: options.output === 'summaryAndFiles',
		callsBefore,
	});
	return outputOf(ctx, outcome, itemIndex);
}

function assertSettings(ctx: IExecuteFunctions, mode: string, options: BackUpOptions, itemIndex: number): void {
	const refuse = (message: string) => new NodeOperationError(ctx.getNode(), message, { itemIndex });
	const label = (path: string) => parameterLabel(ctx, path);
	if (mode !== 'copy' && mode !== 'mirror') throw refuse(`${label('mode')} must be Copy or Mirror, got "${mode}"`);
	if (options.compare !== undefined && options.compare !== 'sizeAndDate' && options.compare !== 'checksum') {
		throw refuse(`${label('options.compare')} must be Size and Date or Checksum, got "${options.compare}"`);
	}
	if (options.output !== undefined && options.output !== 'summary' && options.output !== 'summaryAndFiles') {
		throw refuse(`${label('options.output')} must be Summary or Summary and Files, got "${options.output}"`);
	}
	const numbers: Array<[keyof BackUpOptions, number]> = [
		['maxDelete', 0],
		['clockSkewMinutes', 0],
	];
	const parallel = options.parallelUploads;
	if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_UPLOADS)) {
		throw refuse(`${label('options.parallelUploads')} must be a whole number from 1 to ${MAX_PARALLEL_UPLOADS}, got ${JSON.stringify(parallel)}`);
	}
	for (const [name, min] of numbers) {
		const value = options[name];
		if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
			throw refuse(`${label(`options.${name}`)} must be a number of at least ${min}, got ${JSON.stringify(value)}`);
		}
	}
}

/** The destination folder; in a dry run a missing one is not created (the run then treats it as empty). */
async function resolveDestination(ctx: IExecuteFunctions, itemIndex: number, dryRun: boolean): Promise<{ id: number | undefined; name: string }> {
	const locator = ctx.getNodeParameter('folder', itemIndex) as { mode?: string; value?: unknown; cachedResultName?: string };
	const name = String(locator?.cachedResultName ?? locator?.value ?? '');
	if (!dryRun) return { id: (await resolveFolder(ctx, 'folder', itemIndex, { createMissing: true })).id, name };
	const missing = Symbol('missing');
	const found = await resolveFolder(ctx, 'folder', itemIndex).catch((error: Error) => {
		if (/does not exist/.test(error.message)) return missing;
		throw new NodeOperationError(ctx.getNode(), error, { itemIndex });
	});
	return { id: found === missing ? undefined : (found as { id: number }).id, name };
}

async function resolveCopySource(ctx: IExecuteFunctions, given: string | undefined, destinationId: number | undefined, itemIndex: number): Promise<number | undefined> {
	const text = (given ?? '').trim();
	if (text === '') return undefined;
	let id: number;
	try {
		id = /^\d+$/.test(text) ? Number(text) : await resolveFolderPath(ctx, 'options.copyUnchangedFrom', text, itemIndex, { createMissing: false });
	} catch (error) {
		ctx.logger.warn(`1fichier backup: ${parameterLabel(ctx, 'options.copyUnchangedFrom')} ${text} is not used: ${(error as Error).message}`);
		return undefined;
	}
	return id === destinationId ? undefined : id;
}

function outputOf(ctx: IExecuteFunctions, outcome: BackupOutcome, itemIndex: number): INodeExecutionData[] {
	const files = outcome.files.map((json) => ({ json }));
	if (!outcome.failed) return [{ json: outcome.summary }, ...files];
	const error = failureError(ctx, outcome.summary, itemIndex);
	// Continue On Fail: the error and the summary go on, for a notification. An item of only `error`
	// and `details` is what n8n routes to the node's error output ("Continue (using error output)").
	if (ctx.continueOnFail()) return [{ json: { error: error.message, details: outcome.summary } }, ...files];
	throw error;
}

/** The node's error after a run with failures: what failed in its message, the whole summary in its details. */
function failureError(ctx: IExecuteFunctions, summary: IDataObject, itemIndex: number): NodeOperationError {
	const files = summary.files as Record<string, number>;
	const failures = (summary.failures as Array<{ path: string; reason: string }>) ?? [];
	const first = failures
		.slice(0, 5)
		.map((failure) => `${failure.path || '(run)'}: ${failure.reason}`)
		.join('; ');
	const error = new NodeOperationError(
		ctx.getNode(),
		`Back Up of ${String(summary.source)} finished with ${failures.length + Number(summary.failuresNotListed ?? 0)} failure(s): ${first}`,
		{
			itemIndex,
			description:
				`${files.seen} files seen, ${files.sent} sent, ${files.copied} copied, ${files.unchanged} unchanged, ${files.removed} removed, ` +
				`${files.skipped} skipped, ${files.failed} failed. The run went on past each failure; the summary is in this error's context (summary).`,
		},
	);
	error.context.summary = summary;
	return error;
}
