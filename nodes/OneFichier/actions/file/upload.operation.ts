import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { BINARY_ENCODING, NodeOperationError } from 'n8n-workflow';
import { Readable } from 'stream';

import { noteUploadFromDatabaseStore } from '../../installation/binaryStore';
import { fileItem } from '../../helpers/items';
import { folderLocator } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { apiRequest } from '../../api/request';
import type { StoredUpload, UploadSource } from '../../transfer/upload';
import { ringFileStream, TRANSFER_CHUNK_BYTES } from '../../transfer/streams';
import { MAX_FILE_SIZE } from '../../transfer/upload';
import type { ApiFile } from '../../api/types';
import { toNumber } from '../../api/types';
import { findUnchangedCopy } from './unchangedCopy';
import { assertValidPassword, listingIntervalMs, listingIntervalOption, show } from './fileParameters';
import { listFolderFiles, newestFirst } from '../../api/listing';
import { subPathBelowBase, uploadFolderId } from './baseDirectory';
import type { VerifiedUpload } from '../../transfer/verifiedTransfer';
import { uploadVerified } from '../../transfer/verifiedTransfer';
import { verifyChecksumOption } from '../common.descriptions';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
		displayOptions: show('upload'),
	},
	{
		...folderLocator(
			'folder',
			'Folder',
			'Where to store the file. By path, missing folders are created (e.g. backups/nas/2026).',
		),
		displayOptions: show('upload'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('upload'),
		options: [
			{
				displayName: 'Base Directory',
				name: 'baseDirectory',
				type: 'string',
				default: '',
				placeholder: 'e.g. /mnt/nas/export',
				description:
					'Keep the folder tree: the part of each file\'s directory (as recorded by Read/Write Files from Disk) below this directory is added to Folder, and missing folders are created. Empty: every file goes into Folder itself.',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description: 'Name to store the file under. Defaults to the binary file\'s name.',
			},
			{
				displayName: 'If a File With This Name Exists',
				name: 'ifExists',
				type: 'options',
				default: 'keepBoth',
				description: '1fichier allows several files with the same name in one folder',
				options: [
					{
						name: 'Keep Both',
						value: 'keepBoth',
						description: 'Upload anyway; the folder then holds both files',
					},
					{
						name: 'Replace',
						value: 'replace',
						description:
							'Upload, then delete the older files of that name once the new one is stored and verified (kept when it cannot be verified). Files stored by earlier items of this execution are never deleted.',
					},
					{
						name: 'Skip',
						value: 'skip',
						description: 'Do not upload; return the existing file with skipped: true',
					},
					{
						name: 'Update',
						value: 'update',
						description:
							'Skip when the folder holds this file with the same size and Whirlpool checksum (skipped: true, unchanged: true); otherwise upload, then delete the older files of that name as Replace does',
					},
				],
			},
			listingIntervalOption(),
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'Password needed to download the file (at least 6 characters)',
			},
			verifyChecksumOption(
				'Whether to compare the Whirlpool checksum 1fichier computes with that of the bytes sent. A copy that differs is deleted and the file sent once more; with Replace or Update, older files are deleted only once the new copy is verified (kept, with olderKept in the output, when 1fichier gives no checksum). Off: nothing is compared, and Replace or Update delete the older files once 1fichier confirms the new file\'s name and size.',
			),
		],
	},
];

interface UploadOptionValues extends IDataObject {
	fileName?: string;
	password?: string;
	ifExists?: 'keepBoth' | 'skip' | 'replace' | 'update';
	listingIntervalSeconds?: number;
	baseDirectory?: string;
	verifyChecksum?: boolean;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as UploadOptionValues;
	const ifExists = options.ifExists ?? 'keepBoth';
	const password = options.password ?? '';

	// Everything that can be refused is checked before any call: nothing is created or sent in vain.
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const fileName = options.fileName || binary.fileName || '';
	const fileNameOption = parameterLabel(this, 'options.fileName');
	if (fileName === '') {
		throw new NodeOperationError(this.getNode(), `The file in input binary field "${binaryPropertyName}" has no name`, {
			itemIndex,
			description: `Give it a name in ${fileNameOption}.`,
		});
	}
	const nameSource = options.fileName ? fileNameOption : `the name of the file in input binary field "${binaryPropertyName}"`;
	assertValidName(this.getNode(), nameSource, fileName, itemIndex, fileNameOption);
	if (password !== '') assertValidPassword(this, 'options.password', password, itemIndex, false);
	const subPath = subPathBelowBase(this, binary, options.baseDirectory, binaryPropertyName, itemIndex);
	const source = await uploadSource(this, binary, fileName);
	assertUploadableSize(this, binaryPropertyName, source.size, itemIndex);
	noteUploadFromDatabaseStore(this, binary, source.size);

