/**
 * Searchable pickers. 1fichier has no search and no paging: folders are found by walking the tree
 * breadth-first from the root with folder/ls, a bounded number of listings per page so a picker
 * never floods the key; the pagination token carries the rest of the walk.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult, INodeParameterResourceLocator } from 'n8n-workflow';

import { resolveFolderPath } from '../helpers/locators';
import { apiRequest } from '../api/request';
import { applyRateLimitsOption } from '../helpers/rateLimits';
import { toNumber } from '../api/types';

/** folder/ls calls per page of the folder picker (at the default pacing about 10 s). */
const MAX_LISTINGS_PER_PAGE = 20;
/** A page stops early once it has this many matches. */
const PAGE_SIZE = 100;

const ROOT_ITEM: INodeListSearchItems = { name: '/ (Root)', value: '0' };

interface PendingFolder {
	id: number;
	path: string;
}

function encodeToken(queue: PendingFolder[]): string | undefined {
	return queue.length ? Buffer.from(JSON.stringify(queue)).toString('base64url') : undefined;
}

function decodeToken(token: string | undefined): PendingFolder[] | undefined {
	if (!token) return undefined;
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
		if (!Array.isArray(parsed)) return undefined;
		return parsed.filter(
			(entry): entry is PendingFolder =>
				typeof entry?.id === 'number' && typeof entry?.path === 'string',
		);
	} catch {
		return undefined;
	}
}

export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	applyRateLimitsOption(this);
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (path: string) => needle === '' || path.toLowerCase().includes(needle);
	const results: INodeListSearchItems[] = [];

	let queue = decodeToken(paginationToken);
	if (!queue) {
		queue = [{ id: 0, path: '' }];
		if (needle === '' || '/ (root)'.includes(needle) || 'root'.includes(needle)) results.push(ROOT_ITEM);
	}

	for (let listings = 0; listings < MAX_LISTINGS_PER_PAGE && queue.length > 0 && results.length < PAGE_SIZE; listings++) {
		const folder = queue.shift() as PendingFolder;
		const listing = await apiRequest(this, 'folder/ls.cgi', { folder_id: folder.id });
		for (const sub of listing.sub_folders ?? []) {
			const id = toNumber(sub.id);
			if (id === undefined) continue;
			const path = folder.path ? `${folder.path}/${sub.name}` : sub.name;
			queue.push({ id, path });
			if (matches(path)) results.push({ name: path, value: String(id) });
		}
	}
	return { results, paginationToken: encodeToken(queue) };
}

/** The folder chosen in the node's `folder` parameter (id or list mode; path mode resolved), else the root. */
async function currentFolderId(ctx: ILoadOptionsFunctions): Promise<number> {
	let locator: unknown;
	try {
		locator = ctx.getCurrentNodeParameter('folder');
	} catch {
		return 0;
	}
	if (!locator || typeof locator !== 'object') {
		return /^\s*\d+\s*$/.test(String(locator ?? '')) ? Number(locator) : 0;
	}
	const { mode, value } = locator as INodeParameterResourceLocator;
	const text = String(value ?? '').trim();
	if (text.startsWith('=')) return 0; // an expression: nothing to resolve it against here
	if (mode === 'path') return text ? await resolveFolderPath(ctx, 'folder', text, 0) : 0;
	return /^\d+$/.test(text) ? Number(text) : 0;
}

export async function searchFiles(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	applyRateLimitsOption(this);
	const folderId = await currentFolderId(this);
	// folder/ls with files, not file/ls: that one is limited to once per folder per 30 s.
	const listing = await apiRequest(this, 'folder/ls.cgi', { folder_id: folderId, files: 1 });
	const needle = (filter ?? '').trim().toLowerCase();
	const results = (listing.items ?? [])
		.filter((file) => needle === '' || file.filename.toLowerCase().includes(needle))
		.map((file) => ({ name: file.filename, value: file.url, url: file.url }));
	return { results };
}
