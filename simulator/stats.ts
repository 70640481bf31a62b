import type { SimulatorStats } from './types';

export class StatsRecorder implements SimulatorStats {
	requests = 0;
	byEndpoint: Record<string, number> = {};
	transfers: Record<string, number> = {};
	floodEvents = 0;
	rateLimitEvents: Array<{ at: number; endpoint: string; reason: string }> = [];

	countRequest(endpoint: string): void {
		this.requests++;
		this.byEndpoint[endpoint] = (this.byEndpoint[endpoint] ?? 0) + 1;
	}

	countTransfer(kind: string): void {
		this.transfers[kind] = (this.transfers[kind] ?? 0) + 1;
	}

	countRefusal(at: number, endpoint: string, reason: string): void {
		this.floodEvents++;
		this.rateLimitEvents.push({ at, endpoint, reason });
	}

	reset(): void {
		this.requests = 0;
		this.byEndpoint = {};
		this.transfers = {};
		this.floodEvents = 0;
		this.rateLimitEvents = [];
	}
}
