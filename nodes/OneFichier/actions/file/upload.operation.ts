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
						description: 'Upload, then delete the older files of that name once the new one is stored',
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
							'Skip when the folder holds this file with the same size and Whirlpool checksum (skipped: true, unchanged: true); otherwise upload, then delete the older files of that name',
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
				'Whether to compare the Whirlpool checksum 1fichier computes with that of the bytes sent. A copy that differs is deleted and the file sent once more.',
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
	if (fileName === '') {
		throw new NodeOperationError(this.getNode(), `The binary field "${binaryPropertyName}" has no file name`, {
			itemIndex,
			description: 'Set "File Name" in the options.',
		});
	}
	assertValidName(this.getNode(), options.fileName ? 'fileName' : `${binaryPropertyName} (file name)`, fileName, itemIndex);
	if (password !== '') assertValidPassword(this, 'password', password, itemIndex, false);
	const subPath = subPathBelowBase(this, binary, options.baseDirectory, binaryPropertyName, itemIndex);
	const source = await uploadSource(this, binary, fileName);
	assertUploadableSize(this, binaryPropertyName, source.size, itemIndex);
	noteUploadFromDatabaseStore(this, binary, source.size);

	const folderId = await uploadFolderId(this, subPath, itemIndex);

	let sameName: ApiFile[] = [];
	let listing: ApiFile[] = [];
	if (ifExists !== 'keepBoth') {
		listing = await folderListing(this, folderId, itemIndex, listingIntervalMs(options));
		sameName = listing.filter((file) => file.filename === fileName);
		if (ifExists === 'skip' && sameName.length > 0) {
			return [{ json: { ...fileItem([...sameName].sort(newestFirst)[0], folderId), skipped: true } }];
		}
		if (ifExists === 'update') {
			const unchanged = await findUnchangedCopy(this, sameName, source);
			// Its Whirlpool was just compared with the local bytes' own: a verified copy.
			if (unchanged) return [{ json: { ...fileItem(unchanged, folderId), skipped: true, unchanged: true, verified: true } }];
		}
	}

	const uploadOptions = { folderId, itemIndex, listingIntervalMs: listingIntervalMs(options) };
	const stored = await uploadVerified(this, source, uploadOptions, options.verifyChecksum ?? true);
	if (password !== '') {
		await apiRequest(this, 'file/chattr.cgi', { urls: [stored.url], pass: password }, { itemIndex });
	}

	const json: IDataObject = uploadItem(stored, folderId);
	if (replacesOlder(ifExists)) {
		json.replaced = await deleteOlder(this, sameName, stored, itemIndex);
	}
	if (ifExists !== 'keepBoth') recordUpload(listing, stored, sameName, ifExists);
	return [{ json }];
}

/**
 * Listings made for `ifExists` in one execution, per folder. They are kept up to date as this node
 * uploads and deletes, so a batch into one folder lists it once rather than once per item
 * (1fichier allows one listing of a folder per 30 s, which would otherwise pace the batch).
 */
const executionListings = new WeakMap<IExecuteFunctions, Map<number, ApiFile[]>>();

async function folderListing(ctx: IExecuteFunctions, folderId: number, itemIndex: number, intervalMs: number): Promise<ApiFile[]> {
	let listings = executionListings.get(ctx);
	if (!listings) {
		listings = new Map();
		executionListings.set(ctx, listings);
	}
	let listing = listings.get(folderId);
	if (!listing) {
		listing = await listFolderFiles(ctx, folderId, {}, { itemIndex, intervalMs });
		listings.set(folderId, listing);
	}
	return listing;
}

const replacesOlder = (ifExists: string) => ifExists === 'replace' || ifExists === 'update';

function recordUpload(listing: ApiFile[], stored: StoredUpload, sameName: ApiFile[], ifExists: string): void {
	if (replacesOlder(ifExists)) {
		const replaced = new Set(sameName.map((file) => file.url));
		for (let index = listing.length - 1; index >= 0; index--) {
			if (replaced.has(listing[index].url)) listing.splice(index, 1);
		}
	}
	listing.push({ url: stored.url, filename: stored.filename, size: stored.size, date: '', checksum: stored.checksum });
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
		throw new NodeOperationError(ctx.getNode(), `The file in "${binaryPropertyName}" is empty (0 bytes)`, {
			itemIndex,
			description: '1fichier does not store empty files.',
		});
	}
	if (size > MAX_FILE_SIZE) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The file in "${binaryPropertyName}" is ${size} bytes, more than 1fichier's limit of 300 GB per file`,
			{ itemIndex },
		);
	}
}

/** Runs only after the new file is stored and verified, so a failed upload loses nothing. */
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
