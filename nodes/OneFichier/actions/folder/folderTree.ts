/** What several folder operations need: a folder locator read together with its parent, and root guards. */
import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { removeRemoteFiles } from '../../backup/remoteChanges';
import { folderPathParts, getFolderId, resolveFolderPath } from '../../helpers/locators';
import { parameterLabel } from '../../helpers/parameterLabels';
import { apiRequest } from '../../api/request';
import { toNumber } from '../../api/types';

export const ROOT_FOLDER_ID = 0;

export interface ResolvedFolder {
	id: number;
	/** Known when the folder was given by path (a folder/ls answer does not name the parent). */
	parentId?: number;
	/** Full path from the root, when the folder was given by path. */
	path?: string;
}

function locatorOf(ctx: IExecuteFunctions, parameterName: string, itemIndex: number): INodeParameterResourceLocator | undefined {
	const raw = ctx.getNodeParameter(parameterName, itemIndex) as unknown;
	return raw && typeof raw === 'object' && '__rl' in (raw as object) ? (raw as INodeParameterResourceLocator) : undefined;
}

/** Resolves a folder locator; in path mode also remembers its parent and its path. */
export async function resolveFolder(
	ctx: IExecuteFunctions,
	parameterName: string,
	itemIndex: number,
	options: { createMissing?: boolean } = {},
): Promise<ResolvedFolder> {
	const locator = locatorOf(ctx, parameterName, itemIndex);
	if (locator?.mode !== 'path') return { id: await getFolderId(ctx, parameterName, itemIndex, options) };

	const parts = folderPathParts(ctx, parameterName, String(locator.value ?? ''), itemIndex);
	if (parts.length === 0) return { id: ROOT_FOLDER_ID, path: '' };
	const path = parts.join('/');
	const parentId = await resolveFolderPath(ctx, parameterName, parts.slice(0, -1).join('/'), itemIndex, options);
	const id = await resolveFolderPath(ctx, parameterName, parts[parts.length - 1], itemIndex, options, parentId);
	return { id, parentId, path };
}

export function assertNotRoot(ctx: IExecuteFunctions, folderId: number, what: string, itemIndex: number): void {
	if (folderId === ROOT_FOLDER_ID) {
		throw new NodeOperationError(ctx.getNode(), `The root folder cannot be ${what}`, {
			itemIndex,
			description: `Choose a folder below the root in ${parameterLabel(ctx, 'folder')}.`,
		});
	}
}

/** One folder's own listing, with its files when asked (folder/ls `files: 1`, not file/ls: that one is limited to once per 30 s per folder). */
export async function listFolder(ctx: IExecuteFunctions, folderId: number, itemIndex: number, withFiles = false) {
	const listing = await apiRequest(
		ctx,
		'folder/ls.cgi',
		withFiles ? { folder_id: folderId, files: 1 } : { folder_id: folderId },
		{ itemIndex, subject: { folder: parameterLabel(ctx, 'folder') } },
	);
	const subFolders = listing.sub_folders ?? [];
	const files = listing.items ?? [];
	const fileCount = toNumber(listing.files) ?? files.length;
	return { listing, subFolders, files, fileCount };
}

/** folder/ls may cap its file list like file/ls (5,000); a listing that long is read again after deleting. */
const LISTING_CAP = 5000;

export interface DeletedCounts {
	filesDeleted: number;
	foldersDeleted: number;
}

/** file/rm in batches; returns how many 1fichier says it removed (the backup removes files the same way). */
export { removeRemoteFiles as removeFiles };

/** Bottom-up: the sub-folders (recursively), then the folder's files, then the folder itself. */
export async function deleteFolderTree(
	ctx: IExecuteFunctions,
	folderId: number,
	itemIndex: number,
	counts: DeletedCounts,
): Promise<void> {
	for (let pass = 0; ; pass++) {
		const { subFolders, files } = await listFolder(ctx, folderId, itemIndex, true);
		if (pass === 0) {
			for (const sub of subFolders) {
				const subId = toNumber(sub.id);
				if (subId !== undefined) await deleteFolderTree(ctx, subId, itemIndex, counts);
			}
		}
		counts.filesDeleted += await removeRemoteFiles(ctx, files.map((file) => file.url), itemIndex);
		if (files.length < LISTING_CAP) break;
	}
	await apiRequest(ctx, 'folder/rm.cgi', { folder_id: folderId }, { itemIndex, subject: { folder: parameterLabel(ctx, 'folder') } });
	counts.foldersDeleted++;
}
