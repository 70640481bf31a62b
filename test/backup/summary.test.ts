/** The run's summary: progress in n8n's log at least every 30 s, failures listed up to a bound. */
import type { Logger } from 'n8n-workflow';

import { MAX_FAILURES_LISTED, RunSummary } from '../../nodes/OneFichier/backup/summary';
import { useClockForTesting } from '../../nodes/OneFichier/installation/clock';

function fakeClock() {
	let now = 1_000_000;
	return { now: () => now, sleep: async () => undefined, advance: (ms: number) => (now += ms) };
}

describe('RunSummary', () => {
	let restore: () => void;
	const clock = fakeClock();
	beforeEach(() => (restore = useClockForTesting(clock)));
	afterEach(() => restore());

	it('logs where the run stands once 30 s have passed since the last line, not more often', () => {
		const lines: string[] = [];
		const logger = { info: (line: string) => lines.push(line) } as unknown as Logger;
		const summary = new RunSummary(logger, false);
		summary.enterFolder('photos');
		summary.files.seen = 12;
		summary.logProgress();
		expect(lines).toEqual([]);
		clock.advance(29_000);
		summary.logProgress();
		expect(lines).toEqual([]);
		clock.advance(1_000);
		summary.logProgress();
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain('12 files seen');
		expect(lines[0]).toContain('"photos"');
		clock.advance(10_000);
		summary.logProgress();
		expect(lines).toHaveLength(1);
	});

	it('lists the first failures and counts the rest', () => {
		const summary = new RunSummary({ info() {} } as unknown as Logger, false);
		for (let index = 0; index < MAX_FAILURES_LISTED + 5; index++) summary.fail(`f${index}`, 'no');
		const item = summary.item({ source: 's', folder: 'f', mode: 'copy', dryRun: false, apiCalls: {} });
		expect((item.failures as unknown[]).length).toBe(MAX_FAILURES_LISTED);
		expect(item.failuresNotListed).toBe(5);
		expect(item.files).toMatchObject({ failed: MAX_FAILURES_LISTED + 5 });
		expect(item.success).toBe(false);
	});
});
