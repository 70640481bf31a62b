/**
 * Folder → Back Up's engine: walks the local tree and the copy on 1fichier side by side, folder by
 * folder, and brings the copy up to date.
 *
 * Per folder: read the local folder (metadata only); list the remote folder once (a folder that
 * does not exist yet is created, not listed); decide each file from metadata (decide.ts);
 * copy server-side what an earlier copy already holds (`copyUnchangedFrom`); upload the rest,
 * small files together in one upload per folder (up to 500 files and a size bound), large files one
 * per upload, each checked against its Whirlpool and against a change of its metadata during the
 * upload; then remove the copies the new ones replace. Mirror's removals wait for the end of the
 * run and happen only when nothing failed (mirror.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callsOf, callsSince } from '../api/callCounter';
import { throwIfCancelled } from '../api/context';
import { getFileInfo } from '../api/fileInfo';
import { remoteNameProblem, toRemoteName } from '../api/names';
import { getClock } from '../installation/clock';
import type { BatchFileResult } from '../transfer/upload';
import { MAX_FILE_SIZE, MAX_FILES_PER_UPLOAD, uploadBatch } from '../transfer/upload';
import { normaliseChecksum } from '../transfer/whirlpool';
import type { CompareMode, Decision } from './decide';
import { copiesByRemoteName, decide, decideByChecksum, unchangedSince } from './decide';
import type { LocalFile, LocalRoot, LocalStat } from './localTree';
import { hashLocalFile, openLocalFile, readLocalFolder, sameLocalStat, statLocalFile } from './localTree';
import type { MirrorPlan } from './mirror';
import { applyMirror } from './mirror';
import type { PathFilter } from './pathFilter';
import { copyRemoteFiles, createRemoteFolder, removeRemoteFiles } from './remoteChanges';
import type { RemoteFile } from './remoteTree';
import { joinPath, listRemoteFolder } from './remoteTree';
import { RunSummary } from './summary';

export type BackupMode = 'copy' | 'mirror';

export interface BackupSettings {
	itemIndex: number;
	root: LocalRoot;
	filter: PathFilter;
	/** The destination folder; undefined in a dry run when it does not exist yet. */
	destinationId: number | undefined;
	/** The destination as the user named it, for the summary. */
	destinationName: string;
	mode: BackupMode;
	compare: CompareMode;
	dryRun: boolean;
	verifyChecksum: boolean;
	/** An earlier copy whose unchanged files are copied server-side instead of uploaded. */
	copyFromId?: number;
	/** Mirror: the most remote files one run may remove; undefined = the default share. */
	maxDelete?: number;
	clockSkewMs: number;
	/** Between two listings of one folder (30 s on 1fichier). */
	listingIntervalMs: number;
	stallTimeoutMs: number;
	keepFileItems: boolean;
	/** The API calls counted before the run (callsOf), so the summary counts what the operation made before it. */
	callsBefore?: Record<string, number>;
}

export interface BackupOutcome {
	summary: IDataObject;
	files: IDataObject[];
	failed: boolean;
}

/** Files from this size on go one per upload; smaller ones are gathered per folder. */
export const LARGE_FILE_BYTES = 64 * 1024 * 1024;
/** The most bytes one gathered upload carries (1fichier ends an upload after 4 hours). */
export const BATCH_MAX_BYTES = 1024 * 1024 * 1024;
/** A gathered upload is sized to last at most about this long at the rate measured so far. */
const BATCH_TARGET_MS = 3_600_000;
/** A file whose copy turned out wrong (changed while read, checksum mismatch) is sent this many times in all. */
const SEND_ROUNDS = 2;

interface PendingFolder {
	path: string;
	/** The remote folder, when it exists. */
	remoteId?: number;
	/** Where to create it when it does not. */
	remoteParentId?: number;
	remoteName: string;
	copyFrom?: CopySource;
}

/** A file to send, with its metadata read just before sending. */
interface Outgoing {
	file: LocalFile;
	stat: LocalStat;
	remoteName: string;
	/** The copies it replaces once its own copy stands. */
	replaces: RemoteFile[];
	round: number;
}

