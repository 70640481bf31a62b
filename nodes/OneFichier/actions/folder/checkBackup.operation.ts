/**
 * Folder → Check Backup: is the copy on 1fichier complete and intact? Compares a local directory with
 * its backup without downloading (backup/check.ts), optionally downloads a random sample end to end.
 * Outputs a summary, then one item per difference, in rclone `check`'s categories.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callsOf, callsSince } from '../../api/callCounter';
import type { CheckOptions } from '../../backup/check';
import { checkBackup } from '../../backup/check';
import { openLocalTree } from '../../backup/localTree';
import { pathFilter } from '../../backup/pathFilter';
import { MAX_FAILURES_LISTED } from '../../backup/summary';
import { folderLocator } from '../../helpers/locators';
import { getClock } from '../../installation/clock';
import { listingIntervalMs, listingIntervalOption } from '../file/fileParameters';
import { resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['checkBackup'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Source Directory',
		name: 'sourceDirectory',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/mnt/nas/export',
		displayOptions: { show },
		description: 'The local directory on the n8n host that was backed up (n8n reads only under N8N_RESTRICT_FILE_ACCESS_TO)',
	},
	{
		...folderLocator('folder', 'Folder', 'The 1fichier folder holding its copy (e.g. backups/nas/2026-11-30)'),
		displayOptions: { show },
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
				displayName: 'Compare',
				name: 'compare',
				type: 'options',
				default: 'sizeAndDate',
				options: [
					{
						name: 'Size and Date',
						value: 'sizeAndDate',
						description:
							'Same size and not changed since its copy was uploaded: the same. Only files changed since are read, to compare their Whirlpool checksum.',
					},
					{ name: 'Checksum', value: 'checksum', description: 'Read every local file whose size matches and compare its Whirlpool checksum with 1fichier\'s' },
				],
			},
			{
				displayName: 'Exclude',
				name: 'exclude',
				type: 'string',
				default: '',
				placeholder: '*.tmp, cache/**',
				description: 'Glob patterns relative to the source directory, comma-separated: paths left out of the check on both sides',
			},
			{
				displayName: 'Include',
				name: 'include',
				type: 'string',
				default: '',
				placeholder: 'photos/**, *.pdf',
				description: 'Glob patterns relative to the source directory, comma-separated: when set, only the files matching them are checked',
			},
			{
				displayName: 'Include Hidden',
				name: 'includeHidden',
				type: 'boolean',
				default: false,
				description: 'Whether to also check names starting with a dot (as the backup, off by default)',
			},
			listingIntervalOption(),
			{
				displayName: 'Sample Downloads',
				name: 'sampleDownloads',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'How many files found the same to download, chosen at random, to check their bytes end to end against 1fichier\'s checksum and the local file. 0 downloads nothing.',
			},
		],
	},
];

interface CheckBackupOptions extends IDataObject {
	compare?: 'sizeAndDate' | 'checksum';
	sampleDownloads?: number;
	include?: string;
	exclude?: string;
	includeHidden?: boolean;
	listingIntervalSeconds?: number;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const startedAt = getClock().now();
	const callsBefore = callsOf(this);
	const options = this.getNodeParameter('options', itemIndex, {}) as CheckBackupOptions;
	const checkOptions = readCheckOptions(this, options, itemIndex);
	const root = await openLocalTree(this, String(this.getNodeParameter('sourceDirectory', itemIndex, '') ?? ''), itemIndex);
	const folder = await resolveFolder(this, 'folder', itemIndex);

	const result = await checkBackup(this, root, folder.id, checkOptions);

	const { counts } = result;
	const apiCallsByEndpoint = callsSince(this, callsBefore);
	const locator = this.getNodeParameter('folder', itemIndex) as { value?: unknown; cachedResultName?: string };
	const errors = result.differences.filter((difference) => difference.status === 'error');
	// The shape of Back Up's summary (backup/summary.ts), with the check's counts.
	const summary: IDataObject = {
		source: root.given,
		folder: folder.path ?? String(locator?.cachedResultName ?? locator?.value ?? folder.id),
		folderId: folder.id,
		mode: checkOptions.compare,
		dryRun: false,
		success: result.differences.length === 0,
		// Every path seen on either side, once.
		files: { seen: Object.values(counts).reduce((sum, count) => sum + count, 0), ...counts, hashed: result.hashed, superseded: result.superseded },
		bytes: { seen: result.localBytes, received: result.sample.bytes },
		sampled: result.sample,
		differences: result.differences.length,
		durationSeconds: Math.round((getClock().now() - startedAt) / 100) / 10,
		apiCalls: Object.values(apiCallsByEndpoint).reduce((sum, count) => sum + count, 0),
		apiCallsByEndpoint,
		failures: errors.slice(0, MAX_FAILURES_LISTED).map(({ path, reason }) => ({ path, reason })),
	};
	if (errors.length > MAX_FAILURES_LISTED) summary.failuresNotListed = errors.length - MAX_FAILURES_LISTED;
	if (result.differences.length > 0) {
		this.logger.warn(`1fichier Check Backup: ${result.differences.length} difference(s) between ${root.given} and its backup`);
	}
	return [{ json: summary }, ...result.differences.map((difference) => ({ json: { ...difference } as IDataObject }))];
}

function readCheckOptions(ctx: IExecuteFunctions, options: CheckBackupOptions, itemIndex: number): CheckOptions {
	const compare = options.compare ?? 'sizeAndDate';
	if (compare !== 'sizeAndDate' && compare !== 'checksum') {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'options.compare')} must be Size and Date or Checksum, got "${String(compare)}"`, { itemIndex });
	}
	const sampleDownloads = options.sampleDownloads ?? 0;
	if (typeof sampleDownloads !== 'number' || !Number.isInteger(sampleDownloads) || sampleDownloads < 0) {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'options.sampleDownloads')} must be a whole number (0 or more), got ${JSON.stringify(sampleDownloads)}`, {
			itemIndex,
		});
	}
	return {
		compare,
		sampleDownloads,
		filter: pathFilter({ include: options.include, exclude: options.exclude, includeHidden: options.includeHidden }),
		itemIndex,
		folderIntervalMs: listingIntervalMs(options),
	};
}
