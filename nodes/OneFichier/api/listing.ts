/**
 * Listing a folder's files with file/ls: one call, paced per folder (1fichier allows one listing
 * of a folder per 30 s; the API door spaces all listings of a key by Rate Limits → Listing Spacing),
 * and the walk past the 5,000-item cap.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { getClock } from '../installation/clock';
import { claimListing, markListed } from '../pacing/listingGate';
import { cancelSignalOf } from './context';
import { getOneFichierCredentials } from './credentials';
import { shiftDate } from './dates';
import { apiRequest } from './request';
import type { ApiFile } from './types';

/** file/ls answers at most this many items (docs/1fichier-api.md §5). */
export const FILE_LS_CAP = 5000;

export interface ListWindow {
	sentBefore?: string;
	sentAfter?: string;
}

/**
 * One file/ls call. Waits first when this folder was listed less than `intervalMs` ago: 1fichier
 * refuses a second listing of a folder within 30 s as a flood, which would lock the whole key.
 */
export async function listFolderFiles(
	ctx: IExecuteFunctions,
	folderId: number,
	window: ListWindow,
	options: { itemIndex: number; intervalMs: number },
): Promise<ApiFile[]> {
	const credentials = await getOneFichierCredentials(ctx);
	const clock = getClock();
	const waitMs = await claimListing(credentials, folderId, options.intervalMs, ctx.logger);
	if (waitMs > 0) {
		ctx.logger.info(
			`1fichier: waiting ${(waitMs / 1000).toFixed(1)} s before listing folder ${folderId} again (1fichier allows one listing of a folder per 30 s)`,
		);
		await clock.sleep(waitMs, cancelSignalOf(ctx));
	}
	const body: { folder_id: number; sent_before?: string; sent_after?: string } = { folder_id: folderId };
	if (window.sentBefore) body.sent_before = window.sentBefore;
	if (window.sentAfter) body.sent_after = window.sentAfter;
	try {
		const answer = await apiRequest(ctx, 'file/ls.cgi', body, { itemIndex: options.itemIndex });
		return answer.items ?? [];
	} finally {
		// Counted from the answer, which the server saw after the call began: a safe margin.
		await markListed(credentials, folderId, clock.now(), ctx.logger);
	}
}

export interface WalkOptions {
	sentAfter?: string;
	sentBefore?: string;
	limit: number;
	itemIndex: number;
	intervalMs: number;
}

/**
 * file/ls has no paging: it answers at most 5,000 files (the newest ones). To go past that, ask
 * again for the files sent before the oldest one seen, until an answer is not full. The boundary
 * second is asked for again (several files may share it, some beyond the cap), and files are
 * de-duplicated by link, so each is returned exactly once. The same folder may be listed once per
 * 30 s only, so `listFolderFiles` waits between windows.
 */
export async function walkFolder(ctx: IExecuteFunctions, folderId: number, options: WalkOptions): Promise<ApiFile[]> {
	const seen = new Map<string, ApiFile>();
	let sentBefore = options.sentBefore;
	for (let window = 1; ; window++) {
		const items = await listFolderFiles(
			ctx,
			folderId,
			{ sentBefore, sentAfter: options.sentAfter },
			{ itemIndex: options.itemIndex, intervalMs: options.intervalMs },
		);
		let added = 0;
		for (const file of items) {
			if (!seen.has(file.url)) {
				seen.set(file.url, file);
				added++;
			}
		}
		if (items.length < FILE_LS_CAP || seen.size >= options.limit) break;

		const oldest = items.reduce((min, file) => (file.date < min ? file.date : min), items[0].date);
		let next = shiftDate(oldest, 1);
		if (added === 0) {
			// More than 5,000 files share the oldest second: asking again gives the same answer.
			ctx.logger.warn(
				`1fichier: more than ${FILE_LS_CAP} files of folder ${folderId} were uploaded within the second ${oldest}; files of that second beyond the cap may be missing`,
			);
			next = oldest;
			if (sentBefore === next) break;
		}
		if (sentBefore !== undefined && next > sentBefore) next = sentBefore;
		ctx.logger.info(
			`1fichier: folder ${folderId} holds more than ${FILE_LS_CAP} matching files (${seen.size} so far); listing window ${window + 1}, files sent before ${next}`,
		);
		sentBefore = next;
	}
	return [...seen.values()].sort(newestFirst).slice(0, options.limit);
}

/** Newest first; same date by URL, so the order is stable whatever order the API answered in. */
export function newestFirst(a: ApiFile, b: ApiFile): number {
	if (a.date !== b.date) return a.date < b.date ? 1 : -1;
	return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}
