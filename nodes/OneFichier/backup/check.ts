/**
 * Check Backup: a local directory against its copy on 1fichier without downloading, with rclone
 * `check`'s categories (same, differ, missing on either side, error). The local tree is walked folder
 * by folder (backup/localTree.ts); each local folder's remote twin is listed once
 * (backup/remoteTree.ts), found by path through the ids its parent's listing gave; a remote folder
 * with no local twin is walked on its own and all it holds is missing locally. Only the folders
 * being compared and the ids of remote folders are in memory, whatever the size of the tree.
 *
 * A file present on both sides is the same when the sizes match and, by `sizeAndDate`, it has not
 * changed since its copy was uploaded (its last change, as the backup reads it, is older than the
 * upload), else when its Whirlpool is 1fichier's; by `checksum`, always by Whirlpool. Of same-named
 * copies, the newest (what a restore brings back) is compared. `sampleDownloads` then downloads that
 * many files found the same, chosen at random, and checks the bytes received against both
 * 1fichier's checksum and the local file.
 */
import { randomInt } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { cancelSignalOf, throwIfCancelled } from '../api/context';
import { whirlpoolOfStream } from '../transfer/whirlpool';
import { localNameProblem } from './localPath';
import type { LocalFile, LocalFolder, LocalRoot } from './localTree';
import { openLocalFile, walkLocalTree } from './localTree';
import type { PathFilter } from './pathFilter';
import { RunProgress } from './progress';
import { hashRemoteFile } from './remoteBytes';
import type { RemoteFile } from './remoteTree';
import { joinPath, listRemoteFolder, walkRemoteTree } from './remoteTree';

export type CheckStatus = 'same' | 'differ' | 'missingRemote' | 'missingLocal' | 'error';

export interface Difference {
	path: string;
	status: Exclude<CheckStatus, 'same'>;
	reason: string;
	localSize: number | null;
	remoteSize: number | null;
	url: string | null;
	/** The sample download of this file found it different (not only its metadata). */
	downloaded?: boolean;
}

export interface CheckOptions {
	compare: 'sizeAndDate' | 'checksum';
	sampleDownloads: number;
	filter: PathFilter;
	itemIndex: number;
	/** The wait between two listings of one folder (1fichier's 30 s unless a test server allows less). */
	folderIntervalMs?: number;
}

export interface CheckResult {
	counts: Record<CheckStatus, number>;
	differences: Difference[];
	/** Local files hashed to decide. */
	hashed: number;
	localBytes: number;
	/** Same-named remote copies not compared (older than the one a restore brings back). */
	superseded: number;
	sample: { files: number; bytes: number; verified: number };
}

/** A file found the same, kept as a candidate for the sample downloads. */
interface Pair {
	local: LocalFile;
	remote: RemoteFile;
	localChecksum?: string;
}

