/**
 * Resource locators shared by the action node and the trigger, and the functions that turn a
 * locator value into what the API wants (a file's download URL, a folder's integer id).
 */
import type { IExecuteFunctions, INode, INodeProperties, INodeParameterResourceLocator, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest } from '../api/request';
import { assertValidName } from '../api/names';
import type { OneFichierContext } from '../api/context';
import { toNumber } from '../api/types';
import { parameterLabel } from './parameterLabels';

/** The domains 1fichier serves links on (the `domain` table of docs/1fichier-api.md §2.2). */
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
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, parameterName)} is not a 1fichier file link: "${url}"`, {
			itemIndex,
			description:
				'Use the file\'s download link, e.g. https://1fichier.com/?abcdefghij0123456789 (any 1fichier domain, or the legacy https://<id>.1fichier.com/ form), or pick the file From List.',
		});
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
		throw new NodeOperationError(
			ctx.getNode(),
			`${parameterLabel(ctx, parameterName)} must be a folder ID (a whole number, 0 is the root), got "${value}"`,
			{ itemIndex, description: 'Give the folder\'s ID, or choose the folder From List or By Path.' },
		);
	}
	return Number(value);
}

/**
 * The parts of a folder path, checked before any call: a leading or trailing slash is fine, an
 * empty part (`a//b`) or a name 1fichier refuses is an error naming the parameter.
 */
export function folderPathParts(ctx: { getNode(): INode }, parameterName: string, path: string, itemIndex?: number): string[] {
	const trimmed = path.trim().replace(/^\/+|\/+$/g, '');
	if (trimmed === '') return [];
	const parts = trimmed.split('/').map((part) => part.trim());
	const label = parameterLabel(ctx, parameterName);
	if (parts.includes('')) {
		throw new NodeOperationError(ctx.getNode(), `The path "${path}" in ${label} has an empty part (two slashes in a row?)`, {
			itemIndex,
			description: `Write folder paths in ${label} like backups/nas/2026.`,
		});
	}
	const partLabel = parts.length === 1 ? label : `a folder name in the path in ${label}`;
	for (const part of parts) assertValidName(ctx.getNode(), partLabel, part, itemIndex, label);
	return parts;
}

export function splitPath(path: string): string[] {
	return path
		.split('/')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

/**
 * Walks a slash-separated path down from `startFolderId` (the root by default), one folder/ls per
 * level, creating what is missing if asked.
 */
export async function resolveFolderPath(
	ctx: OneFichierContext,
	parameterName: string,
	path: string,
	itemIndex: number,
	options: ResolveFolderOptions = {},
	startFolderId = 0,
): Promise<number> {
	const parts = folderPathParts(ctx, parameterName, path, itemIndex);
	let folderId = startFolderId;
	for (const name of parts) {
		folderId = await childFolderId(ctx, parameterName, folderId, name, itemIndex, options.createMissing === true, () => {
			throw new NodeOperationError(ctx.getNode(), `The folder "${name}" of the path "${path}" in ${parameterLabel(ctx, parameterName)} does not exist`, {
				itemIndex,
				description: 'Check the path (names are case-sensitive), or create the folder first with Folder → Create.',
			});
		});
	}
	return folderId;
}

/**
 * The id of the sub-folder `name` of `parentId`, created when missing and `createMissing` is set.
 * With `createMissing` (uploads, folder create), each parent's sub-folders are listed once per
 * execution and folders made here are added to that memory: a batch uploading a whole directory
 * tree lists or creates each folder once, not once per file.
 */
async function childFolderId(
	ctx: OneFichierContext,
	parameterName: string,
	parentId: number,
	name: string,
	itemIndex: number,
	createMissing: boolean,
	onMissing: () => never,
): Promise<number> {
	const call = { itemIndex, subject: { folder: parameterLabel(ctx, parameterName) } };
	const children = createMissing ? await knownChildren(ctx, parentId, call) : await listChildren(ctx, parentId, call);
	const existing = children.get(name);
	if (existing !== undefined) return existing;
	if (!createMissing) onMissing();
	const created = await apiRequest(ctx, 'folder/mkdir.cgi', { name, folder_id: parentId }, call);
	const id = toNumber(created.folder_id);
	// Never fall back to the root: files meant for the new folder would land in the wrong place.
	if (id === undefined) {
		throw new NodeOperationError(ctx.getNode(), `1fichier did not return the id of the new folder "${name}"`, { itemIndex });
	}
	children.set(name, id);
	return id;
}

/** Which item and parameter a folder call serves (errors name them). */
interface FolderCall {
	itemIndex: number;
	subject: { folder: string };
}

async function listChildren(ctx: OneFichierContext, parentId: number, call: FolderCall): Promise<Map<string, number>> {
	const listing = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: parentId }, call);
	const children = new Map<string, number>();
	for (const folder of listing.sub_folders ?? []) {
		const id = toNumber(folder.id);
		if (id !== undefined && !children.has(folder.name)) children.set(folder.name, id);
	}
	return children;
}

/** Sub-folders by name, per parent, for the current execution (keyed by its context). */
const executionFolders = new WeakMap<object, Map<number, Promise<Map<string, number>>>>();

async function knownChildren(ctx: OneFichierContext, parentId: number, call: FolderCall): Promise<Map<string, number>> {
	const parents = executionFolders.get(ctx) ?? new Map<number, Promise<Map<string, number>>>();
	executionFolders.set(ctx, parents);
	let children = parents.get(parentId);
	if (!children) {
		children = listChildren(ctx, parentId, call);
		parents.set(parentId, children);
		// A failed listing is not remembered: the next item asks again.
		children.catch(() => parents.delete(parentId));
	}
	return await children;
}
