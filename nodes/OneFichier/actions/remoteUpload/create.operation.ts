import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { folderLocator, getFolderId } from '../../helpers/locators';
import { UnknownOutcomeError, apiRequest } from '../../api/request';
import { REMOTE_REQUEST_ATTEMPTS } from '../../api/retryPolicy';
import type { RemoteRequestRequest, RemoteRequestResponse } from '../../api/types';
import { toNumber } from '../../api/types';
import { parseParisDate } from '../../api/dates';
import { requestItem } from './requestItem';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['remoteUpload'], operation: ['create'] };

const MAX_POLL_INTERVAL_MS = 30_000;
const POLL_BACKOFF = 1.5;
/** How many of the newest requests are inspected when a request's outcome is unknown. */
const RECOVERY_CANDIDATES = 5;
/** Slack between our clock and 1fichier's when matching a lost request by date. */
const CLOCK_SLACK_MS = 120_000;

export const description: INodeProperties[] = [
	{
		displayName: 'URLs',
		name: 'urls',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'https://example.com/file.zip',
		description:
			'The http(s) links 1fichier should download into your account, one per line. An expression may also give an array of links.',
		displayOptions: { show },
	},
	{
		...folderLocator('folder', 'Folder', 'The folder the downloaded files go to'),
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
				displayName: 'Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Header',
				default: {},
				description: 'Extra HTTP headers 1fichier sends when it fetches the links (e.g. a cookie or an authorization)',
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 2,
				description:
					'With Wait for Completion: first wait between two status checks; each wait is 1.5 times longer, up to 30 s',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 600,
				description: 'With Wait for Completion: how long to wait before failing with the links still pending',
			},
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait until 1fichier has fetched every link and output each link\'s result. Off: output the request ID at once.',
			},
		],
	},
];

interface CreateOptions {
	headers?: { header?: Array<{ name?: string; value?: string }> };
	waitForCompletion?: boolean;
	timeout?: number;
	pollIntervalSeconds?: number;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const urls = readUrls(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
	const headers = readHeaders(this, options, itemIndex);
	const folderId = await getFolderId(this, 'folder', itemIndex, { createMissing: true });

	const request: RemoteRequestRequest = { urls, folder_id: folderId };
	if (headers) request.headers = headers;
	const requestId = await submit(this, request, itemIndex);

	if (!options.waitForCompletion) return [{ json: requestItem(requestId, urls, undefined) }];
	return [{ json: await waitForCompletion(this, requestId, urls, options, itemIndex) }];
}

/** `urls` is text with one link per line, or an array when an expression gives one. */
function readUrls(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const raw = ctx.getNodeParameter('urls', itemIndex, '') as unknown;
	const list = (Array.isArray(raw) ? raw.map((value) => String(value ?? '')) : String(raw ?? '').split(/\r?\n/))
		.map((url) => url.trim())
		.filter((url) => url !== '');
	if (list.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'urls')} must contain at least one link`, {
			itemIndex,
			description: 'Give one http:// or https:// link per line, or an array of links from an expression.',
		});
	}
	for (const url of list) {
		let protocol = '';
		try {
			protocol = new URL(url).protocol;
		} catch {
			protocol = '';
		}
		if (protocol !== 'http:' && protocol !== 'https:') {
			throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'urls')} contains something that is not an http(s) link: "${url}"`, {
				itemIndex,
				description: 'Give one http:// or https:// link per line.',
			});
		}
	}
	return list;
}