class Checker {
	readonly result: CheckResult = {
		counts: { same: 0, differ: 0, missingRemote: 0, missingLocal: 0, error: 0 },
		differences: [],
		hashed: 0,
		localBytes: 0,
		superseded: 0,
		sample: { files: 0, bytes: 0, verified: 0 },
	};
	/** Reservoir sampling: each file found the same has the same chance to be downloaded. */
	private readonly sample: Pair[] = [];
	private pairsSeen = 0;
	private readonly remoteIds = new Map<string, number>();
	private readonly progress: RunProgress;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly root: LocalRoot,
		remoteRootId: number,
		private readonly options: CheckOptions,
	) {
		this.remoteIds.set('', remoteRootId);
		this.progress = new RunProgress(ctx, 'Check Backup', 0, 0);
	}

	async run(): Promise<CheckResult> {
		for await (const local of walkLocalTree(this.ctx, this.root, this.options.filter)) {
			throwIfCancelled(this.ctx);
			await this.compareFolder(local);
		}
		await this.downloadSample();
		return this.result;
	}

	private listing() {
		return { itemIndex: this.options.itemIndex, folderIntervalMs: this.options.folderIntervalMs };
	}

	private differ(difference: Difference): void {
		this.result.counts[difference.status]++;
		this.result.differences.push(difference);
	}

	private async compareFolder(local: LocalFolder): Promise<void> {
		for (const failure of local.failures) {
			this.differ({ path: failure.path, status: 'error', reason: failure.reason, localSize: null, remoteSize: null, url: null });
		}
		// Nothing is known of what an unreadable folder holds: comparing it would call its copy "missing locally".
		if (!local.readable) return;
		const remoteId = this.remoteIds.get(local.path);
		const remote = remoteId === undefined ? undefined : await listRemoteFolder(this.ctx, remoteId, this.listing());

		// Remote files of this folder by local name, newest copy first; names out of scope left alone.
		const remoteFiles = new Map<string, RemoteFile[]>();
		for (const file of remote?.files ?? []) {
			const path = joinPath(local.path, file.name);
			const problem = localNameProblem(file.name);
			if (problem) {
				this.differ({ path: joinPath(local.path, file.remoteName), status: 'error', reason: `a restore would refuse it: ${problem}`, localSize: null, remoteSize: file.size, url: file.url });
				continue;
			}
			if (!this.options.filter.inScope(path, false)) continue;
			remoteFiles.set(file.name, [...(remoteFiles.get(file.name) ?? []), file]);
		}
		const skipped = new Map(local.skipped.map((skip) => [skip.path, skip.reason]));

		for (const file of local.files) {
			this.result.localBytes += file.size;
			const copies = (remoteFiles.get(file.name) ?? []).sort((a, b) => b.uploadedAtMs - a.uploadedAtMs);
			remoteFiles.delete(file.name);
			this.result.superseded += Math.max(0, copies.length - 1);
			await this.compareFile(file, copies[0]);
			this.progress.fileDone(file.size);
		}
		for (const [name, copies] of remoteFiles) {
			const path = joinPath(local.path, name);
			const newest = copies.sort((a, b) => b.uploadedAtMs - a.uploadedAtMs)[0];
			const skip = skipped.get(path);
			this.differ(
				skip
					? { path, status: 'error', reason: `the local entry is ${skipDescription(skip)}, which the backup does not read`, localSize: null, remoteSize: newest.size, url: newest.url }
					: { path, status: 'missingLocal', reason: 'in the backup, not in the local directory', localSize: null, remoteSize: newest.size, url: newest.url },
			);
		}

		const localFolders = new Set(local.subFolders);
		for (const sub of remote?.subFolders ?? []) {
			const path = joinPath(local.path, sub.name);
			if (localNameProblem(sub.name)) {
				this.differ({ path: joinPath(local.path, sub.remoteName), status: 'error', reason: `a restore would refuse this folder: ${localNameProblem(sub.name)}`, localSize: null, remoteSize: null, url: null });
			} else if (!this.options.filter.inScope(path, true)) {
				continue;
			} else if (localFolders.has(sub.name)) {
				this.remoteIds.set(path, sub.id);
			} else {
				await this.missingLocalTree(sub.id, path, skipped.get(path));
			}
		}
	}

	private async compareFile(file: LocalFile, remote: RemoteFile | undefined): Promise<void> {
		const base = { path: file.path, localSize: file.size, remoteSize: remote?.size ?? null, url: remote?.url ?? null };
		if (!remote) return this.differ({ ...base, status: 'missingRemote', reason: 'in the local directory, not in the backup' });
		if (remote.size !== file.size) {
			return this.differ({ ...base, status: 'differ', reason: `sizes differ: ${file.size} bytes here, ${remote.size} in the backup` });
		}
		const unchangedSinceUpload = remote.uploadedAtMs > 0 && file.lastChangeMs <= remote.uploadedAtMs;
		if (this.options.compare === 'sizeAndDate' && unchangedSinceUpload) return this.same({ local: file, remote });
		if (!remote.checksum) {
			return this.differ({
				...base,
				status: this.options.compare === 'checksum' ? 'error' : 'differ',
				reason:
					this.options.compare === 'checksum'
						? '1fichier gives no checksum for this file'
						: 'changed here after its copy was uploaded, and 1fichier gives no checksum to compare',
			});
		}
		let localChecksum: string;
		try {
			localChecksum = await this.hashLocal(file);
		} catch (error) {
			throwIfCancelled(this.ctx);
			return this.differ({ ...base, status: 'error', reason: `the local file cannot be read: ${(error as Error).message}` });
		}
		if (localChecksum !== remote.checksum) return this.differ({ ...base, status: 'differ', reason: 'same size, different Whirlpool checksum' });
		this.same({ local: file, remote, localChecksum });
	}

	private same(pair: Pair): void {
		this.result.counts.same++;
		const wanted = this.options.sampleDownloads;
		if (wanted <= 0) return;
		this.pairsSeen++;
		if (this.sample.length < wanted) this.sample.push(pair);
		else {
			const slot = randomInt(this.pairsSeen);
			if (slot < wanted) this.sample[slot] = pair;
		}
	}

	private async hashLocal(file: LocalFile): Promise<string> {
		this.result.hashed++;
		return await whirlpoolOfStream(await openLocalFile(this.ctx, this.root, file.path), cancelSignalOf(this.ctx));
	}

	/** Everything below a remote folder the local directory does not have. */
	private async missingLocalTree(folderId: number, path: string, skip: string | undefined): Promise<void> {
		const under = (relative: string) => (relative === '' ? path : joinPath(path, relative));
		const descend = (sub: { name: string }, parent: string) =>
			localNameProblem(sub.name) === undefined && this.options.filter.inScope(joinPath(under(parent), sub.name), true);
		for await (const folder of walkRemoteTree(this.ctx, folderId, { ...this.listing(), descend })) {
			for (const file of folder.files) {
				const filePath = joinPath(under(folder.path), file.name);
				if (localNameProblem(file.name) || !this.options.filter.inScope(filePath, false)) continue;
				this.differ(
					skip
						? { path: filePath, status: 'error', reason: `the local folder is ${skipDescription(skip)}, which the backup does not read`, localSize: null, remoteSize: file.size, url: file.url }
						: { path: filePath, status: 'missingLocal', reason: 'in the backup, not in the local directory', localSize: null, remoteSize: file.size, url: file.url },
				);
			}
		}
	}

	/** Downloads the sampled files and checks the bytes against 1fichier's checksum and the local file. */
	private async downloadSample(): Promise<void> {
		for (const pair of this.sample) {
			throwIfCancelled(this.ctx);
			const { local, remote } = pair;
			const base = { path: local.path, localSize: local.size, remoteSize: remote.size, url: remote.url, downloaded: true };
			this.result.sample.files++;
			try {
				const received = await hashRemoteFile(this.ctx, { url: remote.url, name: remote.name, size: remote.size }, this.options.itemIndex);
				this.result.sample.bytes += received.bytes;
				const localChecksum = pair.localChecksum ?? (await this.hashLocal(local));
				const reason =
					remote.checksum && received.checksum !== remote.checksum
						? 'the bytes downloaded do not match 1fichier\'s own Whirlpool checksum: the stored copy is damaged'
						: received.checksum !== localChecksum
							? 'the bytes downloaded differ from the local file'
							: undefined;
				if (!reason) {
					this.result.sample.verified++;
					continue;
				}
				this.result.counts.same--;
				this.differ({ ...base, status: 'differ', reason });
			} catch (error) {
				throwIfCancelled(this.ctx);
				this.result.counts.same--;
				this.differ({ ...base, status: 'error', reason: `the sample download failed: ${(error as Error).message}` });
			}
		}
	}
}

function skipDescription(reason: string): string {
	return reason === 'symlink' ? 'a symbolic link' : reason === 'blocked' ? 'blocked by n8n\'s file access settings' : 'not a regular file';
}

export async function checkBackup(ctx: IExecuteFunctions, root: LocalRoot, remoteRootId: number, options: CheckOptions): Promise<CheckResult> {
	return await new Checker(ctx, root, remoteRootId, options).run();
}
