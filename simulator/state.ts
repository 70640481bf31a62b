import { readFileSync } from 'node:fs';

import type { Blob, BlobStore } from './blobs';
import { contentTypeFor } from './content-types';
import { formatParisDate } from './dates';
import { KoError } from './errors';
import { INVENTED } from './messages';
import { fileIdFromUrlOrId, fileUrl, newFileId, reservedCharacterProblem } from './names';
import type { SeedFolder, SimAcl, SimFile, SimFolder, SimRemoteJob, SimulatorState } from './types';

export const ROOT_FOLDER_ID = 0;
/** Anonymous uploads (no Bearer on upload.cgi, §1 "Upload auth") live outside the account's tree. */
export const ANONYMOUS_SPACE_ID = -100;
/** Real folder ids look like 3357645 (§5); they only grow, never reused after a reset. */
const FIRST_FOLDER_ID = 3_357_645;
const MAX_FOLDER_NAME = 250;

export interface StoredFile extends SimFile {
	blob: Blob;
	anonymous: boolean;
	/** For anonymous uploads: the `remove` code end.pl shows (§2.2). */
	removalCode: string;
}

export interface StoredRemoteJob extends SimRemoteJob {
	/** Demo seed: a job that stays pending forever. */
	held: boolean;
}

export interface NewFile {
	folderId: number;
	filename: string;
	blob: Blob;
	contentType?: string;
	createdAt?: number;
	anonymous?: boolean;
	pass?: string;
	domainIndex?: number;
	removalCode?: string;
}

const noAcl = (): SimAcl => ({ ip: [], country: [], email: [], premium: 0 });

export function hasAcl(acl: SimAcl): boolean {
	return acl.ip.length > 0 || acl.country.length > 0 || acl.email.length > 0 || acl.premium === 1;
}

export function assertValidName(name: string): void {
	if (name.length === 0) throw new KoError(INVENTED.invalidName('empty name'));
	const problem = reservedCharacterProblem(name);
	if (problem) throw new KoError(INVENTED.invalidName(problem));
}

export class SimulatorStateStore implements SimulatorState {
	private readonly folders = new Map<number, SimFolder>();
	/** Insertion order = upload order; listings sort by date anyway. */
	private readonly files = new Map<string, StoredFile>();
	/**
	 * Indexes by folder, so a listing or a mkdir costs the size of its folder, not of the account
	 * (a tree of 10 000 files in 100 folders is listed folder by folder).
	 */
	private readonly filesByFolder = new Map<number, Set<StoredFile>>();
	private readonly foldersByParent = new Map<number, Set<SimFolder>>();
	private readonly jobs = new Map<number, StoredRemoteJob>();
	private nextFolderId = FIRST_FOLDER_ID;
	private nextJobId = 1_000_001;

	/** `now` is the simulator's clock for dates (host clock + clockOffsetMs), not the rate limits'. */
	constructor(
		private readonly blobs: BlobStore,
		private readonly now: () => number,
	) {
		this.reset();
	}

	// ---- folders ---------------------------------------------------------------------------

	createFolder(parentId: number, name: string): SimFolder {
		this.requireFolder(parentId);
		assertValidName(name);
		if (name.length > MAX_FOLDER_NAME) throw new KoError(INVENTED.nameTooLong);
		// Duplicate folder names are not documented (§5); refusing them keeps paths unambiguous.
		if (this.childNamed(parentId, name)) throw new KoError(INVENTED.folderAlreadyExists);
		const folder: SimFolder = {
			id: this.nextFolderId,
			name,
			parentId,
			createDate: formatParisDate(this.now()),
		};
		// Ids grow by a small random step: clients must not assume consecutive ids.
		this.nextFolderId += 1 + Math.floor(Math.random() * 40);
		this.folders.set(folder.id, folder);
		indexed(this.foldersByParent, parentId).add(folder);
		return folder;
	}

	/** The folder at `path` (`a/b/c`) under `parentId`, creating what is missing. */
	ensureFolderPath(parentId: number, path: string): SimFolder {
		let folder = this.requireFolder(parentId);
		for (const name of path.split('/').filter((part) => part !== '')) {
			folder = this.childNamed(folder.id, name) ?? this.createFolder(folder.id, name);
		}
		return folder;
	}

	getFolder(id: number): SimFolder | undefined {
		return this.folders.get(id);
	}

	requireFolder(id: number): SimFolder {
		const folder = this.folders.get(id);
		if (!folder) throw new KoError(INVENTED.folderDoesNotExist);
		return folder;
	}

