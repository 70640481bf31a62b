/**
 * What one run did, counted as it goes: the summary item (docs/node-interface.md: `source`, `folder`,
 * `mode`, `dryRun`, `files`, `bytes`, `durationSeconds`, `apiCalls`, `failures`), the optional item
 * per file acted on, and the progress lines in n8n's log.
 */
import type { IDataObject, Logger } from 'n8n-workflow';

import { getClock } from '../installation/clock';

/** What happened to one file: each file acted on gets one of these (summaryAndFiles). */
export type FileAction = 'sent' | 'updated' | 'copied' | 'removed' | 'skipped' | 'failed';

export type SkipReason = 'empty' | 'symlink' | 'special' | 'blocked';

export interface FileEvent {
	path: string;
	action: FileAction;
	size?: number;
	checksum?: string;
	url?: string;
	reason?: string;
	verified?: boolean;
}

/** Failures listed in the summary; beyond this many only their number is kept. */
export const MAX_FAILURES_LISTED = 1000;
/** n8n's log hears from a long run at least this often. */
export const PROGRESS_LOG_INTERVAL_MS = 30_000;

export class RunSummary {
	readonly files = { seen: 0, sent: 0, updated: 0, copied: 0, unchanged: 0, removed: 0, skipped: 0, failed: 0, verified: 0 };
	readonly skippedReasons: Record<SkipReason, number> = { empty: 0, symlink: 0, special: 0, blocked: 0 };
	readonly bytes = { seen: 0, sent: 0, copied: 0, readFromDisk: 0 };
	readonly folders = { seen: 0, created: 0, removed: 0 };
	/** Older copies of updated files and duplicate copies removed once a verified copy stood. */
	replacedCopies = 0;
	readonly failures: Array<{ path: string; reason: string }> = [];
	failuresNotListed = 0;
	readonly fileItems: FileEvent[] = [];
	mirror: IDataObject | undefined;
	private readonly startedAt = getClock().now();
	private lastLogAt = this.startedAt;
	private currentFolder = '';

	constructor(
		private readonly logger: Logger,
		private readonly keepFileItems: boolean,
	) {}

	/** Whether anything failed: mirror removes nothing then, and the node fails at the end. */
	get anyFailure(): boolean {
		return this.files.failed > 0 || this.failures.length + this.failuresNotListed > 0;
	}

	record(event: FileEvent): void {
		if (this.keepFileItems) this.fileItems.push(event);
	}

	fail(path: string, reason: string, countsAsFile = true): void {
		if (countsAsFile) this.files.failed++;
		if (this.failures.length < MAX_FAILURES_LISTED) this.failures.push({ path, reason });
		else this.failuresNotListed++;
		if (countsAsFile) this.record({ path, action: 'failed', reason });
	}

	skip(path: string, reason: SkipReason, size?: number): void {
		this.files.skipped++;
		this.skippedReasons[reason]++;
		this.record({ path, action: 'skipped', reason, size });
	}

	enterFolder(path: string): void {
		this.currentFolder = path;
		this.folders.seen++;
		this.logProgress();
	}

	/** Logs where the run stands when the last line is PROGRESS_LOG_INTERVAL_MS old. */
	logProgress(): void {
		const now = getClock().now();
		if (now - this.lastLogAt < PROGRESS_LOG_INTERVAL_MS) return;
		this.lastLogAt = now;
		const { seen, sent, copied, unchanged, failed } = this.files;
		this.logger.info(
			`1fichier backup: ${Math.round((now - this.startedAt) / 1000)} s, ${this.folders.seen} folders and ${seen} files seen, ` +
				`${sent} sent (${formatBytes(this.bytes.sent)}), ${copied} copied, ${unchanged} unchanged, ${failed} failed; now in "${this.currentFolder || '.'}"`,
		);
	}

	item(context: { source: string; folder: string; folderId?: number; mode: string; dryRun: boolean; apiCalls: Record<string, number> }): IDataObject {
		const durationSeconds = Math.round((getClock().now() - this.startedAt) / 100) / 10;
		const apiCalls = Object.values(context.apiCalls).reduce((sum, count) => sum + count, 0);
		const item: IDataObject = {
			source: context.source,
			folder: context.folder,
			mode: context.mode,
			dryRun: context.dryRun,
			success: !this.anyFailure,
			files: { ...this.files },
			skippedReasons: { ...this.skippedReasons },
			bytes: { ...this.bytes },
			folders: { ...this.folders },
			replacedCopies: this.replacedCopies,
			durationSeconds,
			apiCalls,
			apiCallsByEndpoint: context.apiCalls,
			failures: this.failures.map((failure) => ({ ...failure })),
		};
		if (context.folderId !== undefined) item.folderId = context.folderId;
		if (this.failuresNotListed > 0) item.failuresNotListed = this.failuresNotListed;
		if (this.mirror) item.mirror = this.mirror;
		return item;
	}
}

export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