	const folderId = await uploadFolderId(this, subPath, itemIndex);

	if (ifExists !== 'keepBoth') {
		const folder = await folderState(this, folderId, itemIndex, listingIntervalMs(options));
		const sameName = folder.files.filter((file) => file.filename === fileName);
		const collision = nameCollision(this, folder, sameName, fileName, folderId, itemIndex);
		if (ifExists === 'skip' && sameName.length > 0) {
			const existing = [...sameName].sort(newestFirst)[0];
			claim(folder, existing.url, itemIndex);
			return [{ json: { ...fileItem(existing, folderId), skipped: true, ...collision } }];
		}
		if (ifExists === 'update') {
			const unchanged = await findUnchangedCopy(this, sameName, source);
			if (unchanged) {
				claim(folder, unchanged.url, itemIndex);
				// Its Whirlpool was just compared with the local bytes' own: a verified copy.
				return [{ json: { ...fileItem(unchanged, folderId), skipped: true, unchanged: true, verified: true, ...collision } }];
			}
		}
		const older = sameName.filter((file) => !folder.claimed.has(file.url));
		return await uploadAndReplace(this, { source, folderId, itemIndex, options, ifExists, folder, older, collision });
	}
	return await uploadAndReplace(this, { source, folderId, itemIndex, options, ifExists, older: [] });
}

interface UploadPlan {
	source: UploadSource;
	folderId: number;
	itemIndex: number;
	options: UploadOptionValues;
	ifExists: NonNullable<UploadOptionValues['ifExists']>;
	/** The folder's listing in this execution; absent with keepBoth, which lists nothing. */
	folder?: FolderState;
	/** Same-name files stored before this execution: the ones replace and update may delete. */
	older: ApiFile[];
	/** Set when an earlier item of this execution stored or returned a file of this name here. */
	collision?: IDataObject;
}

async function uploadAndReplace(ctx: IExecuteFunctions, plan: UploadPlan): Promise<INodeExecutionData[]> {
	const { source, folderId, itemIndex, options, folder } = plan;
	const verify = options.verifyChecksum ?? true;
	const uploadOptions = { folderId, itemIndex, listingIntervalMs: listingIntervalMs(options) };
	const stored = await uploadVerified(ctx, source, uploadOptions, verify);
	// Recorded at once: whatever fails next, no later item of this execution takes it for an older copy.
	if (folder) recordUpload(folder, stored, itemIndex);
	const password = options.password ?? '';
	if (password !== '') {
		await apiRequest(ctx, 'file/chattr.cgi', { urls: [stored.url], pass: password }, { itemIndex });
	}

	const json: IDataObject = { ...uploadItem(stored, folderId), ...plan.collision };
	if (!replacesOlder(plan.ifExists)) return [{ json }];
	const keepReason = verify && !stored.verified ? UNVERIFIED_KEEP_REASON : undefined;
	if (plan.older.length > 0 && keepReason) {
		ctx.logger.warn(
			`1fichier: ${keepReason} ("${stored.filename}", ${stored.url}); the older files of that name were kept, not replaced: ${plan.older.map((file) => file.url).join(', ')}`,
		);
		return [{ json: { ...json, replaced: 0, olderKept: plan.older.length, olderKeptReason: keepReason } }];
	}
	json.replaced = await deleteOlder(ctx, plan.older, stored, itemIndex);
	if (folder) forget(folder, plan.older);
	return [{ json }];
}

/** Why replace and update keep the older copies when verification is on but found nothing to compare. */
const UNVERIFIED_KEEP_REASON = '1fichier gave no Whirlpool checksum for the new copy, so it was not verified';

/**
 * Listings made for `ifExists` in one execution, per folder. They are kept up to date as this node
 * uploads and deletes, so a batch into one folder lists it once rather than once per item
 * (1fichier allows one listing of a folder per 30 s, which would otherwise pace the batch).
 */
interface FolderState {
	files: ApiFile[];
	/**
	 * The copies earlier items of this execution stored, or returned as theirs (skip, unchanged),
	 * by link, with the item's index. They are that item's result: never deleted as "older".
	 */
	claimed: Map<string, number>;
}

const executionListings = new WeakMap<IExecuteFunctions, Map<number, FolderState>>();

async function folderState(ctx: IExecuteFunctions, folderId: number, itemIndex: number, intervalMs: number): Promise<FolderState> {
	let folders = executionListings.get(ctx);
	if (!folders) {
		folders = new Map();
		executionListings.set(ctx, folders);
	}
	let folder = folders.get(folderId);
	if (!folder) {
		folder = { files: await listFolderFiles(ctx, folderId, {}, { itemIndex, intervalMs }), claimed: new Map() };
		folders.set(folderId, folder);
	}
	return folder;
}

const replacesOlder = (ifExists: string) => ifExists === 'replace' || ifExists === 'update';