	listFolders(parentId: number): SimFolder[] {
		// Creation order (ids only grow), whatever order folders were moved in.
		return [...(this.foldersByParent.get(parentId) ?? [])].sort((a, b) => a.id - b.id);
	}

	childNamed(parentId: number, name: string): SimFolder | undefined {
		for (const folder of this.foldersByParent.get(parentId) ?? []) if (folder.name === name) return folder;
		return undefined;
	}

	/** folder/mv: the only way a folder changes parent, so the index follows. */
	moveFolder(folder: SimFolder, parentId: number): void {
		if (folder.parentId !== null) this.foldersByParent.get(folder.parentId)?.delete(folder);
		folder.parentId = parentId;
		indexed(this.foldersByParent, parentId).add(folder);
	}

	/** `a/b` for folder b inside a inside root; '' for root (file/info `path`, §2.4). */
	folderPath(id: number): string {
		const names: string[] = [];
		for (let folder = this.folders.get(id); folder && folder.parentId !== null; ) {
			names.unshift(folder.name);
			folder = this.folders.get(folder.parentId);
		}
		return names.join('/');
	}

	isSameOrDescendant(folderId: number, ancestorId: number): boolean {
		for (let id: number | null = folderId; id !== null; id = this.folders.get(id)?.parentId ?? null) {
			if (id === ancestorId) return true;
		}
		return false;
	}

	removeFolder(id: number): void {
		const folder = this.folders.get(id);
		if (!folder) return;
		this.folders.delete(id);
		if (folder.parentId !== null) this.foldersByParent.get(folder.parentId)?.delete(folder);
		this.foldersByParent.delete(id);
		this.filesByFolder.delete(id);
	}

	// ---- files -----------------------------------------------------------------------------

