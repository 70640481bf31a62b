/** Shapes shared by the remote-upload operations: a request's state read from remote/info. */
import type { IDataObject } from 'n8n-workflow';

import type { RemoteInfoResponse } from '../../transport/types';

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
	if (info) {
		item.requestDate = info.request_date ?? null;
		item.executionDate = isUnsetDate(info.execution_date) ? null : (info.execution_date ?? null);
	}
	return item;
}

/**
 * `YYYY-MM-DD HH:MM:SS` in French local time (how 1fichier writes dates) → epoch ms; undefined
 * when the text is not such a date.
 */
export function parseFrenchDate(text: string | undefined): number | undefined {
	const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec((text ?? '').trim());
	if (!match) return undefined;
	const [, y, mo, d, h, mi, s = '0'] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
	if (Number.isNaN(wall)) return undefined;
	const first = wall - parisOffsetMs(wall);
	return wall - parisOffsetMs(first);
}

const parisFormatter = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/Paris',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23',
});

function parisOffsetMs(ms: number): number {
	const whole = Math.floor(ms / 1000) * 1000;
	const parts: Record<string, number> = {};
	for (const part of parisFormatter.formatToParts(new Date(whole))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	return wall - whole;
}