export async function runBackup(ctx: IExecuteFunctions, settings: BackupSettings): Promise<BackupOutcome> {
	const callsBefore = settings.callsBefore ?? callsOf(ctx);
	const summary = new RunSummary(ctx.logger, settings.keepFileItems);
	const run = new BackupRun(ctx, settings, summary);
	try {
		await run.walk();
		await applyMirror(ctx, run.mirror, settings, summary);
	} catch (error) {
		throwIfCancelled(ctx);
		summary.fail('', `the run stopped: ${(error as Error).message}`, false);
	}
	const item = summary.item({
		source: settings.root.given,
		folder: settings.destinationName,
		folderId: settings.destinationId,
		mode: settings.mode,
		dryRun: settings.dryRun,
		apiCalls: callsSince(ctx, callsBefore),
	});
	const files = summary.fileItems.map((event) => ({ ...event }) as IDataObject);
	return { summary: item, files, failed: summary.anyFailure };
}

class BackupRun {
	readonly mirror: MirrorPlan = { files: [], folders: [], remoteFilesSeen: 0 };
	/** Upload rate measured so far (bytes per ms), to size gathered uploads. */
	private sentBytes = 0;
	private sendingMs = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly settings: BackupSettings,
		private readonly summary: RunSummary,
	) {}

	async walk(): Promise<void> {
		const root: PendingFolder = {
			path: '',
			remoteId: this.settings.destinationId,
			remoteName: '',
			copyFrom: this.settings.copyFromId === undefined ? undefined : new CopySource(this.settings.copyFromId, this),
		};
		const pending = [root];
		while (pending.length > 0) {
			const children = await this.backUpFolder(pending.pop()!);
			for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]);
		}
	}

	listFolder(folderId: number) {
		return listRemoteFolder(this.ctx, folderId, { itemIndex: this.settings.itemIndex, folderIntervalMs: this.settings.listingIntervalMs });
	}

	/** One folder; returns its sub-folders to walk. */
	private async backUpFolder(pending: PendingFolder): Promise<PendingFolder[]> {
		const { ctx, settings, summary } = this;
		summary.enterFolder(pending.path);
		const local = await readLocalFolder(ctx, settings.root, pending.path, settings.filter);
		for (const failure of local.failures) {
			const aFile = failure.path !== (pending.path || '.');
			if (aFile) summary.files.seen++;
			summary.fail(failure.path, failure.reason, aFile);
		}
		for (const skipped of local.skipped) {
			summary.files.seen += skipped.folder ? 0 : 1;
			if (!skipped.folder) summary.skip(skipped.path, skipped.reason);
		}
		// Nothing is known of an unreadable folder: its copy is left as it is.
		if (!local.readable) return [];

		const remote = pending.remoteId === undefined ? { files: [], subFolders: [] } : await this.listFolder(pending.remoteId);
		this.mirror.remoteFilesSeen += remote.files.length;
		const folderId = pending.remoteId ?? (await this.createFolder(pending));

		const copies = copiesByRemoteName(remote.files);
		const matched = new Set<string>();
		const outgoing: Outgoing[] = [];
		for (const file of local.files) {
			const remoteName = toRemoteName(file.name);
			matched.add(remoteName);
			const decision = await this.decideFile(file, remoteName, copies.get(remoteName));
			if (decision) outgoing.push({ file, stat: file, remoteName, replaces: decision, round: 1 });
		}

		const toUpload = await this.copyFromEarlier(pending, folderId, outgoing);
		await this.send(folderId, toUpload);

		this.planMirror(pending.path, copies, matched, remote.subFolders, local.subFolders);
		return this.childrenOf(pending, folderId, local.subFolders, remote.subFolders);
	}

	/** Counts the file and returns the copies it replaces when it must be sent, undefined when not. */
	private async decideFile(file: LocalFile, remoteName: string, copies: RemoteFile[] | undefined): Promise<RemoteFile[] | undefined> {
		const { settings, summary } = this;
		summary.files.seen++;
		summary.bytes.seen += file.size;
		const problem = remoteNameProblem(remoteName);
		if (problem) {
			summary.fail(file.path, `1fichier cannot take its name: ${problem}; rename it`);
			return undefined;
		}
		if (file.size === 0) {
			summary.skip(file.path, 'empty', 0);
			return undefined;
		}
		if (file.size > MAX_FILE_SIZE) {
			summary.fail(file.path, `it is ${file.size} bytes, more than 1fichier's limit of 300 GB per file`);
			return undefined;
		}
		let decision: Decision = decide(file, copies, settings.compare, settings.clockSkewMs);
		if (decision.kind === 'hash') {
			const hashed = await hashLocalFile(this.ctx, settings.root, file);
			summary.bytes.readFromDisk += file.size;
			if (!hashed.checksum) {
				summary.fail(file.path, `it could not be compared: ${hashed.problem}`);
				return undefined;
			}
			decision = decideByChecksum(hashed.checksum, decision.copies);
		}
		if (decision.kind === 'unchanged') {
			summary.files.unchanged++;
			// Left-overs of earlier runs (an upload sent twice): only mirror tidies them, after the run.
			for (const older of decision.older) this.mirror.files.push({ path: file.path, url: older.url, size: older.size, duplicate: true });
			return undefined;
		}
		return decision.kind === 'changed' ? decision.copies : [];
	}

	/** The folder's copy, made now (in a dry run, only counted; the destination itself is made by the operation). */
	private async createFolder(pending: PendingFolder): Promise<number | undefined> {
		if (pending.path === '') return undefined;
		this.summary.folders.created++;
		if (this.settings.dryRun || pending.remoteParentId === undefined) return undefined;
		return await createRemoteFolder(this.ctx, pending.remoteParentId, pending.remoteName, this.settings.itemIndex);
	}

	private childrenOf(
		pending: PendingFolder,
		folderId: number | undefined,
		localSubFolders: string[],
		remoteSubFolders: Array<{ id: number; remoteName: string }>,
	): PendingFolder[] {
		const remoteIds = new Map(remoteSubFolders.map((sub) => [sub.remoteName, sub.id]));
		const children: PendingFolder[] = [];
		for (const name of localSubFolders) {
			const path = joinPath(pending.path, name);
			const remoteName = toRemoteName(name);
			const problem = remoteNameProblem(remoteName);
			if (problem) {
				this.summary.fail(path, `1fichier cannot take the folder's name: ${problem}; rename it (nothing in it was backed up)`, false);
				continue;
			}
			children.push({
				path,
				remoteName,
				remoteId: remoteIds.get(remoteName),
				remoteParentId: folderId,
				copyFrom: pending.copyFrom?.child(remoteName),
			});
		}
		return children;
	}

	/** Mirror: what the copy holds that the source no longer does (removed at the end, if at all). */
	private planMirror(
		path: string,
		copies: Map<string, RemoteFile[]>,
		matched: Set<string>,
		remoteSubFolders: Array<{ id: number; name: string; remoteName: string }>,
		localSubFolders: string[],
	): void {
		if (this.settings.mode !== 'mirror') return;
		const filter = this.settings.filter;
		for (const [remoteName, named] of copies) {
			if (matched.has(remoteName)) continue;
			const filePath = joinPath(path, named[0].name);
			// Out of scope (excluded, hidden): left alone on both sides.
			if (!filter.inScope(filePath, false)) continue;
			for (const file of named) this.mirror.files.push({ path: filePath, url: file.url, size: file.size, duplicate: false });
		}
		const localNames = new Set(localSubFolders.map(toRemoteName));
		for (const sub of remoteSubFolders) {
			const folderPath = joinPath(path, sub.name);
			if (localNames.has(sub.remoteName) || !filter.inScope(folderPath, true)) continue;
			this.mirror.folders.push({ id: sub.id, path: folderPath });
		}
	}

	// ---- server-side copies from an earlier copy ------------------------------------------------------

	/** Copies from `copyUnchangedFrom` what it holds unchanged; returns what is left to upload. */
	private async copyFromEarlier(pending: PendingFolder, folderId: number | undefined, outgoing: Outgoing[]): Promise<Outgoing[]> {
		if (!pending.copyFrom || outgoing.length === 0) return outgoing;
		const source = await pending.copyFrom.files();
		if (source.size === 0) return outgoing;
		const { settings, summary } = this;
		const copyable: Array<{ item: Outgoing; from: RemoteFile }> = [];
		const rest: Outgoing[] = [];
		for (const item of outgoing) {
			const from = source.get(item.remoteName)?.[0];
			if (from && (await this.sameAsEarlier(item.file, from))) copyable.push({ item, from });
			else rest.push(item);
		}
		if (copyable.length === 0) return rest;
		let copied = new Map<string, string>();
		if (!settings.dryRun && folderId !== undefined) {
			copied = await copyRemoteFiles(this.ctx, copyable.map(({ from }) => from.url), folderId, settings.itemIndex);
		}
		const replaced: string[] = [];
		for (const { item, from } of copyable) {
			const url = settings.dryRun ? undefined : copied.get(from.url);
			if (!settings.dryRun && url === undefined) {
				rest.push(item); // 1fichier did not copy it: send it instead
				continue;
			}
			summary.files.copied++;
			summary.bytes.copied += item.file.size;
			summary.record({ path: item.file.path, action: 'copied', size: item.file.size, checksum: from.checksum, url });
			replaced.push(...item.replaces.map((copy) => copy.url));
		}
		await this.removeReplaced(replaced);
		return rest;
	}

	private async sameAsEarlier(file: LocalFile, from: RemoteFile): Promise<boolean> {
		const { settings } = this;
		if (from.size !== file.size) return false;
		if (settings.compare === 'checksum' && from.checksum !== undefined) {
			const hashed = await hashLocalFile(this.ctx, settings.root, file);
			this.summary.bytes.readFromDisk += file.size;
			return hashed.checksum === from.checksum;
		}
		return unchangedSince(file, from, settings.clockSkewMs);
	}

	// ---- uploads --------------------------------------------------------------------------------------

	private async send(folderId: number | undefined, outgoing: Outgoing[]): Promise<void> {
		let round = outgoing;
		for (let sendRound = 1; round.length > 0 && sendRound <= SEND_ROUNDS; sendRound++) {
			const ready = await this.freshStats(round);
			const again: Outgoing[] = [];
			for (const batch of this.batches(ready)) again.push(...(await this.sendBatch(folderId, batch)));
			round = again.map((item) => ({ ...item, round: item.round + 1 }));
		}
	}

	/** Metadata read again just before sending: the reference the upload's own check compares with. */
	private async freshStats(items: Outgoing[]): Promise<Outgoing[]> {
		const ready: Outgoing[] = [];
		for (const item of items) {
			const stat = await statLocalFile(this.settings.root, item.file.path);
			if (!stat) {
				this.summary.fail(item.file.path, 'the file vanished before it was sent');
			} else if (stat.size === 0) {
				this.summary.skip(item.file.path, 'empty', 0);
			} else {
				ready.push({ ...item, stat });
			}
		}
		return ready;
	}

	/** Large files alone; small ones together, within the file count and the byte bound. */
	private *batches(items: Outgoing[]): Generator<Outgoing[]> {
		const maxBytes = this.batchMaxBytes();
		let batch: Outgoing[] = [];
		let bytes = 0;
		for (const item of items) {
			if (item.stat.size >= LARGE_FILE_BYTES) {
				yield [item];
				continue;
			}
			if (batch.length > 0 && (batch.length >= MAX_FILES_PER_UPLOAD || bytes + item.stat.size > maxBytes)) {
				yield batch;
				batch = [];
				bytes = 0;
			}
			batch.push(item);
			bytes += item.stat.size;
		}
		if (batch.length > 0) yield batch;
	}

	private batchMaxBytes(): number {
		if (this.sendingMs < 1000) return BATCH_MAX_BYTES;
		const rate = this.sentBytes / this.sendingMs;
		return Math.min(BATCH_MAX_BYTES, Math.max(LARGE_FILE_BYTES, rate * BATCH_TARGET_MS));
	}

	/** Sends one batch; returns the files to send once more. */
	private async sendBatch(folderId: number | undefined, batch: Outgoing[]): Promise<Outgoing[]> {
		const { ctx, settings, summary } = this;
		if (settings.dryRun || folderId === undefined) {
			for (const item of batch) this.countSent(item, { url: undefined, checksum: undefined, verified: false });
			return [];
		}
		const startedAt = getClock().now();
		const sources = batch.map((item) => ({
			fileName: item.remoteName,
			size: item.stat.size,
			open: async () => await openLocalFile(ctx, settings.root, item.file.path),
		}));
		const results = await uploadBatch(ctx, sources, {
			folderId,
			itemIndex: settings.itemIndex,
			listingIntervalMs: settings.listingIntervalMs,
			hash: settings.verifyChecksum,
			stallTimeoutMs: settings.stallTimeoutMs,
			onBytes: (count) => {
				summary.bytes.readFromDisk += count;
				summary.logProgress();
			},
		});
		this.sendingMs += getClock().now() - startedAt;
		const again: Outgoing[] = [];
		const replaced: string[] = [];
		const badCopies: string[] = [];
		for (let index = 0; index < batch.length; index++) {
			const item = batch[index];
			const verdict = await this.judge(item, results[index]);
			if (verdict.kind === 'stored') {
				this.sentBytes += item.stat.size;
				this.countSent(item, verdict);
				replaced.push(...item.replaces.map((copy) => copy.url));
				continue;
			}
			if (verdict.badCopy) badCopies.push(verdict.badCopy);
			if (verdict.retry && item.round < SEND_ROUNDS) {
				ctx.logger.warn(`1fichier backup: "${item.file.path}" is sent again: ${verdict.reason}`);
				again.push(item);
			} else {
				summary.fail(item.file.path, verdict.reason);
			}
		}
		// A copy that is not the file is of no use to anyone; the older copies stay until one is.
		if (badCopies.length > 0) await removeRemoteFiles(ctx, badCopies, settings.itemIndex);
		await this.removeReplaced(replaced);
		return again;
	}

	/** Whether the copy stored is the file: its checksum, and the file not changed while it was sent. */
	private async judge(
		item: Outgoing,
		result: BatchFileResult,
	): Promise<{ kind: 'stored'; url: string; checksum?: string; verified: boolean } | { kind: 'bad'; reason: string; retry: boolean; badCopy?: string }> {
		const { ctx, settings } = this;
		if (!result.stored) return { kind: 'bad', reason: result.failure ?? 'the upload failed', retry: false };
		const stored = result.stored;
		const after = await statLocalFile(settings.root, item.file.path);
		if (result.readProblem || !sameLocalStat(item.stat, after)) {
			const why = result.readProblem ?? (after ? 'it changed while it was being sent' : 'it vanished while it was being sent');
			const retry = after !== undefined && !result.unreadable;
			return { kind: 'bad', reason: result.unreadable ? why : `the copy is not the file: ${why}`, retry, badCopy: stored.url };
		}
		let checksum = normaliseChecksum(stored.checksum);
		if (settings.verifyChecksum && checksum === undefined) {
			checksum = normaliseChecksum((await getFileInfo(ctx, stored.url, settings.itemIndex)).checksum);
		}
		if (!settings.verifyChecksum || checksum === undefined) {
			if (settings.verifyChecksum) ctx.logger.warn(`1fichier: no checksum for "${item.file.path}" (${stored.url}); it was checked by size only`);
			return { kind: 'stored', url: stored.url, checksum, verified: false };
		}
		if (checksum !== result.sentChecksum) {
			return {
				kind: 'bad',
				reason: `1fichier's Whirlpool checksum of the copy (${checksum}) is not the bytes sent (${result.sentChecksum})`,
				retry: true,
				badCopy: stored.url,
			};
		}
		return { kind: 'stored', url: stored.url, checksum, verified: true };
	}

	private countSent(item: Outgoing, stored: { url?: string; checksum?: string; verified: boolean }): void {
		const { summary } = this;
		const updated = item.replaces.length > 0;
		summary.files.sent++;
		if (updated) summary.files.updated++;
		if (stored.verified) summary.files.verified++;
		summary.bytes.sent += item.stat.size;
		summary.record({
			path: item.file.path,
			action: updated ? 'updated' : 'sent',
			size: item.stat.size,
			checksum: stored.checksum,
			url: stored.url,
			verified: stored.verified,
		});
	}

	private async removeReplaced(urls: string[]): Promise<void> {
		if (urls.length === 0) return;
		if (!this.settings.dryRun) await removeRemoteFiles(this.ctx, urls, this.settings.itemIndex);
		this.summary.replacedCopies += urls.length;
	}
}

