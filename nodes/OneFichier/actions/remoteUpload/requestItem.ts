/** Shapes shared by the remote-upload operations: a request's state read from remote/info. */
import type { IDataObject } from 'n8n-workflow';

import type { RemoteInfoResponse } from '../../api/types';
import { requestDates } from '../../helpers/items';

/** A pending job's `execution_date` is the epoch (observed by the hospidy client). */
export function isUnsetDate(date: string | undefined | null): boolean {
	return !date || date.startsWith('1970-01-01') || date.startsWith('0000-00-00');
}

export interface UrlResult extends IDataObject {
	url: string;
	status: 'pending' | 'done' | 'failed';
	downloadUrl: string | null;
	message: string | null;
}

/** One result per requested URL, in the order they were requested; URLs 1fichier has not reported on are pending. */
export function urlResults(urls: string[], info: RemoteInfoResponse): UrlResult[] {
	const reported = [...(info.result ?? [])];
	return urls.map((url, index) => {
		let at = reported.findIndex((result) => result?.url === url);
		// Fall back on position when 1fichier reports a URL in another spelling (e.g. normalised).
		if (at === -1 && reported[index] && !urls.includes(reported[index].url)) at = index;
		if (at === -1) return { url, status: 'pending', downloadUrl: null, message: null };
		const result = reported[at];
		reported[at] = undefined as never;
		const ok = String(result.status).toUpperCase() === 'OK';
		return {
			url,
			status: ok ? 'done' : 'failed',
			downloadUrl: result.download_link || null,
			message: result.message || null,
		};
	});
}

export function requestItem(requestId: number, urls: string[], info: RemoteInfoResponse | undefined): IDataObject {
	const results = info ? urlResults(urls, info) : urls.map((url) => urlResults([url], {})[0]);
	const finished = results.every((result) => result.status !== 'pending');
	const item: IDataObject = {
		requestId,
		urls,
		status: finished ? 'finished' : 'pending',
		results,
	};
	if (info) Object.assign(item, requestDates(info.request_date, isUnsetDate(info.execution_date) ? null : info.execution_date));
	return item;
}

