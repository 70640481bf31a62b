/** Progress of a long backup, restore or check in n8n's log: files and bytes done, every 15 s. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { getClock } from '../installation/clock';

const LOG_INTERVAL_MS = 15_000;
const GIB = 1024 ** 3;

export class RunProgress {
	private files = 0;
	private bytes = 0;
	private lastLog = getClock().now();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly label: string,
		/** 0 when not known beforehand. */
		private readonly totalFiles: number,
		private readonly totalBytes: number,
	) {}

	fileDone(bytes: number): void {
		this.files++;
		this.bytes += bytes;
		const now = getClock().now();
		if (now - this.lastLog < LOG_INTERVAL_MS) return;
		this.lastLog = now;
		const done = `${this.files} files, ${(this.bytes / GIB).toFixed(2)} GiB`;
		const of = this.totalFiles > 0 ? ` of ${this.totalFiles} files, ${(this.totalBytes / GIB).toFixed(2)} GiB` : '';
		this.ctx.logger.info(`1fichier ${this.label}: ${done}${of}`);
	}
}
