/** The changes a backup makes on 1fichier besides uploads: folders created, copies made server-side, files and folders removed. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest } from '../api/request';
import { toNumber } from '../api/types';

/** Links per file/rm call. */
export const REMOVE_BATCH = 100;
/** Links per file/cp call (it takes many; one call per folder of a backup in most trees). */
export const COPY_BATCH = 200;

export async function createRemoteFolder(ctx: IExecuteFunctions, parentId: number, remoteName: string, itemIndex: number): Promise<number> {
	const created = await apiRequest(ctx, 'folder/mkdir.cgi', { name: remoteName, folder_id: parentId }, { itemIndex });
	const id = toNumber(created.folder_id);
	// Never fall back to the root: files meant for the new folder would land in the wrong place.
	if (id === undefined) {
		throw new NodeOperationError(ctx.getNode(), `1fichier did not return the id of the new folder "${remoteName}"`, { itemIndex });
	}
	return id;
}

/** file/rm in batches; returns how many 1fichier says it removed. */
export async function removeRemoteFiles(ctx: IExecuteFunctions, urls: string[], itemIndex: number): Promise<number> {
	let removed = 0;
	for (let start = 0; start < urls.length; start += REMOVE_BATCH) {
		const batch = urls.slice(start, start + REMOVE_BATCH);
		const answer = await apiRequest(ctx, 'file/rm.cgi', { files: batch.map((url) => ({ url })) }, { itemIndex });
		removed += toNumber(answer.removed) ?? batch.length;
	}
	return removed;
}

export async function removeRemoteFolder(ctx: IExecuteFunctions, folderId: number, itemIndex: number): Promise<void> {
	await apiRequest(ctx, 'folder/rm.cgi', { folder_id: folderId }, { itemIndex });
}

/**
 * Server-side copies (file/cp, many links per call) into `folderId`: returns each source link's new
 * link. A source 1fichier did not copy is absent from the map.
 */
export async function copyRemoteFiles(ctx: IExecuteFunctions, urls: string[], folderId: number, itemIndex: number): Promise<Map<string, string>> {
	const copies = new Map<string, string>();
	for (let start = 0; start < urls.length; start += COPY_BATCH) {
		const batch = urls.slice(start, start + COPY_BATCH);
		const answer = await apiRequest(ctx, 'file/cp.cgi', { urls: batch, folder_id: folderId }, { itemIndex });
		for (const pair of answer.urls ?? []) {
			if (pair && typeof pair.from_url === 'string' && typeof pair.to_url === 'string') copies.set(pair.from_url, pair.to_url);
		}
	}
	return copies;
}