function readHeaders(ctx: IExecuteFunctions, options: CreateOptions, itemIndex: number): Record<string, string> | undefined {
	const entries = options.headers?.header ?? [];
	if (entries.length === 0) return undefined;
	const headers: Record<string, string> = {};
	for (const entry of entries) {
		const name = String(entry.name ?? '').trim();
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
			throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, 'options.headers')} has an invalid header name: "${name}"`, {
				itemIndex,
				description: 'A header name is letters, digits and - (e.g. Referer or X-Token), without spaces or a colon.',
			});
		}
		headers[name] = String(entry.value ?? '');
	}
	return headers;
}

/**
 * remote/request.cgi is not idempotent: after a lost answer (5xx, dropped connection) the request
 * may exist already. Look for it among the newest requests before sending it a second time.
 */
async function submit(ctx: IExecuteFunctions, request: RemoteRequestRequest, itemIndex: number): Promise<number> {
	const startedAt = Date.now();
	for (let attempt = 0; ; attempt++) {
		const outcome = await sendRequest(ctx, request, itemIndex);
		if (!(outcome instanceof UnknownOutcomeError)) {
			const id = toNumber(outcome.id);
			if (id === undefined) {
				throw new NodeOperationError(ctx.getNode(), '1fichier accepted the remote upload but returned no request ID', {
					itemIndex,
				});
			}
			return id;
		}
		ctx.logger.warn(
			`1fichier: remote/request.cgi failed without a clear answer (${outcome.message}); checking whether the request was recorded`,
		);
		const existing = await findRecordedRequest(ctx, request.urls, startedAt, itemIndex);
		if (existing !== undefined) {
			ctx.logger.info(`1fichier: the remote upload was recorded as request ${existing}; not sending it again`);
			return existing;
		}
		if (attempt + 1 >= REMOTE_REQUEST_ATTEMPTS) {
			throw new NodeOperationError(ctx.getNode(), `1fichier: remote/request.cgi failed ${REMOTE_REQUEST_ATTEMPTS} times: ${outcome.message}`, {
				itemIndex,
				description:
					'1fichier did not answer the remote upload request and no matching request appears in the list of remote uploads. Try again later.',
			});
		}
	}
}

/** The answer, or the UnknownOutcomeError of a call whose effect is unknown; any other failure is thrown. */
async function sendRequest(
	ctx: IExecuteFunctions,
	request: RemoteRequestRequest,
	itemIndex: number,
): Promise<RemoteRequestResponse | UnknownOutcomeError> {
	return await apiRequest(ctx, 'remote/request.cgi', request, { itemIndex, idempotent: false }).catch(
		(error: unknown) => {
			if (error instanceof UnknownOutcomeError) return error;
			throw error;
		},
	);
}

async function findRecordedRequest(
	ctx: IExecuteFunctions,
	urls: string[],
	startedAt: number,
	itemIndex: number,
): Promise<number | undefined> {
	const listing = await apiRequest(ctx, 'remote/ls.cgi', {}, { itemIndex });
	const candidates = (listing.data ?? [])
		.filter((job) => {
			const requested = parseParisDate(job.request_date);
			return requested === undefined || requested >= startedAt - CLOCK_SLACK_MS;
		})
		.map((job) => toNumber(job.id))
		.filter((id): id is number => id !== undefined)
		.sort((a, b) => b - a)
		.slice(0, RECOVERY_CANDIDATES);
	const wanted = [...urls].sort().join('\n');
	for (const id of candidates) {
		const info = await apiRequest(ctx, 'remote/info.cgi', { id }, { itemIndex });
		if ([...(info.links ?? [])].sort().join('\n') === wanted) return id;
	}
	return undefined;
}

async function waitForCompletion(
	ctx: IExecuteFunctions,
	requestId: number,
	urls: string[],
	options: CreateOptions,
	itemIndex: number,
): Promise<IDataObject> {
	const timeoutMs = Math.max(0, options.timeout ?? 600) * 1000;
	const deadline = Date.now() + timeoutMs;
	let intervalMs = Math.max(0, options.pollIntervalSeconds ?? 2) * 1000;
	const signal = ctx.getExecutionCancelSignal();

	for (;;) {
		const info = await apiRequest(ctx, 'remote/info.cgi', { id: requestId }, { itemIndex });
		const item = requestItem(requestId, urls, info);
		if (item.status === 'finished') return item;

		const remaining = deadline - Date.now();
		const pending = (item.results as Array<{ url: string; status: string }>)
			.filter((result) => result.status === 'pending')
			.map((result) => result.url);
		if (remaining <= 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Remote upload request ${requestId} did not finish within ${Number((timeoutMs / 1000).toFixed(1))} s; still pending: ${pending.join(', ')}`,
				{
					itemIndex,
					description: `The request keeps running on 1fichier: read it later with Remote Upload → Get (request ID ${requestId}), or raise Options → Timeout.`,
				},
			);
		}
		const waitMs = Math.min(intervalMs, remaining);
		ctx.logger.info(
			`1fichier: remote upload ${requestId} has ${pending.length} of ${urls.length} links pending; checking again in ${(waitMs / 1000).toFixed(2)} s`,
		);
		await sleep(waitMs, signal);
		intervalMs = Math.min(Math.max(intervalMs * POLL_BACKOFF, 1), MAX_POLL_INTERVAL_MS);
	}
}
