/**
 * Folder share as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

describe('folder share', () => {
	it('shares publicly with a password and user shares', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const result = await runNode(
			sim,
			folderOp('share', {
				folder: byId(docs.id),
				public: true,
				options: {
					password: 'secret123',
					shares: {
						share: [
							{ email: 'ann@example.com', rw: true, hideLinks: false },
							{ email: 'bob@example.com', rw: true, hideLinks: true },
						],
					},
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const shared = sim.state.getFolder(docs.id)?.shared;
		expect(shared?.public).toBe(true);
		expect(shared?.pass).toBe('secret123');
		expect(shared?.shares).toEqual([
			{ email: 'ann@example.com', rw: 1, hide_links: 0 },
			{ email: 'bob@example.com', rw: 0, hide_links: 1 },
		]);
		expect(result.items[0].json).toMatchObject({ id: docs.id, public: true, url: shared?.url, passwordProtected: true });
		expect(String(result.items[0].json.url)).toMatch(/\/dir\//);
	});

	it('removes the public link', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		await runNode(sim, folderOp('share', { folder: byId(docs.id), public: true }));
		const result = await runNode(sim, folderOp('share', { folder: byId(docs.id), public: false }));
		expect(result.items[0].json).toEqual({ id: docs.id, public: false, url: null });
		expect(sim.state.getFolder(docs.id)?.shared?.public).toBe(false);
	});

	it.each([
		['the default folder', {}],
		['folder ID 0', { folder: byId(0) }],
		['the path /', { folder: byPath('/') }],
		['user shares only, no public link', { folder: byId(0), public: false, options: { shares: { share: [{ email: 'ann@example.com' }] } } }],
	])('refuses to share the root folder (%s) without Share Root Folder, naming what to set, before folder/share.cgi', async (_case, parameters) => {
		const result = await runNode(sim, folderOp('share', parameters));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"Folder" is the root folder: sharing it would share the whole account');
		expect(result.error?.description).toContain('Choose the folder to share in "Folder"');
		expect(result.error?.description).toContain('add "Share Root Folder (Whole Account)" (under Options) and turn it on');
		expect(sim.stats.byEndpoint['folder/share.cgi'] ?? 0).toBe(0);
	});

	it('asks 1fichier to share the root when Share Root Folder is on, and lets the root\'s public link be removed without it', async () => {
		await runNode(sim, folderOp('share', { folder: byId(0), public: true, options: { shareRootFolder: true } }));
		expect(sim.stats.byEndpoint['folder/share.cgi']).toBe(1);
		// Removing the public link shares nothing: no choice needed.
		await runNode(sim, folderOp('share', { folder: byId(0), public: false }));
		expect(sim.stats.byEndpoint['folder/share.cgi']).toBe(2);
	});

	it('refuses a short password and a bad email, naming the option', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const short = await runNode(sim, folderOp('share', { folder: byId(docs.id), public: true, options: { password: '123' } }));
		expect(short.error?.message).toBe('"Password" (under Options) must have at least 6 characters');
		const email = await runNode(
			sim,
			folderOp('share', { folder: byId(docs.id), public: true, options: { shares: { share: [{ email: 'nope' }] } } }),
		);
		expect(email.error?.message).toBe('Share 1 of "Shares" (under Options) has no valid e-mail address: "nope"');
		expect(email.error?.description).toContain('"Email" (under Options → Shares → Share)');
		expect(sim.stats.byEndpoint['folder/share.cgi'] ?? 0).toBe(0);
	});
});