	addFile(
		folderId: number,
		filename: string,
		content: Buffer | string,
		opts: { date?: Date; contentType?: string } = {},
	): SimFile {
		this.requireFolder(folderId);
		assertValidName(filename);
		const blob = this.blobs.fromBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content));
		return this.storeFile({
			folderId,
			filename,
			blob,
			contentType: opts.contentType,
			createdAt: opts.date?.getTime(),
		});
	}

	seedFiles(
		folderId: number,
		count: number,
		opts: { namePrefix?: string; bytes?: number; startDate?: Date; stepMs?: number } = {},
	): void {
		this.requireFolder(folderId);
		const stepMs = opts.stepMs ?? 1000;
		const start = opts.startDate?.getTime() ?? this.now() - count * stepMs;
		const prefix = opts.namePrefix ?? 'seed-';
		const blob = this.blobs.fromBuffer(Buffer.alloc(opts.bytes ?? 16, 's'));
		const width = String(count).length;
		for (let i = 0; i < count; i++) {
			this.storeFile({
				folderId,
				filename: `${prefix}${String(i + 1).padStart(width, '0')}.txt`,
				blob,
				createdAt: start + i * stepMs,
			});
		}
	}

	/**
	 * Bulk state for benchmarks and tests: each entry's folder path is created under `parentId` as
	 * needed, then its files are added (given content) and `count` generated ones (`bytes` each;
	 * one shared blob, or, with `distinct`, content and checksum of their own). Returns the folder
	 * id of each path.
	 */
	seedTree(parentId: number, entries: SeedFolder[]): Record<string, number> {
		const ids: Record<string, number> = {};
		for (const entry of entries) {
			const folder = this.ensureFolderPath(parentId, entry.path);
			ids[entry.path] = folder.id;
			for (const file of entry.files ?? []) this.addFile(folder.id, file.filename, file.content, { date: file.date, contentType: file.contentType });
			if (entry.count) this.seedGenerated(folder, entry.path, entry);
		}
		return ids;
	}

	private seedGenerated(folder: SimFolder, path: string, entry: SeedFolder): void {
		const count = entry.count ?? 0;
		if (!entry.distinct) {
			this.seedFiles(folder.id, count, { namePrefix: entry.namePrefix, bytes: entry.bytes, startDate: entry.startDate, stepMs: entry.stepMs });
			return;
		}
		const stepMs = entry.stepMs ?? 1000;
		const start = entry.startDate?.getTime() ?? this.now() - count * stepMs;
		const width = String(count).length;
		for (let i = 0; i < count; i++) {
			const filename = `${entry.namePrefix ?? 'seed-'}${String(i + 1).padStart(width, '0')}.txt`;
			// The path and name repeated: every file has its own bytes, so its own checksum.
			const content = Buffer.alloc(entry.bytes ?? 16, `${path}/${filename}\n`);
			this.storeFile({ folderId: folder.id, filename, blob: this.blobs.fromBuffer(content), createdAt: start + i * stepMs });
		}
	}

	/** Registers a file over an existing blob (uploads, copies, remote fetches). */
	storeFile(spec: NewFile): StoredFile {
		const createdAt = spec.createdAt ?? this.now();
		const id = newFileId();
		this.blobs.retain(spec.blob);
		const file: StoredFile = {
			id,
			url: fileUrl(id, spec.domainIndex),
			filename: spec.filename,
			size: spec.blob.size,
			date: formatParisDate(createdAt),
			createdAt,
			folderId: spec.anonymous ? ANONYMOUS_SPACE_ID : spec.folderId,
			checksum: spec.blob.checksum,
			contentType: spec.contentType ?? contentTypeFor(spec.filename),
			description: '',
			pass: spec.pass ?? '',
			inline: 0,
			noSsl: 0,
			cdn: 0,
			acl: noAcl(),
			blob: spec.blob,
			anonymous: spec.anonymous ?? false,
			removalCode: spec.removalCode ?? '',
		};
		this.files.set(id, file);
		indexed(this.filesByFolder, file.folderId).add(file);
		return file;
	}

	/**
	 * file/cp: the copy shares the bytes (no byte copy; the blob is reference-counted) and keeps the
	 * checksum 1fichier shows for the original; its `date` is the time of the copy.
	 */
	copyFile(file: StoredFile, folderId: number, filename = file.filename): StoredFile {
		const copy = this.storeFile({ folderId, filename, blob: file.blob, contentType: file.contentType });
		copy.description = file.description;
		copy.checksum = file.checksum;
		return copy;
	}

	/** file/mv: the only way a file changes folder, so the index follows. */
	moveFile(file: StoredFile, folderId: number): void {
		this.filesByFolder.get(file.folderId)?.delete(file);
		file.folderId = folderId;
		indexed(this.filesByFolder, folderId).add(file);
	}

	removeFile(file: StoredFile): void {
		if (!this.files.delete(file.id)) return;
		this.filesByFolder.get(file.folderId)?.delete(file);
		this.blobs.release(file.blob);
	}

	listFiles(folderId: number): StoredFile[] {
		return sortOldestFirst([...(this.filesByFolder.get(folderId) ?? [])]);
	}

	allFiles(): StoredFile[] {
		return [...this.files.values()].filter((file) => !file.anonymous);
	}

	anonymousFiles(): StoredFile[] {
		return [...this.files.values()].filter((file) => file.anonymous);
	}

	findFile(urlOrId: string): StoredFile | undefined {
		const id = fileIdFromUrlOrId(urlOrId);
		return id ? this.files.get(id) : undefined;
	}

	findFileById(id: string): StoredFile | undefined {
		return this.files.get(id);
	}

	readFile(urlOrId: string): Buffer {
		return readFileSync(this.filePath(urlOrId));
	}

	filePath(urlOrId: string): string {
		const file = this.findFile(urlOrId);
		if (!file) throw new Error(`simulator: no file ${urlOrId}`);
		return file.blob.path;
	}

	// ---- remote upload jobs ----------------------------------------------------------------

	addRemoteJob(urls: string[], folderId: number, headers: Record<string, string>, held = false): StoredRemoteJob {
		const job: StoredRemoteJob = {
			id: this.nextJobId++,
			urls,
			folderId,
			headers,
			requestDate: formatParisDate(this.now()),
			executionDate: null,
			result: [],
			done: false,
			held,
		};
		this.jobs.set(job.id, job);
		return job;
	}

	remoteJob(id: number): StoredRemoteJob | undefined {
		return this.jobs.get(id);
	}

	remoteJobs(): StoredRemoteJob[] {
		return [...this.jobs.values()];
	}

	// ---- whole state -----------------------------------------------------------------------

	reset(): void {
		this.folders.clear();
		this.files.clear();
		this.filesByFolder.clear();
		this.foldersByParent.clear();
		this.jobs.clear();
		this.blobs.clear();
		this.folders.set(ROOT_FOLDER_ID, {
			id: ROOT_FOLDER_ID,
			name: 'Root',
			parentId: null,
			createDate: formatParisDate(this.now()),
		});
	}
}

function indexed<K, V>(index: Map<K, Set<V>>, key: K): Set<V> {
	let set = index.get(key);
	if (!set) index.set(key, (set = new Set()));
	return set;
}

/** Oldest first; files of the same millisecond keep their upload order (Array.sort is stable). */
export function sortOldestFirst<T extends SimFile>(files: T[]): T[] {
	return files.sort((a, b) => a.createdAt - b.createdAt);
}
