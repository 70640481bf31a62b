/**
 * file: update (the file's attributes: description, password, flags, access rules), as a real n8n
 * workflow against the simulator, checking the output and the simulator's state; and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: update', () => {
	it('sets description, password, flags and access rules, and returns the file', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('update', {
				file: rl('url', stored.url),
				updateFields: {
					description: 'quarterly report',
					password: 'secret-1',
					inline: true,
					noSsl: true,
					cdn: false,
					acl: { rules: { ip: '203.0.113.0/24, 198.51.100.7', country: 'fr,BE', email: '', premium: true } },
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const file = sim.state.findFile(stored.url)!;
		expect(file.description).toBe('quarterly report');
		expect(file.pass).toBe('secret-1');
		expect(file.inline).toBe(1);
		expect(file.noSsl).toBe(1);
		expect(file.cdn).toBe(0);
		expect(file.acl).toEqual({ ip: ['203.0.113.0/24', '198.51.100.7'], country: ['FR', 'BE'], email: [], premium: 1 });
		expect(result.items[0].json).toMatchObject({
			url: stored.url,
			description: 'quarterly report',
			passwordProtected: true,
			inline: true,
			noSsl: true,
		});
	});

	it('an empty password removes it; empty rules remove the access rules', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: { password: 'secret-1', acl: { rules: { country: 'FR' } } } }));
		expect(sim.state.findFile(stored.url)!.pass).toBe('secret-1');
		const result = await runNode(
			sim,
			fileOp('update', { file: rl('url', stored.url), updateFields: { password: '', acl: { rules: {} } } }),
		);
		expect(result.error).toBeUndefined();
		const file = sim.state.findFile(stored.url)!;
		expect(file.pass).toBe('');
		expect(file.acl).toEqual({ ip: [], country: [], email: [], premium: 0 });
	});

	it('refuses a password shorter than 6 characters before any call', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: { password: 'abc' } }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"Password" (under Update Fields) must be at least 6 characters long');
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses an empty updateFields', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('update', { file: rl('url', stored.url), updateFields: {} }));
		expect(result.error?.message).toBe('"Update Fields" is empty: nothing to update');
		expect(sim.stats.requests).toBe(0);
	});
});
