import { EPOCH_DATE } from '../dates';
import { KoError } from '../errors';
import { INVENTED } from '../messages';
import { ROOT_FOLDER_ID } from '../state';
import type { ApiCall } from './call';
import { intParam, isRecord, requiredInt } from './call';

function urlsParam(call: ApiCall): string[] {
	const urls = call.body.urls;
	if (urls === undefined || urls === null) throw new KoError(INVENTED.missingParameter('urls'));
	const list = Array.isArray(urls) ? urls : [urls];
	if (list.length === 0 || !list.every((url) => typeof url === 'string' && url.trim() !== '')) {
		throw new KoError(INVENTED.invalidParameter('urls'));
	}
	return list.map((url) => (url as string).trim());
}

/** Extra request headers for the fetch (§2.6; their exact format is an open question, §7.5). */
function headersParam(call: ApiCall): Record<string, string> {
	const headers = call.body.headers;
	if (headers === undefined || headers === null) return {};
	if (!isRecord(headers)) throw new KoError(INVENTED.invalidParameter('headers'));
	return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

/** `POST /v1/remote/request.cgi` → `id` (int), `date`, `urls`, `headers` (§2.6). */
export function remoteRequest(call: ApiCall): Record<string, unknown> {
	const urls = urlsParam(call);
	const folderId = intParam(call.body, 'folder_id') ?? ROOT_FOLDER_ID;
	call.ctx.state.requireFolder(folderId);
	const headers = headersParam(call);
	const job = call.ctx.state.addRemoteJob(urls, folderId, headers);
	call.ctx.remote.schedule(job);
	return { status: 'OK', id: job.id, date: job.requestDate, urls, headers };
}

/** `POST /v1/remote/ls.cgi` → `data:[{id, request_date, execution_date}]`; pending = 1970 date. */
export function remoteLs(call: ApiCall): Record<string, unknown> {
	const data = call.ctx.state.remoteJobs().map((job) => ({
		id: job.id,
		request_date: job.requestDate,
		execution_date: job.executionDate ?? EPOCH_DATE,
	}));
	return { status: 'OK', data };
}

/** `POST /v1/remote/info.cgi` `{id}` (int or numeric string) (§2.6). `result` is empty until executed. */
export function remoteInfo(call: ApiCall): Record<string, unknown> {
	const job = call.ctx.state.remoteJob(requiredInt(call.body, 'id'));
	if (!job) throw new KoError(INVENTED.remoteJobNotFound);
	return {
		status: 'OK',
		id: job.id,
		request_date: job.requestDate,
		execution_date: job.executionDate ?? EPOCH_DATE,
		links: [...job.urls],
		result: job.done ? job.result.map((entry) => ({ ...entry })) : [],
	};
}
