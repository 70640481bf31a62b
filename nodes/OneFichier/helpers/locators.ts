/**
 * Resource locators shared by the action node and the trigger, and the functions that turn a
 * locator value into what the API wants (a file's download URL, a folder's integer id).
 */
import type { IExecuteFunctions, INode, INodeProperties, INodeParameterResourceLocator, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest } from '../transport';
import { assertValidName } from './names';
import type { OneFichierContext } from '../transport';
import { toNumber } from '../transport/types';

/** The domains 1fichier serves links on (the `domain` table of the API reference, section 2.2). */
export const FICHIER_DOMAINS = [
	'1fichier.com',
	'alterupload.com',
	'cjoint.net',
	'desfichiers.com',
	'dfichiers.com',
	'megadl.fr',
	'mesfichiers.org',
	'piecejointe.net',
	'pjointe.com',
	'tenvoi.com',
	'dl4free.com',
];

const DOMAIN_ALTERNATION = FICHIER_DOMAINS.map((domain) => domain.replace(/\./g, '\\.')).join('|');
/** `https://1fichier.com/?<id>` on any domain (with optional www. and `&af=…`), or legacy `https://<id>.1fichier.com/`. */
export const FILE_URL_REGEX = `^https?://(?:www\\.)?(?:${DOMAIN_ALTERNATION})/\\?[a-zA-Z0-9]{5,20}(?:&.*)?$|^https?://[a-zA-Z0-9]{5,20}\\.1fichier\\.com/?$`;
const FILE_URL_PATTERN = new RegExp(FILE_URL_REGEX);

export function fileLocator(name: string, displayName: string, description?: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a file...',
				typeOptions: { searchListMethod: 'searchFiles', searchable: true },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'https://1fichier.com/?abcdefghij0123456789',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: FILE_URL_REGEX,
							errorMessage: 'Not a 1fichier file link (expected https://1fichier.com/?<id>)',
						},
					},
				],
			},
		],
	};
}

export function folderLocator(name: string, displayName: string, description?: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '0', cachedResultName: '/ (Root)' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a folder...',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '3357645 (0 is the root)',
				validation: [
					{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A folder ID is a whole number (0 is the root)' } },
				],
			},
			{
				displayName: 'By Path',
				name: 'path',
				type: 'string',
				placeholder: 'backups/nas/2026',
			},
		],
	};
}

type LocatorContext = IExecuteFunctions | IPollFunctions;

function readLocator(ctx: LocatorContext, parameterName: string, itemIndex: number): INodeParameterResourceLocator {
	const raw =
		'getInputData' in ctx
			? (ctx as IExecuteFunctions).getNodeParameter(parameterName, itemIndex)
			: (ctx as IPollFunctions).getNodeParameter(parameterName);
	if (raw && typeof raw === 'object' && '__rl' in (raw as object)) return raw as INodeParameterResourceLocator;
	// A plain value (e.g. from an AI tool) is read as an id or a URL.
	return { __rl: true, mode: /^\s*\d+\s*$/.test(String(raw)) ? 'id' : 'url', value: String(raw ?? '') };
}

/** Checks and normalises a file link: trims, drops `&af=…` and anything after `&`. */
export function normaliseFileUrl(ctx: OneFichierContext, parameterName: string, value: string, itemIndex?: number): string {
	const url = value.trim();
	if (!FILE_URL_PATTERN.test(url)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${parameterName}" is not a 1fichier file link: "${url}"`,
			{
				itemIndex,
				description:
					'Use the file\'s download link, e.g. https://1fichier.com/?abcdefghij0123456789 (any 1fichier domain, or the legacy https://<id>.1fichier.com/ form).',
			},
		);
	}
	return url.split('&')[0];
}

export function getFileUrl(ctx: IExecuteFunctions, parameterName: string, itemIndex: number): string {
	const locator = readLocator(ctx, parameterName, itemIndex);
	return normaliseFileUrl(ctx, parameterName, String(locator.value ?? ''), itemIndex);
}

export interface ResolveFolderOptions {
	/** For `path` mode: create missing folders on the way (upload, folder create). */
	createMissing?: boolean;
}

export async function getFolderId(
	ctx: LocatorContext,
	parameterName: string,
	itemIndex: number,
	options: ResolveFolderOptions = {},
): Promise<number> {
	const locator = readLocator(ctx, parameterName, itemIndex);
	const value = String(locator.value ?? '').trim();
	if (locator.mode === 'path') return await resolveFolderPath(ctx, parameterName, value, itemIndex, options);
	if (value === '') return 0;
	if (!/^\d+$/.test(value)) {
		throw new NodeOperationError(ctx.getNode(), `"${parameterName}" must be a folder ID (a whole number, 0 is the root), got "${value}"`, {
			itemIndex,
		});
	}
	return Number(value);
}

/**
 * The parts of a folder path, checked before any call: a leading or trailing slash is fine, an
 * empty part (`a//b`) or a name 1fichier refuses is an error naming the parameter.
 */
export function folderPathParts(node: INode, parameterName: string, path: string, itemIndex?: number): string[] {
	const trimmed = path.trim().replace(/^\/+|\/+$/g, '');
	if (trimmed === '') return [];
	const parts = trimmed.split('/').map((part) => part.trim());
	if (parts.includes('')) {
		throw new NodeOperationError(node, `"${parameterName}" path "${path}" has an empty part (two slashes in a row?)`, {
			itemIndex,
			description: 'Write folder paths like backups/nas/2026.',
		});
	}
	for (const part of parts) assertValidName(node, parameterName, part, itemIndex);
	return parts;
}

export function splitPath(path: string): string[] {
	return path
		.split('/')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

/** Walks a slash-separated path from the root, one folder/ls per level, creating what is missing if asked. */
export async function resolveFolderPath(
	ctx: OneFichierContext,
	parameterName: string,
	path: string,
	itemIndex: number,
	options: ResolveFolderOptions = {},
	startFolderId = 0,
): Promise<number> {
	// Paths resolved with createMissing in this execution are remembered: a batch uploading into one
	// dated folder walks the path once, not once per item.
	const parts = folderPathParts(ctx.getNode(), parameterName, path, itemIndex);
	const cacheKey = `${startFolderId}/${parts.join('/')}`;
	const cache = options.createMissing ? resolvedPathCache(ctx) : undefined;
	const cached = cache?.get(cacheKey);
	if (cached !== undefined) return cached;

	let folderId = startFolderId;
	for (const name of parts) {
		const listing = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: folderId }, { itemIndex, subject: { folder: parameterName } });
		const existing = (listing.sub_folders ?? []).find((folder) => folder.name === name);
		if (existing) {
			folderId = toNumber(existing.id) ?? 0;
			continue;
		}
		if (!options.createMissing) {
			throw new NodeOperationError(ctx.getNode(), `Folder "${name}" of "${parameterName}" path "${path}" does not exist`, {
				itemIndex,
			});
		}
		const created = await apiRequest(ctx, 'folder/mkdir.cgi', { name, folder_id: folderId }, {
			itemIndex,
			subject: { folder: parameterName },
		});
		folderId = toNumber(created.folder_id) ?? 0;
	}
	cache?.set(cacheKey, folderId);
	return folderId;
}

const resolvedPaths = new WeakMap<object, Map<string, number>>();

function resolvedPathCache(ctx: OneFichierContext): Map<string, number> {
	let cache = resolvedPaths.get(ctx);
	if (!cache) {
		cache = new Map();
		resolvedPaths.set(ctx, cache);
	}
	return cache;
}
