import { parseParisDate, type Simulator } from '../../simulator';
import { api, control, startRelaxed, uploadThroughNode } from './helpers';

describe('simulator: clock offset (clockOffsetMs)', () => {
	const FIVE_MINUTES = 5 * 60_000;
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed({ clockOffsetMs: -FIVE_MINUTES, limits: { fileLsPerFolderMs: 30_000 } });
	});
	afterAll(() => sim.close());

	/** How far a date the simulator showed is from the host's clock now. */
	const skewOf = (parisDate: string) => (parseParisDate(parisDate) as number) - Date.now();

	it('dates uploads, folders and added files by the simulator clock, settable while running; reset restores the start offset', async () => {
		expect(sim.clock.offsetMs()).toBe(-FIVE_MINUTES);
		const [behind] = await uploadThroughNode(sim, [{ filename: 'behind.txt', content: 'b' }]);
		const listed = await api(sim, 'file/info.cgi', { url: behind.download });
		expect(skewOf(listed.json.date)).toBeGreaterThan(-FIVE_MINUTES - 3000);
		expect(skewOf(listed.json.date)).toBeLessThan(-FIVE_MINUTES + 3000);
		const made = await api(sim, 'folder/mkdir.cgi', { name: 'skewed' });
		const folder = sim.state.getFolder(made.json.folder_id)!;
		expect(skewOf(folder.createDate)).toBeLessThan(-FIVE_MINUTES + 3000);

		expect((await control(sim, 'clock', { offsetMs: FIVE_MINUTES })).json).toMatchObject({ ok: true, offsetMs: FIVE_MINUTES });
		const ahead = sim.state.addFile(0, 'ahead.txt', 'a');
		expect(skewOf(ahead.date)).toBeGreaterThan(FIVE_MINUTES - 3000);
		expect(skewOf(ahead.date)).toBeLessThan(FIVE_MINUTES + 3000);
		// Files stored earlier keep their dates.
		expect((await api(sim, 'file/info.cgi', { url: behind.download })).json.date).toBe(listed.json.date);
		expect((await control(sim, 'state')).json.clockOffsetMs).toBe(FIVE_MINUTES);
		expect((await control(sim, 'clock', { offsetMs: 'soon' })).status).toBe(400);

		await control(sim, 'reset', {});
		expect(sim.clock.offsetMs()).toBe(-FIVE_MINUTES);
	});

	it('leaves rate limits on the host clock: moving the clock does not open or close a listing slot', async () => {
		sim.resetLimits();
		expect((await api(sim, 'file/ls.cgi', { folder_id: 0 })).status).toBe(200);
		sim.clock.setOffsetMs(3_600_000);
		expect((await api(sim, 'file/ls.cgi', { folder_id: 0 })).status).toBe(403);
		sim.clock.setOffsetMs(-FIVE_MINUTES);
	});
});
