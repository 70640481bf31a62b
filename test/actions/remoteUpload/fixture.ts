/**
 * What the remote upload tests share: the node's parameters, the loopback link origin
 * (./linkOrigin.ts) started once per test file, and a request created and waited for.
 */
import type { IncomingHttpHeaders } from 'http';
import type { INodeParameters } from 'n8n-workflow';

import { byId, runNode } from '../../helpers/n8n';
import { sim } from '../../helpers/simulator';
import type { LinkOrigin } from './linkOrigin';
import { startLinkOrigin } from './linkOrigin';

export const remoteOp = (operation: string, parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'remoteUpload',
	operation,
	...parameters,
});

/** The link origin of this test file: `url` and `seenHeaders` are set once beforeAll has run. */
export function useLinkOrigin(): { url: string; seenHeaders: IncomingHttpHeaders[] } {
	const current = { url: '', seenHeaders: [] as IncomingHttpHeaders[] };
	let origin: LinkOrigin | undefined;
	beforeAll(async () => {
		origin = await startLinkOrigin();
		current.url = origin.url;
		current.seenHeaders = origin.seenHeaders;
	});
	afterAll(async () => await origin?.close());
	return current;
}

/** Creates a remote upload of these links into the root, waits until it is done, and returns its id. */
export async function createAndWait(urls: string): Promise<number> {
	const result = await runNode(
		sim,
		remoteOp('create', { urls, folder: byId(0), options: { waitForCompletion: true, pollIntervalSeconds: 0.05 } }),
	);
	expect(result.error).toBeUndefined();
	return result.items[0].json.requestId as number;
}
