import type { Fault, FaultInjector, FaultKind } from './types';

const KINDS: readonly FaultKind[] = [
	'5xx',
	'flood',
	'drop',
	'slow',
	'pleaseWait',
	'maintenance',
	'html403',
	'refusal',
	'endHtml',
	'endNoLinks',
	'endSeveralLinks',
	'corruptUpload',
	'wrongChecksum',
	'corruptDownload',
	'endWithoutChecksum',
	'stall',
	'stallUpload',
	'stallDownload',
	'stallEndPl',
];

/** Integrity faults only make sense on a transfer: they wait for one instead of any request. */
const DEFAULT_MATCH: Partial<Record<FaultKind, string>> = {
	corruptUpload: '/upload.cgi',
	wrongChecksum: '/upload.cgi',
	corruptDownload: '/dl/',
	endWithoutChecksum: '/end.pl',
	stallUpload: '/upload.cgi',
	stallDownload: '/dl/',
	stallEndPl: '/end.pl',
};

interface ArmedFault extends Fault {
	remaining: number;
}

/** Faults wait in order; the first one whose `match` is in the request path is used once. */
export class FaultQueue implements FaultInjector {
	private armed: ArmedFault[] = [];

	/** `onClear` cuts the connections held by stall faults: clearing the faults ends what they started. */
	constructor(private readonly onClear: () => void = () => undefined) {}

	add(fault: Fault): void {
		if (!KINDS.includes(fault.kind)) throw new Error(`simulator: unknown fault kind ${String(fault.kind)}`);
		const times = fault.times ?? 1;
		if (!Number.isInteger(times) || times < 1) throw new Error('simulator: fault times must be a positive integer');
		if (fault.kind === 'refusal' && typeof fault.message !== 'string') throw new Error('simulator: a refusal fault needs a message');
		if (fault.afterBytes !== undefined && !(Number.isInteger(fault.afterBytes) && fault.afterBytes >= 0)) {
			throw new Error('simulator: fault afterBytes must be a whole number of bytes');
		}
		const match = fault.match ?? DEFAULT_MATCH[fault.kind];
		this.armed.push({ ...fault, match, remaining: fault.always ? Number.POSITIVE_INFINITY : times });
	}

	clear(): void {
		this.armed = [];
		this.onClear();
	}

	pending(): number {
		// An `always` fault counts once: it is pending until cleared.
		return this.armed.reduce((sum, fault) => sum + (Number.isFinite(fault.remaining) ? fault.remaining : 1), 0);
	}

	/** Uses up one application of the first fault matching this path, if any (`always` faults stay). */
	take(path: string): Fault | undefined {
		const fault = this.armed.find((candidate) => !candidate.match || path.includes(candidate.match));
		if (!fault) return undefined;
		fault.remaining--;
		if (fault.remaining <= 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
		return fault;
	}
}
