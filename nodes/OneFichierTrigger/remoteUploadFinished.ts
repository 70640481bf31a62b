/**
 * `remoteUploadFinished`: remote-upload requests (remote/ls) whose URLs all have a result. The
 * list gives each request's execution date (`1970-01-01 …` while pending); remote/info, which
 * holds the per-URL results, is called only for requests that finished since the last poll.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { apiRequest } from '../OneFichier/api/request';
import type { RemoteInfoResponse } from '../OneFichier/api/types';
import { toNumber } from '../OneFichier/api/types';
import { getClock } from '../OneFichier/installation/clock';
import { requestDates } from '../OneFichier/helpers/items';
import { pollDeadline } from './budget';
import type { RemoteState } from './state';

/** remote/info calls per poll at most; requests beyond wait for the next poll (nothing is lost, they stay pending). */
export const MAX_INFO_CALLS_PER_POLL = 25;

interface ListedRequest {
	id: number;
	requestDate: string | null;
	executionDate: string | null;
	pending: boolean;
}

export function isPendingDate(executionDate: unknown): boolean {
	if (typeof executionDate !== 'string') return true;
	const text = executionDate.trim();
	return text === '' || text.startsWith('1970-01-01') || text.startsWith('0000-00-00');
}

async function listRequests(ctx: IPollFunctions): Promise<ListedRequest[]> {
	const listing = await apiRequest(ctx, 'remote/ls.cgi', {});
	const requests: ListedRequest[] = [];
	for (const entry of listing.data ?? []) {
		const id = toNumber(entry?.id);
		if (id === undefined) continue;
		requests.push({
			id,
			requestDate: entry.request_date ?? null,
			executionDate: entry.execution_date ?? null,
			pending: isPendingDate(entry.execution_date),
		});
	}
	return requests.sort((a, b) => a.id - b.id);
}

/** Every URL of the request has its result (remote/info's `result` stays empty until then). */
function isComplete(info: RemoteInfoResponse): boolean {
	const results = info.result ?? [];
	const links = info.links ?? [];
	return results.length > 0 && results.length >= links.length;
}

function requestItem(request: ListedRequest, info: RemoteInfoResponse): IDataObject {
	return {
		requestId: request.id,
		...requestDates(info.request_date ?? request.requestDate, info.execution_date ?? request.executionDate),
		results: (info.result ?? []).map((result) => ({
			url: result.url ?? null,
			status: result.status ?? null,
			downloadUrl: result.download_link || null,
			message: result.message || null,
		})),
	};
}

async function finishedItem(ctx: IPollFunctions, request: ListedRequest): Promise<IDataObject | undefined> {
	const info = await apiRequest(ctx, 'remote/info.cgi', { id: request.id });
	return isComplete(info) ? requestItem(request, info) : undefined;
}

/**
 * One poll. Without a saved state it records the highest request id and the pending ones, and
 * emits nothing. Then a request is emitted once: when it is above the high-water mark or was
 * pending, and is now finished with every URL's result.
 */
export async function pollRemoteUploads(
	ctx: IPollFunctions,
	saved: RemoteState | undefined,
): Promise<{ items: IDataObject[]; state: RemoteState }> {
	const requests = await listRequests(ctx);
	const maxId = requests.reduce((max, request) => Math.max(max, request.id), saved?.maxId ?? 0);
	if (!saved) {
		return { items: [], state: { maxId, pending: requests.filter((r) => r.pending).map((r) => r.id) } };
	}

	const wasPending = new Set(saved.pending);
	const pending: number[] = [];
	const items: IDataObject[] = [];
	let infoCalls = 0;
	const deadline = pollDeadline(ctx);
	for (const request of requests) {
		if (request.id <= saved.maxId && !wasPending.has(request.id)) continue;
		if (request.pending || infoCalls >= MAX_INFO_CALLS_PER_POLL || (infoCalls > 0 && getClock().now() > deadline)) {
			pending.push(request.id);
			continue;
		}
		infoCalls++;
		const item = await finishedItem(ctx, request);
		if (item) items.push(item);
		else pending.push(request.id);
	}
	return { items, state: { maxId, pending } };
}

/** Manual test run: the newest finished request, so the user can map its fields. */
export async function newestFinishedRequest(ctx: IPollFunctions): Promise<IDataObject[]> {
	const finished = (await listRequests(ctx)).filter((request) => !request.pending).reverse();
	// A request just started shows an execution date before all its results are in: try a few.
	for (const request of finished.slice(0, 3)) {
		const item = await finishedItem(ctx, request);
		if (item) return [item];
	}
	return [];
}