/**
 * The folder of the earlier copy (`copyUnchangedFrom`) matching a local folder, listed only when
 * a file of that folder is to be sent, and its parents only as far as needed to find it.
 */
class CopySource {
	private listing: Promise<{ files?: Map<string, RemoteFile[]>; subFolders: Map<string, number> } | undefined> | undefined;

	constructor(
		private readonly folder: number | (() => Promise<number | undefined>),
		private readonly run: BackupRun,
	) {}

	child(remoteName: string): CopySource {
		return new CopySource(async () => (await this.load())?.subFolders.get(remoteName), this.run);
	}

	/** The folder's files, once: its own folder takes them, its sub-folders only need the ids. */
	async files(): Promise<Map<string, RemoteFile[]>> {
		const listing = await this.load();
		const files = listing?.files ?? new Map<string, RemoteFile[]>();
		if (listing) listing.files = undefined;
		return files;
	}

	private async load() {
		this.listing ??= (async () => {
			const id = typeof this.folder === 'number' ? this.folder : await this.folder();
			if (id === undefined) return undefined;
			const listing = await this.run.listFolder(id);
			return {
				files: copiesByRemoteName(listing.files),
				subFolders: new Map(listing.subFolders.map((sub) => [sub.remoteName, sub.id])),
			};
		})();
		return await this.listing;
	}
}
