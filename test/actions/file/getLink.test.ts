/**
 * file: getLink: a download link for a file, as a real n8n workflow against the simulator, checking
 * the output and the simulator's state.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: getLink', () => {
	it('returns the file url, a download url and when it expires; the token serves the bytes', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'token bytes');
		const before = Date.now();
		const result = await runNode(
			sim,
			fileOp('getLink', { file: rl('url', stored.url), options: { inline: true, single: true, restrictIp: 1, noSsl: false } }),
		);
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json.url).toBe(stored.url);
		expect(typeof json.downloadUrl).toBe('string');
		const expires = Date.parse(json.expiresAt as string);
		expect(expires).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);
		const response = await fetch(json.downloadUrl as string);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('token bytes');
	});
});
