import type { SimulatorStats } from './types';

export class StatsRecorder implements SimulatorStats {
	requests = 0;
	byEndpoint: Record<string, number> = {};
	transfers: Record<string, number> = {};
	uploadedFiles = 0;
	uploadedBytes = 0;
	downloadedBytes = 0;
	floodEvents = 0;
	rateLimitEvents: Array<{ at: number; endpoint: string; reason: string }> = [];

	countRequest(endpoint: string): void {
		this.requests++;
		this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
	}

	countTransfer(kind: string): void {
		this.transfers[kind] = (this.transfers[kind] ?? 0) + 1;
	}

	countUploaded(sizes: number[]): void {
		this.uploadedFiles += sizes.length;
		for (const size of sizes) this.uploadedBytes += size;
	}

	countDownloaded(bytes: number): void {
		this.downloadedBytes += bytes;
	}

	countRefusal(at: number, endpoint: string, reason: string): void {
		this.floodEvents++;
		this.rateLimitEvents.push({ at, endpoint, reason });
	}

	reset(): void {
		this.requests = 0;
		this.byEndpoint = {};
		this.transfers = {};
		this.uploadedFiles = 0;
		this.uploadedBytes = 0;
		this.downloadedBytes = 0;
		this.floodEvents = 0;
		this.rateLimitEvents = [];
	}
}
