/**
 * TEMPORARY (replaced by the backup's remote tree listing once it is merged): every file below a
 * 1fichier folder with the names of the folders leading to it, one folder/ls per folder.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { FILE_LS_CAP, walkFolder } from '../api/listing';
import { apiRequest } from '../api/request';
import { toNumber } from '../api/types';
import type { ApiFile } from '../api/types';
import { normaliseChecksum } from '../transfer/whirlpool';
import type { RemoteTreeFile } from './restorePlan';

export async function listRemoteTree(ctx: IExecuteFunctions, folderId: number, itemIndex: number): Promise<RemoteTreeFile[]> {
	const files: RemoteTreeFile[] = [];
	const queue: Array<{ id: number; names: string[] }> = [{ id: folderId, names: [] }];
	for (let folder = queue.shift(); folder; folder = queue.shift()) {
		const listing = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: folder.id, files: 1 }, { itemIndex, subject: { folder: 'folder' } });
		let items: ApiFile[] = listing.items ?? [];
		if (items.length >= FILE_LS_CAP) items = await walkFolder(ctx, folder.id, { limit: Infinity, itemIndex, intervalMs: 30_000 });
		for (const item of items) {
			files.push({
				folderNames: folder.names,
				url: item.url,
				filename: item.filename,
				size: toNumber(item.size),
				date: item.date,
				checksum: normaliseChecksum(item.checksum),
			});
		}
		for (const sub of listing.sub_folders ?? []) {
			const id = toNumber(sub.id);
			if (id !== undefined) queue.push({ id, names: [...folder.names, sub.name] });
		}
	}
	return files;
}
