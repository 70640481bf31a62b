/**
 * Folder → Back Up's engine: walks the local tree and the copy on 1fichier side by side, folder by
 * folder, and brings the copy up to date.
 *
 * Per folder: read the local folder (metadata only); list the remote folder once (a folder that
 * does not exist yet is created, not listed); decide each file from metadata (decide.ts);
 * copy server-side what an earlier copy already holds (`copyUnchangedFrom`); upload the rest
 * (uploads.ts: small files together, large ones alone, each copy checked); then remove the copies
 * the new ones replace. Mirror's removals wait for the end of the run and happen only when nothing
 * failed (mirror.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callsOf, callsSince } from '../api/callCounter';
import { throwIfCancelled } from '../api/context';
import { remoteNameProblem, toRemoteName } from '../api/names';
import { MAX_FILE_SIZE } from '../transfer/upload';
import type { Decision } from './decide';
import { copiesByRemoteName, decide, decideByChecksum, unchangedSince } from './decide';
import type { LocalFile } from './localTree';
import { hashLocalFile, readLocalFolder } from './localTree';
import type { MirrorPlan } from './mirror';
import { applyMirror } from './mirror';
import { copyRemoteFiles, createRemoteFolder } from './remoteChanges';
import type { RemoteFile } from './remoteTree';
import { joinPath, listRemoteFolder } from './remoteTree';
import type { BackupSettings } from './settings';
import { RunSummary } from './summary';
import type { Outgoing } from './uploads';
import { Uploader } from './uploads';

export interface BackupOutcome {
	summary: IDataObject;
	files: IDataObject[];
	failed: boolean;
}

interface PendingFolder {
	path: string;
	/** The remote folder, when it exists. */
	remoteId?: number;
	/** Where to create it when it does not. */
	remoteParentId?: number;
	remoteName: string;
	copyFrom?: CopySource;
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
	private readonly uploader: Uploader;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly settings: BackupSettings,
		private readonly summary: RunSummary,
	) {
		this.uploader = new Uploader(ctx, settings, summary);
	}

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
		// What the source holds but the run skips (links, blocked paths) keeps its copies: mirror removes only what is gone.
		const skippedNames = local.skipped.map((skipped) => toRemoteName(skipped.path.slice(skipped.path.lastIndexOf('/') + 1)));
		const matched = new Set<string>(skippedNames);
		const outgoing: Outgoing[] = [];
		for (const file of local.files) {
			const remoteName = toRemoteName(file.name);
			matched.add(remoteName);
			const decision = await this.decideFile(file, remoteName, copies.get(remoteName));
			if (decision) outgoing.push({ file, stat: file, remoteName, replaces: decision, round: 1 });
		}

		const toUpload = await this.copyFromEarlier(pending, folderId, outgoing);
		await this.uploader.send(folderId, toUpload);

		this.planMirror(pending.path, copies, matched, remote.subFolders, [...local.subFolders.map(toRemoteName), ...skippedNames]);
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
			const hashed = await hashLocalFile(this.ctx, settings.root, file, (count) => this.uploader.readBytes(count));
			if (!hashed.checksum) {
				summary.fail(file.path, `it could not be compared: ${hashed.problem}`);
				return undefined;
			}
			decision = decideByChecksum(hashed.checksum, decision.copies);
		}
		if (decision.kind === 'unchanged') {
			summary.files.unchanged++;
			// Left-overs of earlier runs (an upload sent twice): only mirror tidies them, after the run.
			if (settings.mode === 'mirror') {
				for (const older of decision.older) this.mirror.files.push({ path: file.path, url: older.url, size: older.size, duplicate: true });
			}
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
		localNames: string[],
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
		const present = new Set(localNames);
		for (const sub of remoteSubFolders) {
			const folderPath = joinPath(path, sub.name);
			if (present.has(sub.remoteName) || !filter.inScope(folderPath, true)) continue;
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
		await this.uploader.removeReplaced(replaced);
		return rest;
	}

	private async sameAsEarlier(file: LocalFile, from: RemoteFile): Promise<boolean> {
		const { settings } = this;
		if (from.size !== file.size) return false;
		if (settings.compare === 'checksum' && from.checksum !== undefined) {
			const hashed = await hashLocalFile(this.ctx, settings.root, file, (count) => this.uploader.readBytes(count));
			return hashed.checksum === from.checksum;
		}
		return unchangedSince(file, from, settings.clockSkewMs);
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
