import type { IDataObject, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { rateLimitsOption } from '../OneFichier/actions/common.descriptions';
import { folderLocator, getFolderId } from '../OneFichier/helpers/locators';
import { describeNodeType } from '../OneFichier/helpers/parameterLabels';
import { applyRateLimitsOption } from '../OneFichier/helpers/rateLimits';
import { testOnlyOption } from '../OneFichier/installation/testSettings';
import { listSearch } from '../OneFichier/methods';
import { oneFichierApiTest } from '../OneFichier/api/credentialTest';
import type { FileAddedSettings } from './fileAdded';
import { newestFile, pollFileAdded } from './fileAdded';
import { newestFinishedRequest, pollRemoteUploads } from './remoteUploadFinished';
import { loadState, saveState, STATE_VERSION } from './state';

const DEFAULT_MIN_LISTING_INTERVAL_SECONDS = 30;
const DEFAULT_OVERLAP_SECONDS = 1;

function secondsOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

async function fileAddedSettings(ctx: IPollFunctions): Promise<FileAddedSettings> {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return {
		rootId: await getFolderId(ctx, 'folder', 0),
		includeSubfolders: ctx.getNodeParameter('includeSubfolders', false) as boolean,
		minListingIntervalMs:
			secondsOption(options, 'minListingIntervalSeconds', DEFAULT_MIN_LISTING_INTERVAL_SECONDS) * 1000,
		overlapSeconds: Math.ceil(secondsOption(options, 'overlapSeconds', DEFAULT_OVERLAP_SECONDS)),
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		required: true,
		default: 'fileAdded',
		options: [
			{
				name: 'File Added',
				value: 'fileAdded',
				description: 'A new file appears in the folder',
			},
			{
				name: 'Remote Upload Finished',
				value: 'remoteUploadFinished',
				description: 'A remote upload request has fetched all its URLs (one item per request, with each URL\'s result)',
			},
		],
	},
	{
		...folderLocator('folder', 'Folder', 'The folder to watch'),
		displayOptions: { show: { event: ['fileAdded'] } },
	},
	{
		displayName: 'Include Subfolders',
		name: 'includeSubfolders',
		type: 'boolean',
		default: false,
		description:
			'Whether to also watch the folders inside it, at any depth. Each watched folder costs two API calls per poll.',
		displayOptions: { show: { event: ['fileAdded'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { event: ['fileAdded'] } },
		options: [
			{
				displayName: 'Date Overlap (Seconds)',
				name: 'overlapSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_OVERLAP_SECONDS,
				description:
					'Each poll lists files dated from this long before the newest file already seen (1fichier dates have one-second resolution). Raise it if files can show up in listings later than their date.',
			},
			// For tests against a simulator only: out of the editor unless set (installation/testSettings.ts).
			testOnlyOption({
				displayName: 'Min Listing Interval (Seconds)',
				name: 'minListingIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_MIN_LISTING_INTERVAL_SECONDS,
				description:
					'For tests against a local 1fichier simulator: a folder listed more recently than this is skipped until the next poll. 1fichier allows one listing of a folder per 30 s; less gets the API key locked.',
			}),
		],
	},
	rateLimitsOption,
];

// Errors name parameters as the editor shows them, read from this description (OneFichier/helpers/parameterLabels.ts).
describeNodeType('oneFichierTrigger', properties);

export class OneFichierTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: '1fichier Trigger',
		name: 'oneFichierTrigger',
		icon: { light: 'file:../../icons/1fichier.svg', dark: 'file:../../icons/1fichier.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "remoteUploadFinished" ? "Remote Upload Finished" : "File Added"}}',
		description: 'Starts the workflow when a file is added to a 1fichier folder or a remote upload finishes',
		defaults: { name: '1fichier Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'oneFichierApi', required: true, testedBy: 'oneFichierApiTest' }],
		properties,
	};

	methods = { listSearch, credentialTest: { oneFichierApiTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		applyRateLimitsOption(this);
		const event = this.getNodeParameter('event') as string;
		const manual = this.getMode() === 'manual';
		let items: IDataObject[];

		if (event === 'remoteUploadFinished') {
			const watch = 'remoteUploadFinished';
			const saved = loadState(this, watch);
			if (manual) {
				items = await newestFinishedRequest(this);
			} else {
				const result = await pollRemoteUploads(this, saved?.remote);
				saveState(this, { version: STATE_VERSION, watch, remote: result.state });
				items = result.items;
			}
		} else {
			const settings = await fileAddedSettings(this);
			const watch = `fileAdded:${settings.rootId}:${settings.includeSubfolders ? 'tree' : 'folder'}`;
			const saved = loadState(this, watch);
			if (manual) {
				items = await newestFile(this, settings, saved?.fileAdded);
			} else {
				const result = await pollFileAdded(this, settings, saved?.fileAdded);
				// Only now, with every listing of the poll answered, does the state move on.
				saveState(this, { version: STATE_VERSION, watch, fileAdded: result.state });
				items = result.items;
			}
		}

		return items.length > 0 ? [this.helpers.returnJsonArray(items)] : null;
	}
}