function claim(folder: FolderState, url: string, itemIndex: number): void {
	if (!folder.claimed.has(url)) folder.claimed.set(url, itemIndex);
}

function recordUpload(folder: FolderState, stored: StoredUpload, itemIndex: number): void {
	folder.files.push({ url: stored.url, filename: stored.filename, size: stored.size, date: '', checksum: stored.checksum });
	claim(folder, stored.url, itemIndex);
}

function forget(folder: FolderState, removed: ApiFile[]): void {
	const urls = new Set(removed.map((file) => file.url));
	folder.files = folder.files.filter((file) => !urls.has(file.url));
}

/**
 * Two items of one execution with the same name in the same folder (a/report.pdf and b/report.pdf
 * without Base Directory): the earlier item's file is kept whatever ifExists says, and the later
 * item says so. Undefined when there is no such collision.
 */
function nameCollision(
	ctx: IExecuteFunctions,
	folder: FolderState,
	sameName: ApiFile[],
	fileName: string,
	folderId: number,
	itemIndex: number,
): IDataObject | undefined {
	const earlier = sameName
		.filter((file) => folder.claimed.has(file.url))
		.map((file) => ({ item: folder.claimed.get(file.url)!, url: file.url }));
	if (earlier.length === 0) return undefined;
	ctx.logger.warn(
		`1fichier: item ${itemIndex} is named "${fileName}" like the file of item ${earlier.map((entry) => `${entry.item} (${entry.url})`).join(', ')} in folder ${folderId}, from this same execution; it is kept, not replaced. Set "Base Directory" to keep the source folders apart, or give the files distinct names.`,
	);
	return { nameCollision: true, nameCollisionWith: earlier };
}

function uploadItem(stored: VerifiedUpload, folderId: number): IDataObject {
	const item: IDataObject = {
		url: stored.url,
		filename: stored.filename,
		size: stored.size,
		checksum: stored.checksum ?? null,
		verified: stored.verified,
		folderId,
	};
	if (stored.resent) item.resent = true;
	return item;
}

/**
 * The bytes to send. A binary with an id lives in n8n's binary store: it is streamed from there and
 * never loaded whole. In filesystem mode the stored file is read through a reusable ring (n8n's
 * getBinaryStream allocates a chunk per read, see streams.ts); other stores (S3, database) go
 * through getBinaryStream. An inline binary is already in memory as base64.
 */
async function uploadSource(ctx: IExecuteFunctions, binary: IBinaryData, fileName: string): Promise<UploadSource> {
	if (binary.id) {
		const id = binary.id;
		const metadata = await ctx.helpers.getBinaryMetadata(id);
		const storedFile = /^filesystem(-v2)?:/.test(id) ? ctx.helpers.getBinaryPath(id) : undefined;
		return {
			fileName,
			size: metadata.fileSize,
			open: async () => (storedFile ? ringFileStream(storedFile) : await ctx.helpers.getBinaryStream(id, TRANSFER_CHUNK_BYTES)),
		};
	}
	const buffer = Buffer.from(binary.data, BINARY_ENCODING);
	return { fileName, size: buffer.length, open: async () => Readable.from([buffer]) };
}

function assertUploadableSize(ctx: IExecuteFunctions, binaryPropertyName: string, size: number, itemIndex: number): void {
	if (!Number.isFinite(size) || size <= 0) {
		throw new NodeOperationError(ctx.getNode(), `The file in input binary field "${binaryPropertyName}" is empty (0 bytes)`, {
			itemIndex,
			description: '1fichier does not store empty files: leave such files out before this node (e.g. with a Filter on the file size).',
		});
	}
	if (size > MAX_FILE_SIZE) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The file in input binary field "${binaryPropertyName}" is ${size} bytes, more than 1fichier's limit of 300 GB per file`,
			{ itemIndex, description: 'Split it into parts below 300 GB (e.g. a split archive) before uploading.' },
		);
	}
}

/**
 * Runs only after the new file is stored and, with Verify Checksum on, verified, so a failed or
 * unproven upload loses nothing.
 */
async function deleteOlder(
	ctx: IExecuteFunctions,
	older: ApiFile[],
	stored: StoredUpload,
	itemIndex: number,
): Promise<number> {
	const files = older.filter((file) => file.url !== stored.url).map((file) => ({ url: file.url }));
	if (files.length === 0) return 0;
	try {
		const answer = await apiRequest(ctx, 'file/rm.cgi', { files }, { itemIndex });
		return toNumber(answer.removed) ?? files.length;
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${stored.filename}" was uploaded (${stored.url}) but the older files of that name could not be deleted: ${(error as Error).message}`,
			{ itemIndex, description: `Older files: ${files.map((file) => file.url).join(', ')}` },
		);
	}
}
